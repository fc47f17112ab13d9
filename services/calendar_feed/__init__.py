"""The family's calendar link: a private ICS feed (RFC 5545) per parent or student and child.

- :mod:`.ics`: the iCalendar text, written by hand (line folding, escaping, CRLF);
- :mod:`.links`: issuing and revoking a link (only the token's SHA-256 is kept; audited), and
  finding the link of a token on each fetch (the holder must still be the child's parent, or
  the student themself);
- :mod:`.feed`: what the feed holds — the lessons of the past week and the coming four, the
  homework on the lesson it is due at, agreed control works, and class events and school news
  with a date (``News.event_at``) the holder was sent.
"""
