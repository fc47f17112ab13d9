"""/trusted through the Dispatcher: a parent names a trusted person, narrows what they see,
revokes them (their chat told at once); others are refused."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.methods import SendMessage
from sqlalchemy import select

from bot.i18n import t
from screens.family.trusted import TrustedCb, mask_of
from services.enums import Messenger
from services.models import Account, Guardianship, Person
from services.people import accounts
from testkit.recording import RecordingBot
from tests.factories import NOW
from tests.family.conftest import PARENT, PARENT2, TRUSTED, Family
from tests.family.test_handlers import buttons, edits, last_markup, press, say

NANNY = 7100


async def test_a_parent_names_narrows_and_revokes_a_trusted_person(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    world = family_world.world
    pyotr = world.students[0].id
    await say(dp, bot, PARENT, "/trusted")
    listing = bot.session.sent_texts(PARENT)[-1]
    assert "Бабушкина Вера: отметки" in listing
    await press(dp, bot, PARENT, TrustedCb(a="add", s=pyotr).pack())
    assert "Напишите фамилию и имя" in edits(bot)[-1]
    await say(dp, bot, PARENT, "Няня")
    assert bot.session.sent_texts(PARENT)[-1] == t("ru", "trusted.name_invalid")
    await say(dp, bot, PARENT, "Нянина  Ольга")
    assert "Что будет видеть Нянина Ольга" in bot.session.sent_texts(PARENT)[-1]
    # Nothing ticked yet: no create button.
    assert not any(b.startswith("ftr:new") for b in buttons(last_markup(bot)))
    homework = mask_of(["homework"])
    await press(dp, bot, PARENT, TrustedCb(a="tog", s=pyotr, m=homework).pack())
    assert TrustedCb(a="new", s=pyotr, m=homework).pack() in buttons(last_markup(bot))
    await press(dp, bot, PARENT, TrustedCb(a="new", s=pyotr, m=homework).pack())
    issued = edits(bot)[-1]
    assert "Нянина Ольга — доверенное лицо" in issued
    token = issued.split("?start=")[1].split()[0].split("<")[0].split('"')[0]
    async with family_world.session_factory() as s:
        person = await s.scalar(select(Person).where(Person.last_name == "Нянина"))
        assert person is not None
        link = await s.scalar(select(Guardianship).where(Guardianship.guardian_id == person.id))
        assert link is not None and link.permissions == ["homework"]
        signed = await accounts.sign_in_with_invite(
            s,
            token=token,
            messenger=Messenger.TELEGRAM,
            external_user_id=str(NANNY),
            chat_id=str(NANNY),
            now=NOW,
        )
        assert signed.actor.person_id == person.id
    # The nanny sees the homework, not the marks.
    bot.session.clear()
    await say(dp, bot, NANNY, "/marks")
    hidden = t("ru", "family.not_available", section=t("ru", "family.section.marks"))
    assert hidden in bot.session.sent_texts(NANNY)[-1]

    # The parent opens marks too, then revokes.
    both = mask_of(["marks", "homework"])
    await press(dp, bot, PARENT, TrustedCb(a="set", s=pyotr, p=person.id, m=both).pack())
    assert t("ru", "trusted.changed") in edits(bot)[-1]
    await press(dp, bot, PARENT, TrustedCb(a="rev", s=pyotr, p=person.id).pack())
    await press(dp, bot, PARENT, TrustedCb(a="rvy", s=pyotr, p=person.id).pack())
    assert "Доступ Нянина Ольга отозван" in edits(bot)[-1]
    told = [r.text for r in bot.session.requests_of(SendMessage) if r.chat_id == NANNY]
    assert told[-1] == t("ru", "login.revoked_by_school")
    async with family_world.session_factory() as s:
        account = await s.scalar(select(Account).where(Account.person_id == person.id))
        assert account is not None and account.is_blocked
        assert (
            await s.scalar(select(Guardianship).where(Guardianship.guardian_id == person.id))
            is None
        )


async def test_others_cannot_name_trusted_persons(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    pyotr = family_world.world.students[0].id
    await say(dp, bot, TRUSTED, "/trusted")
    assert bot.session.sent_texts(TRUSTED)[-1] == t("ru", "trusted.parents_only")
    # Another family's parent with a forged button: refused, nothing shown.
    bot.session.clear()
    await press(dp, bot, PARENT2, TrustedCb(a="add", s=pyotr).pack())
    assert edits(bot) == []
    rev = TrustedCb(a="rvy", s=pyotr, p=family_world.world.trusted.id).pack()
    await press(dp, bot, PARENT2, rev)
    async with family_world.session_factory() as s:
        assert (
            await s.scalar(
                select(Guardianship).where(
                    Guardianship.guardian_id == family_world.world.trusted.id
                )
            )
            is not None
        )
