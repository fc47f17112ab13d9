"""Screens of the class teacher, messenger-neutral."""
