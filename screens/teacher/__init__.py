"""Screens of the teacher, messenger-neutral."""
