"""Homework and topics: setting them on a lesson and the family's homework page."""
