"""Notices and messages: the school's broadcasts (news) and their receipts."""
