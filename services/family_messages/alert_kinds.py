"""The alerts of family messages (services.notifications.kinds): a new message, to the teacher
or to the family, with its text, its file and an "Ответить" button; a thread closed or reopened
by the teacher, to the family. Neither side's phone nor messenger account is ever in them:
only names (the teacher's; the parent's with their relation to the child)."""

from __future__ import annotations

from typing import Any

from services.notifications.kinds import (
    AlertMessage,
    Kind,
    Payload,
    Value,
    escape,
    t,
)

# Who wrote: the teacher, a parent, or the student themself.
TEACHER = "teacher"
PARENT = "parent"
STUDENT = "student"


class ThreadMessagePayload(Payload):
    thread_id: int = 0
    message_id: int = 0
    author: Value = ""  # the sender's name
    author_role: str = PARENT
    child: Value = ""  # the child the thread is about
    class_name: Value = ""
    text: Value = ""
    attachment_kind: str | None = None
    attachment_ref: str | None = None
    attachment_name: Value = None
    # The messenger the file was sent from: its ids mean nothing to another messenger.
    attachment_messenger: str | None = None


class ThreadStatePayload(Payload):
    thread_id: int = 0
    teacher: Value = ""
    child: Value = ""
    closed: bool = True


def _heading(p: ThreadMessagePayload, lang: str) -> str:
    if p.author_role == TEACHER:
        return t(lang, "threads.alert.from_teacher", author=p.author, child=p.child)
    key = "threads.alert.from_student" if p.author_role == STUDENT else "threads.alert.from_parent"
    return t(lang, key, author=p.author, child=p.child, class_name=p.class_name)


def _file_line(p: ThreadMessagePayload, lang: str) -> str:
    if not p.attachment_ref:
        return ""
    kind = "photo" if p.attachment_kind == "photo" else "document"
    messenger = t(lang, f"threads.messenger.{p.attachment_messenger or 'telegram'}")
    name = f" {p.attachment_name}" if p.attachment_name else ""
    return t(lang, f"threads.alert.file_{kind}", name=name, messenger=messenger)


def _message_text(p: ThreadMessagePayload, lang: str) -> str:
    parts = [_heading(p, lang)]
    if p.text:
        parts.append(escape(p.text))
    line = _file_line(p, lang)
    if line:
        parts.append(line)
    return "\n\n".join(parts)


def _message_brief(p: ThreadMessagePayload, lang: str) -> str:
    """The minimal personal data mode: that a message came, not who wrote it nor what."""
    key = "threads.alert.minimal_teacher" if p.author_role == TEACHER else "threads.alert.minimal"
    return t(lang, key)


def _message_of(p: ThreadMessagePayload, lang: str, text: str) -> AlertMessage:
    """The message with its file; in the minimal mode (the brief text) without the file."""
    if p.attachment_ref and text != _message_brief(p, lang):
        kind = "photo" if p.attachment_kind == "photo" else "document"
        return AlertMessage(text, kind, p.attachment_ref)
    return AlertMessage(text)


def _state_text(p: ThreadStatePayload, lang: str) -> str:
    key = "threads.alert.closed" if p.closed else "threads.alert.reopened"
    return t(lang, key, teacher=p.teacher, child=p.child)


THREAD_MESSAGE: Kind[ThreadMessagePayload] = Kind(
    "thread.message",
    ThreadMessagePayload,
    _message_text,
    message_of=_message_of,
    brief=_message_brief,
    alone=True,
)


def _state_brief(p: ThreadStatePayload, lang: str) -> str:
    return t(lang, "threads.alert.closed_minimal" if p.closed else "threads.alert.reopened_minimal")


THREAD_STATE: Kind[ThreadStatePayload] = Kind(
    "thread.state", ThreadStatePayload, _state_text, brief=_state_brief
)

KINDS: tuple[Kind[Any], ...] = (THREAD_MESSAGE, THREAD_STATE)
