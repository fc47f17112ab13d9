"""Notifications, write side: the transactional outbox, the settings of a person's alerts,
reachability, dead letters. Delivery lives in the top-level notifications package, which imports
this one and never the other way round."""
