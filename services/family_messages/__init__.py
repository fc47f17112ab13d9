"""Teacher ↔ family messages (the school's rules ask for a channel between teachers and
families): a thread per child, teacher and school year (rules.py: working hours, limits and
the text's checks, pure; threads.py: the use cases — write, reply, close, reopen, read;
reads.py: the lists and the thread's page; complaints.py: the office's complaints and the
reading they allow; settings.py: the school's hours and whether students write; alert_kinds.py:
the alerts). Who sees what: docs/messages.md."""
