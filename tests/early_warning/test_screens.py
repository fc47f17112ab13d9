"""The early warning's screens without a messenger: the class teacher's list and the admin's
steps."""

from __future__ import annotations

from decimal import Decimal

from i18n import translator
from screens.admin.warning_steps import WarnStepsCb, steps_screen
from screens.class_teacher.at_risk import at_risk_screen
from services.early_warning.reads import AtRisk, StudentRisk, SubjectRisk
from services.early_warning.settings import WarningSteps


def risk(*students: StudentRisk, period: str | None = "2 четверть") -> AtRisk:
    return AtRisk(1, "7<А>", period, 5, 10, students)


IVANOV = StudentRisk(
    student_id=5,
    name="Иванов <Пётр>",
    lessons=23,
    absent=3,
    unexcused=2,
    percent=Decimal("13.0"),
    absences_at_risk=True,
    subjects=(SubjectRisk("Математика", 2, None), SubjectRisk("Физика", 3, 4)),
)


def test_the_list_shows_figures_escaped() -> None:
    t = translator("ru")
    text = at_risk_screen(t, risk(IVANOV)).texts[0]
    assert "Группа риска: 7&lt;А&gt;" in text
    assert "Иванов &lt;Пётр&gt;" in text
    assert "пропущено 3 из 23 (13,0 %), без уважительной причины: 2" in text
    assert "Математика: выходит «2»" in text
    assert "Физика: выходит «3» (было «4»)" in text
    en = at_risk_screen(translator("en"), risk(IVANOV)).texts[0]
    assert "missed 3 of 23 (13.0 %), without a valid reason: 2" in en


def test_an_empty_list_and_no_period() -> None:
    t = translator("ru")
    assert "никого в группе риска нет" in at_risk_screen(t, risk()).texts[0]
    assert "нет текущего учебного периода" in at_risk_screen(t, risk(period=None)).texts[0]


def test_the_steps_screen_marks_the_current_pair() -> None:
    t = translator("ru")
    screen = steps_screen(t, WarningSteps(5, 10), saved=True)
    assert "Сейчас: 5 % и 10 %" in screen.texts[0]
    labels = {b.text: b.action for row in screen.rows for b in row}
    assert labels["✅ 5 % / 10 %"] == WarnStepsCb(first=5, second=10)
    assert labels["3 % / 7 %"] == WarnStepsCb(first=3, second=7)
