"""Screens of the admin, messenger-neutral."""
