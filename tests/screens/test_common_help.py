"""/help as a person sees it, per role, without a messenger."""

from __future__ import annotations

from dataclasses import dataclass

from i18n import translator
from screens.common.help import MESSAGE_LIMIT, help_blocks, help_pages, help_screen
from services.enums import Role


@dataclass(frozen=True)
class Spec:
    name: str

    @property
    def description_key(self) -> str:
        return f"cmd.{self.name}"


def test_a_guest_sees_the_guest_header_and_whom_to_ask() -> None:
    t = translator("en")
    blocks = help_blocks(t, None, [Spec("start")])
    assert blocks[0].startswith(t("help.header_guest"))
    assert t("help.cmd.start") in blocks[0]
    assert blocks[1] == t("help.footer_guest") + "\n" + t("help.ask.guest")
    assert len(blocks) == 2


def test_a_parent_reads_the_absence_buttons_and_asks_the_family_contact() -> None:
    t = translator("ru")
    text = "\n\n".join(help_blocks(t, frozenset({Role.PARENT}), [Spec("diary")]))
    assert t("help.ask.family") in text and t("help.ask.staff") not in text
    assert t("notify.absence.button_ill") in text
    assert t("quick.help_hint") not in text


def test_a_teacher_gets_the_quick_marks_hint_and_the_staff_contact() -> None:
    t = translator("ru")
    text = "\n\n".join(help_blocks(t, frozenset({Role.TEACHER}), []))
    assert t("quick.help_hint") in text and t("help.ask.staff") in text
    assert t("notify.absence.button_ill") not in text


def test_long_help_is_split_between_lines_under_the_limit() -> None:
    line = "x" * 900
    pages = help_pages(["\n".join([line] * 5), "tail"])
    assert len(pages) == 2 and all(len(p) <= MESSAGE_LIMIT for p in pages)
    assert pages[-1].endswith("tail")
    screen = help_screen(translator("en"), frozenset({Role.ADMIN}), [Spec("help")])
    assert not screen.replace and screen.rows == () and len(screen.texts) == 1
