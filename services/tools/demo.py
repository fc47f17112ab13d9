"""A demonstration school with a term of realistic journal history.

``build_demo`` creates the school «Демонстрационная школа № 1» (code ``demo``): the school year
around ``today`` with quarters and holidays, bell times, six classes (1А … 11А, 7А split into two
English groups), staff, about a hundred students with their parents, a weekly timetable, the
thematic plans, and dated lessons for the last three weeks (topics, homework, attendance, marks)
plus the next seven days (empty, to be filled in). Everything is drawn from ``random.Random``
with a fixed seed, so the same ``today`` always gives the same school.

Running it again changes nothing: the school is found by its code and the sample users'
credentials are re-derived, not re-issued. They come from an HMAC keyed by a random secret kept
in the database (``app_settings``), so they can be printed again without touching a row, yet
nobody outside can compute them. (Demos built before that secret existed derive them from the
school row, id, code and creation time, which a stranger can reproduce in a few thousand
guesses; re-running ``demo`` on such a database says so.)

Demo credentials are for trying the bot and nothing else. Anyone who can run ``demo`` against
the database can print them again, so the school is marked ``is_demo``, the command says so
loudly on its output and in the log, and ``build_demo`` refuses to touch a school with the demo's
code that is not marked as the demo: a real school never starts with these credentials.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from services import app_settings, audit
from services.enums import (
    DEFAULT_WEIGHTS,
    AttendanceCode,
    GuardianKind,
    HolidayKind,
    PeriodKind,
    Role,
    WorkKind,
)
from services.errors import DomainError
from services.models import (
    AbsenceNotice,
    Account,
    Attendance,
    BellTime,
    Enrolment,
    Guardianship,
    Holiday,
    Homework,
    Invite,
    Lesson,
    Mark,
    Person,
    PlanItem,
    RoleGrant,
    School,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
    Subgroup,
    SubgroupMember,
    Subject,
    Substitution,
    TeachingAssignment,
    TimetableEntry,
    utcnow,
)
from services.people import accounts

log = logging.getLogger(__name__)

DEMO_CODE = "demo"
DEMO_NAME = "Демонстрационная школа № 1"
DEMO_TIMEZONE = "Europe/Moscow"
SEED = 20_250_901
CREDENTIAL_TTL = dt.timedelta(days=30)
HISTORY_DAYS = 21  # "the past three weeks", today included
FUTURE_DAYS = 7

# --------------------------------------------------------------------------- calendar


@dataclass(frozen=True)
class HolidaySpec:
    kind: HolidayKind
    name: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class DemoYear:
    """A school year: 1 Sept – 31 May, four quarters, holidays, Monday to Friday."""

    first_year: int
    starts_on: dt.date
    ends_on: dt.date
    quarters: tuple[tuple[dt.date, dt.date], ...]
    holidays: tuple[HolidaySpec, ...]

    @property
    def name(self) -> str:
        return f"{self.first_year}/{self.first_year + 1}"

    def is_working_day(self, day: dt.date) -> bool:
        if day.isoweekday() > 5:
            return False
        if not any(start <= day <= end for start, end in self.quarters):
            return False
        return not any(h.starts_on <= day <= h.ends_on for h in self.holidays)

    def working_days(self, first: dt.date, last: dt.date) -> list[dt.date]:
        days = []
        day = first
        while day <= last:
            if self.is_working_day(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days


def _on_weekday(day: dt.date, weekday: int) -> dt.date:
    """The first ``weekday`` (0 = Monday) on or after ``day``."""
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def demo_year(today: dt.date) -> DemoYear:
    """The school year containing ``today``; in summer, the year starting next September."""
    y = today.year if today.month >= 6 else today.year - 1
    one = dt.timedelta(days=1)
    autumn = _on_weekday(dt.date(y, 10, 24), 5)  # a Saturday, 24–30 Oct, for 9 days
    winter = _on_weekday(dt.date(y, 12, 24), 5)  # a Saturday, 24–30 Dec …
    winter_end = _on_weekday(dt.date(y + 1, 1, 6), 6)  # … to a Sunday, 6–12 Jan
    spring = _on_weekday(dt.date(y + 1, 3, 21), 5)  # a Saturday, 21–27 Mar, for 9 days
    sept_1 = dt.date(y, 9, 1)
    quarters = (
        (_on_weekday(sept_1, 0) if sept_1.weekday() >= 5 else sept_1, autumn - one),
        (autumn + 9 * one, winter - one),
        (winter_end + one, spring - one),
        (spring + 9 * one, _weekday_on_or_before(dt.date(y + 1, 5, 26))),
    )

    def day_off(name: str, day: dt.date) -> HolidaySpec:
        return HolidaySpec(HolidayKind.DAY_OFF, name, day, day)

    holidays = (
        HolidaySpec(HolidayKind.HOLIDAY, "Осенние каникулы", autumn, autumn + 8 * one),
        day_off("День народного единства", dt.date(y, 11, 4)),
        HolidaySpec(HolidayKind.HOLIDAY, "Зимние каникулы", winter, winter_end),
        day_off("День защитника Отечества", dt.date(y + 1, 2, 23)),
        day_off("Международный женский день", dt.date(y + 1, 3, 8)),
        HolidaySpec(HolidayKind.HOLIDAY, "Весенние каникулы", spring, spring + 8 * one),
        day_off("Праздник Весны и Труда", dt.date(y + 1, 5, 1)),
        day_off("День Победы", dt.date(y + 1, 5, 9)),
    )
    return DemoYear(
        first_year=y,
        starts_on=sept_1,
        ends_on=dt.date(y + 1, 5, 31),
        quarters=quarters,
        holidays=holidays,
    )


BELLS = [
    (dt.time(8, 30), dt.time(9, 15)),
    (dt.time(9, 25), dt.time(10, 10)),
    (dt.time(10, 30), dt.time(11, 15)),
    (dt.time(11, 35), dt.time(12, 20)),
    (dt.time(12, 30), dt.time(13, 15)),
    (dt.time(13, 25), dt.time(14, 10)),
    (dt.time(14, 20), dt.time(15, 5)),
    (dt.time(15, 15), dt.time(16, 0)),
]

# --------------------------------------------------------------------------- staff, classes

_ENG = "Английский язык"


@dataclass(frozen=True)
class StaffSpec:
    key: str
    last_name: str
    first_name: str
    middle_name: str
    roles: tuple[Role, ...]
    room: str | None


STAFF = [
    StaffSpec("admin", "Кузнецов", "Андрей", "Викторович", (Role.ADMIN,), None),
    StaffSpec("director", "Белова", "Ирина", "Николаевна", (Role.DIRECTOR,), None),
    StaffSpec("deputy", "Соколов", "Михаил", "Петрович", (Role.DEPUTY, Role.TEACHER), "301"),
    StaffSpec("primary", "Васильева", "Наталья", "Сергеевна", (Role.TEACHER,), "105"),
    StaffSpec("rus_a", "Морозова", "Елена", "Александровна", (Role.TEACHER,), "201"),
    StaffSpec("rus_b", "Лебедева", "Ольга", "Викторовна", (Role.TEACHER,), "202"),
    StaffSpec("math_a", "Новикова", "Татьяна", "Ивановна", (Role.TEACHER,), "203"),
    StaffSpec("math_b", "Фёдоров", "Дмитрий", "Алексеевич", (Role.TEACHER,), "204"),
    StaffSpec("eng_a", "Смирнова", "Анна", "Павловна", (Role.TEACHER,), "206"),
    StaffSpec("eng_b", "Козлова", "Мария", "Андреевна", (Role.TEACHER,), "207"),
    StaffSpec("hist", "Попов", "Сергей", "Владимирович", (Role.TEACHER,), "208"),
    StaffSpec("bio", "Волкова", "Светлана", "Юрьевна", (Role.TEACHER,), "302"),
    StaffSpec("pe", "Егоров", "Павел", "Николаевич", (Role.TEACHER,), "Спортзал"),
    StaffSpec("arts", "Орлова", "Людмила", "Геннадьевна", (Role.TEACHER,), "108"),
]
ROOMS = {("math_b", "Информатика"): "305", ("pe", "ОБЗР"): "109"}

SUBJECTS = [
    ("Русский язык", "Рус. яз."),
    ("Литературное чтение", "Лит. чтение"),
    ("Литература", "Лит-ра"),
    ("Математика", "Матем."),
    ("Алгебра", "Алгебра"),
    ("Геометрия", "Геом."),
    ("Вероятность и статистика", "Вер. и стат."),
    ("Информатика", "Информ."),
    (_ENG, "Англ. яз."),
    ("История", "История"),
    ("Обществознание", "Общ."),
    ("ОДНКНР", "ОДНКНР"),
    ("География", "Геогр."),
    ("Биология", "Биол."),
    ("Физика", "Физика"),
    ("Химия", "Химия"),
    ("Окружающий мир", "Окр. мир"),
    ("Изобразительное искусство", "ИЗО"),
    ("Музыка", "Музыка"),
    ("Труд (технология)", "Труд"),
    ("Физическая культура", "Физ-ра"),
    ("ОБЗР", "ОБЗР"),
]

# (subject, hours a week, teacher) — two teachers mean two subgroups of the class.
Curriculum = list[tuple[str, int, str | tuple[str, str]]]

GRADE_1: Curriculum = [
    ("Русский язык", 5, "primary"),
    ("Литературное чтение", 4, "primary"),
    ("Математика", 4, "primary"),
    ("Окружающий мир", 2, "primary"),
    ("Изобразительное искусство", 1, "primary"),
    ("Труд (технология)", 1, "primary"),
    ("Музыка", 1, "arts"),
    ("Физическая культура", 3, "pe"),
]
GRADE_5: Curriculum = [
    ("Русский язык", 6, "rus_a"),
    ("Литература", 3, "rus_a"),
    ("Математика", 5, "math_a"),
    (_ENG, 3, "eng_a"),
    ("История", 2, "hist"),
    ("ОДНКНР", 1, "hist"),
    ("География", 1, "bio"),
    ("Биология", 1, "bio"),
    ("Информатика", 1, "math_b"),
    ("Изобразительное искусство", 1, "arts"),
    ("Музыка", 1, "arts"),
    ("Труд (технология)", 2, "arts"),
    ("Физическая культура", 3, "pe"),
]
GRADE_7: Curriculum = [
    ("Русский язык", 4, "rus_b"),
    ("Литература", 2, "rus_b"),
    ("Алгебра", 3, "math_a"),
    ("Геометрия", 2, "math_a"),
    ("Вероятность и статистика", 1, "math_a"),
    ("Информатика", 1, "math_b"),
    (_ENG, 3, ("eng_a", "eng_b")),
    ("История", 2, "hist"),
    ("Обществознание", 1, "hist"),
    ("География", 2, "bio"),
    ("Биология", 2, "bio"),
    ("Физика", 2, "deputy"),
    ("Изобразительное искусство", 1, "arts"),
    ("Музыка", 1, "arts"),
    ("Труд (технология)", 2, "arts"),
    ("Физическая культура", 3, "pe"),
]
GRADE_9: Curriculum = [
    ("Русский язык", 3, "rus_b"),
    ("Литература", 3, "rus_b"),
    ("Алгебра", 3, "math_b"),
    ("Геометрия", 2, "math_b"),
    ("Вероятность и статистика", 1, "math_b"),
    ("Информатика", 1, "math_b"),
    (_ENG, 3, "eng_b"),
    ("История", 3, "hist"),
    ("Обществознание", 1, "hist"),
    ("География", 2, "bio"),
    ("Биология", 2, "bio"),
    ("Физика", 3, "deputy"),
    ("Химия", 2, "bio"),
    ("ОБЗР", 1, "pe"),
    ("Физическая культура", 2, "pe"),
    ("Труд (технология)", 1, "arts"),
]
GRADE_11: Curriculum = [
    ("Русский язык", 3, "rus_b"),
    ("Литература", 3, "rus_b"),
    ("Алгебра", 4, "math_b"),
    ("Геометрия", 2, "math_b"),
    ("Вероятность и статистика", 1, "math_b"),
    ("Информатика", 1, "math_b"),
    (_ENG, 3, "eng_b"),
    ("История", 2, "hist"),
    ("Обществознание", 2, "hist"),
    ("География", 1, "bio"),
    ("Биология", 2, "bio"),
    ("Физика", 2, "deputy"),
    ("Химия", 2, "bio"),
    ("ОБЗР", 1, "pe"),
    ("Физическая культура", 3, "pe"),
]


@dataclass(frozen=True)
class ClassSpec:
    name: str
    grade: int
    letter: str
    class_teacher: str
    curriculum: Curriculum
    day_sizes: tuple[int, int, int, int, int]


CLASSES = [
    ClassSpec("1А", 1, "А", "primary", GRADE_1, (5, 4, 4, 4, 4)),
    ClassSpec("5А", 5, "А", "rus_a", GRADE_5, (6, 6, 6, 6, 6)),
    ClassSpec("5Б", 5, "Б", "math_a", GRADE_5, (6, 6, 6, 6, 6)),
    ClassSpec("7А", 7, "А", "bio", GRADE_7, (7, 6, 6, 7, 6)),
    ClassSpec("9А", 9, "А", "math_b", GRADE_9, (7, 7, 6, 7, 6)),
    ClassSpec("11А", 11, "А", "rus_b", GRADE_11, (7, 6, 7, 6, 6)),
]
SUBGROUP_NAMES = ("Английский язык, группа 1", "Английский язык, группа 2")

# --------------------------------------------------------------------------- names

BOYS = [
    "Александр", "Максим", "Артём", "Михаил", "Иван", "Дмитрий", "Даниил", "Кирилл", "Андрей",
    "Егор", "Никита", "Илья", "Алексей", "Матвей", "Тимофей", "Роман", "Владимир", "Ярослав",
    "Фёдор", "Георгий", "Константин", "Лев", "Марк", "Сергей", "Николай", "Павел", "Степан",
    "Глеб", "Денис", "Евгений", "Арсений", "Всеволод",
]  # fmt: skip
GIRLS = [
    "Анастасия", "Мария", "Анна", "Виктория", "Екатерина", "Софья", "Полина", "Дарья", "Алиса",
    "Ксения", "Варвара", "Елизавета", "Александра", "Вероника", "Арина", "Милана", "Ева",
    "Василиса", "Юлия", "Алёна", "Валерия", "Кира", "Ульяна", "Таисия", "Маргарита", "Злата",
    "Есения", "Вера",
]  # fmt: skip
MOTHERS = [
    "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия", "Анна", "Екатерина",
    "Мария", "Марина", "Оксана", "Анастасия", "Евгения", "Людмила", "Виктория", "Ксения",
    "Галина", "Надежда", "Вера", "Алла", "Дарья", "Ксения", "Валентина",
]  # fmt: skip
GRANDMOTHERS = ["Галина", "Валентина", "Людмила", "Тамара", "Надежда", "Нина", "Любовь", "Лидия"]
# A man's name and the patronymics it gives a son and a daughter.
PATRONYMICS = {
    "Александр": ("Александрович", "Александровна"),
    "Алексей": ("Алексеевич", "Алексеевна"),
    "Анатолий": ("Анатольевич", "Анатольевна"),
    "Андрей": ("Андреевич", "Андреевна"),
    "Антон": ("Антонович", "Антоновна"),
    "Артём": ("Артёмович", "Артёмовна"),
    "Борис": ("Борисович", "Борисовна"),
    "Вадим": ("Вадимович", "Вадимовна"),
    "Валерий": ("Валерьевич", "Валерьевна"),
    "Василий": ("Васильевич", "Васильевна"),
    "Виктор": ("Викторович", "Викторовна"),
    "Владимир": ("Владимирович", "Владимировна"),
    "Геннадий": ("Геннадьевич", "Геннадьевна"),
    "Григорий": ("Григорьевич", "Григорьевна"),
    "Денис": ("Денисович", "Денисовна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Евгений": ("Евгеньевич", "Евгеньевна"),
    "Игорь": ("Игоревич", "Игоревна"),
    "Илья": ("Ильич", "Ильинична"),
    "Кирилл": ("Кириллович", "Кирилловна"),
    "Константин": ("Константинович", "Константиновна"),
    "Леонид": ("Леонидович", "Леонидовна"),
    "Максим": ("Максимович", "Максимовна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Николай": ("Николаевич", "Николаевна"),
    "Олег": ("Олегович", "Олеговна"),
    "Павел": ("Павлович", "Павловна"),
    "Пётр": ("Петрович", "Петровна"),
    "Роман": ("Романович", "Романовна"),
    "Сергей": ("Сергеевич", "Сергеевна"),
    "Станислав": ("Станиславович", "Станиславовна"),
    "Юрий": ("Юрьевич", "Юрьевна"),
}
FATHERS = [
    "Александр", "Алексей", "Андрей", "Антон", "Артём", "Вадим", "Виктор", "Владимир", "Денис",
    "Дмитрий", "Евгений", "Игорь", "Илья", "Кирилл", "Константин", "Максим", "Михаил",
    "Николай", "Олег", "Павел", "Роман", "Сергей", "Станислав", "Юрий",
]  # fmt: skip
SURNAMES = [
    "Иванов", "Петров", "Михайлов", "Семёнов", "Павлов", "Степанов", "Николаев", "Андреев",
    "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев",
    "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв",
    "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв",
    "Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов",
    "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков",
    "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов",
    "Тихонов", "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов",
    "Абрамов", "Мартынов", "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев",
    "Чернышёв", "Быков", "Маслов", "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов",
    "Филатов", "Пономарёв", "Голубев", "Кудрявцев", "Прохоров", "Наумов", "Потапов",
    "Журавлёв", "Овчинников", "Трофимов", "Леонов", "Соболев", "Ермаков", "Колесников",
    "Гончаров", "Емельянов", "Никифоров", "Грачёв", "Котов", "Гришин", "Ефремов", "Архипов",
    "Громов", "Кириллов", "Малышев", "Панов", "Моисеев", "Румянцев", "Акимов", "Кондратьев",
    "Бирюков", "Горбунов", "Анисимов", "Ерёмин", "Тихомиров", "Галкин", "Лукьянов", "Михеев",
    "Скворцов", "Юдин", "Белоусов", "Нестеров", "Симонов", "Прокофьев", "Харитонов", "Князев",
    "Цветков", "Левин", "Покровский", "Вишневский", "Островский", "Троицкий", "Успенский",
    "Белецкий", "Толстой", "Полевой", "Шевченко", "Черных", "Ким", "Бондаренко", "Гордеев",
    "Зуев", "Субботин", "Шестаков",
]  # fmt: skip


def feminine(surname: str) -> str:
    """The feminine form of a Russian surname: Иванов → Иванова, Троицкий → Троицкая."""
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith(("ий", "ый", "ой")):
        return surname[:-2] + "ая"
    return surname  # Шевченко, Черных, Ким


# --------------------------------------------------------------------------- thematic plans

SECTIONS: dict[str, dict[int, list[str]]] = {
    "Русский язык": {
        1: [
            "Звуки и буквы", "Гласные и согласные звуки", "Слог. Ударение", "Перенос слов",
            "Твёрдые и мягкие согласные", "Звонкие и глухие согласные", "Слово и предложение",
            "Заглавная буква в именах и фамилиях", "Сочетания жи–ши, ча–ща, чу–щу",
        ],
        5: [
            "Повторение изученного в начальной школе", "Фонетика. Графика. Орфоэпия",
            "Морфемика. Корень слова", "Правописание безударных гласных в корне",
            "Чередование гласных в корне", "Имя существительное",
            "Склонение имён существительных", "Имя прилагательное", "Глагол",
            "Спряжение глаголов", "Синтаксис и пунктуация", "Однородные члены предложения",
            "Сложное предложение", "Прямая речь. Диалог",
        ],
        7: [
            "Причастие как часть речи", "Причастный оборот",
            "Действительные и страдательные причастия", "Деепричастие", "Деепричастный оборот",
            "Наречие", "Степени сравнения наречий", "Предлог", "Союз", "Частица",
            "Междометие",
        ],
        9: [
            "Сложное предложение", "Сложносочинённое предложение",
            "Сложноподчинённое предложение", "Виды придаточных предложений",
            "Бессоюзное сложное предложение", "Сложные предложения с разными видами связи",
            "Прямая и косвенная речь", "Подготовка к ОГЭ: сжатое изложение",
            "Подготовка к ОГЭ: сочинение-рассуждение",
        ],
        11: [
            "Лексика и фразеология", "Орфография: трудные случаи",
            "Пунктуация в сложном предложении", "Функциональные стили речи",
            "Текст. Средства связи предложений", "Подготовка к ЕГЭ: сочинение",
            "Культура речи",
        ],
    },
    "Литературное чтение": {
        1: [
            "Добукварный период", "Букварный период", "Послебукварный период",
            "Сказки, загадки, небылицы", "Апрель, апрель! Звенит капель", "Стихи А. Барто",
            "И в шутку и всерьёз", "Я и мои друзья", "О братьях наших меньших",
        ]
    },
    "Литература": {
        5: [
            "Мифы Древней Греции", "Русские народные сказки", "И. А. Крылов. Басни",
            "А. С. Пушкин. «Сказка о мёртвой царевне и о семи богатырях»",
            "М. Ю. Лермонтов. «Бородино»", "Н. В. Гоголь. «Ночь перед Рождеством»",
            "И. С. Тургенев. «Муму»", "Н. А. Некрасов. «Крестьянские дети»",
            "Л. Н. Толстой. «Кавказский пленник»", "А. П. Чехов. «Хирургия»",
            "В. П. Астафьев. «Васюткино озеро»",
        ],
        7: [
            "«Повесть временных лет»", "А. С. Пушкин. «Полтава»",
            "А. С. Пушкин. «Станционный смотритель»", "Н. В. Гоголь. «Тарас Бульба»",
            "И. С. Тургенев. «Бирюк»", "Н. А. Некрасов. «Русские женщины»",
            "М. Е. Салтыков-Щедрин. Сказки", "Л. Н. Толстой. «Детство»",
            "А. П. Чехов. «Хамелеон»", "М. Горький. «Детство»",
        ],
        9: [
            "«Слово о полку Игореве»", "М. В. Ломоносов. Оды", "А. С. Грибоедов. «Горе от ума»",
            "А. С. Пушкин. Лирика", "А. С. Пушкин. «Евгений Онегин»",
            "М. Ю. Лермонтов. «Герой нашего времени»", "Н. В. Гоголь. «Мёртвые души»",
            "Ф. М. Достоевский. «Белые ночи»",
        ],
        11: [
            "И. А. Бунин. Рассказы", "А. И. Куприн. «Гранатовый браслет»",
            "Поэзия Серебряного века", "А. А. Блок. «Двенадцать»", "С. А. Есенин. Лирика",
            "В. В. Маяковский. Лирика", "М. А. Булгаков. «Мастер и Маргарита»",
            "М. А. Шолохов. «Тихий Дон»", "А. Т. Твардовский. «Василий Тёркин»",
            "А. И. Солженицын. «Один день Ивана Денисовича»",
        ],
    },
    "Математика": {
        1: [
            "Числа от 1 до 10", "Сравнение чисел. Знаки >, <, =",
            "Сложение и вычитание в пределах 10", "Задача. Условие и вопрос",
            "Числа от 11 до 20", "Геометрические фигуры", "Длина. Сантиметр",
            "Сложение с переходом через десяток",
        ],
        5: [
            "Натуральные числа и нуль", "Сложение и вычитание натуральных чисел",
            "Умножение и деление натуральных чисел", "Степень числа", "Делимость чисел",
            "Наглядная геометрия. Линии на плоскости", "Обыкновенные дроби",
            "Сложение и вычитание дробей", "Умножение и деление дробей", "Десятичные дроби",
            "Действия с десятичными дробями", "Округление чисел",
            "Наглядная геометрия. Многоугольники",
        ],
    },
    "Алгебра": {
        7: [
            "Числовые выражения", "Преобразование выражений", "Уравнения с одной переменной",
            "Линейная функция", "Степень с натуральным показателем", "Одночлены",
            "Многочлены", "Формулы сокращённого умножения", "Системы линейных уравнений",
        ],
        9: [
            "Квадратичная функция", "Неравенства с одной переменной",
            "Системы уравнений второй степени", "Арифметическая прогрессия",
            "Геометрическая прогрессия", "Подготовка к ОГЭ",
        ],
        11: [
            "Показательная функция", "Логарифмы", "Логарифмическая функция", "Производная",
            "Применение производной", "Первообразная и интеграл", "Подготовка к ЕГЭ",
        ],
    },
    "Геометрия": {
        7: [
            "Простейшие геометрические фигуры", "Треугольники",
            "Признаки равенства треугольников", "Параллельные прямые",
            "Сумма углов треугольника", "Окружность",
        ],
        9: [
            "Векторы", "Метод координат", "Соотношения между сторонами и углами треугольника",
            "Длина окружности и площадь круга", "Движения", "Подготовка к ОГЭ",
        ],
        11: [
            "Многогранники", "Цилиндр, конус, шар", "Объёмы тел",
            "Координаты и векторы в пространстве", "Подготовка к ЕГЭ",
        ],
    },
    "Вероятность и статистика": {
        7: [
            "Представление данных", "Описательная статистика", "Случайная изменчивость",
            "Введение в теорию графов", "Вероятность и частота",
        ],
        9: [
            "Элементы комбинаторики", "Геометрическая вероятность", "Испытания Бернулли",
            "Случайная величина",
        ],
        11: [
            "Математическое ожидание", "Закон больших чисел", "Нормальное распределение",
            "Обобщение и систематизация знаний",
        ],
    },
    "Информатика": {
        5: [
            "Компьютер — универсальное устройство", "Файлы и папки", "Текстовый редактор",
            "Алгоритмы и исполнители",
        ],
        7: [
            "Информация и информационные процессы", "Устройство компьютера",
            "Кодирование информации", "Обработка текстовой информации",
            "Компьютерная графика", "Мультимедийные презентации",
        ],
        9: [
            "Моделирование как метод познания", "Алгоритмизация и программирование",
            "Электронные таблицы", "Компьютерные сети", "Подготовка к ОГЭ",
        ],
        11: [
            "Информация и информационные процессы", "Базы данных",
            "Программирование на Python", "Подготовка к ЕГЭ",
        ],
    },
    _ENG: {
        5: [
            "Школьные будни (School days)", "Моя семья (That's me!)", "Мой дом (My home)",
            "Свободное время (Free time)", "Еда и напитки (Food and drinks)",
            "Покупки (Shopping)", "Каникулы (Holidays)",
        ],
        7: [
            "Образ жизни (Lifestyles)", "Время рассказов (Tale time)",
            "Внешность и характер (Profiles)", "Новости (In the news)",
            "Что ждёт нас в будущем (What the future holds)", "Развлечения (Having fun)",
            "В центре внимания (In the spotlight)",
        ],
        9: [
            "Праздники (Celebrations)", "Жизнь и условия жизни (Life and living)",
            "Очевидное и невероятное (See it to believe it)", "Технологии (Technology)",
            "Искусство и литература (Art and literature)",
            "Город и горожане (Town and community)", "Подготовка к ОГЭ",
        ],
        11: [
            "Взаимоотношения (Relationships)", "Стресс и здоровье (Where there's a will)",
            "Ответственность (Responsibility)", "Опасность (Danger)", "Кто ты? (Who are you?)",
            "Общение (Communication)", "Подготовка к ЕГЭ",
        ],
    },
    "История": {
        5: [
            "Первобытность", "Древний Египет", "Древние цивилизации Месопотамии",
            "Древняя Индия и Китай", "Древняя Греция", "Эллинизм", "Древний Рим",
            "Римская империя",
        ],
        7: [
            "Великие географические открытия", "Реформация", "Эпоха Просвещения",
            "Россия в XVI веке", "Смутное время", "Россия в XVII веке",
        ],
        9: [
            "Россия в начале XIX века", "Отечественная война 1812 года",
            "Правление Николая I", "Великие реформы Александра II", "Россия в конце XIX века",
            "Россия в начале XX века",
        ],
        11: [
            "Великая Отечественная война 1941–1945 гг.", "СССР в 1945–1953 гг.",
            "Оттепель", "СССР в 1964–1985 гг.", "Перестройка и распад СССР",
            "Российская Федерация в 1990-е годы", "Россия в XXI веке",
        ],
    },
    "Обществознание": {
        7: [
            "Человек и его социальное окружение", "Экономика и её роль в жизни общества",
            "Социальные нормы", "Человек как участник правовых отношений",
        ],
        9: ["Политика и власть", "Государство", "Гражданин и государство", "Основы права"],
        11: [
            "Экономика и экономическая наука", "Рынок и рыночный механизм", "Социальная сфера",
            "Политическая жизнь общества", "Правовое регулирование общественных отношений",
        ],
    },
    "ОДНКНР": {
        5: [
            "В мире культуры", "Нравственные ценности российского народа",
            "Религия и культура", "Как сохранить духовные ценности предков",
        ]
    },
    "География": {
        5: [
            "Что изучает география", "Земля во Вселенной", "План местности",
            "Географическая карта", "Литосфера — каменная оболочка Земли",
        ],
        7: [
            "Главные закономерности природы Земли", "Человечество на Земле", "Африка",
            "Австралия и Океания", "Южная Америка", "Северная Америка", "Евразия",
        ],
        9: [
            "Хозяйство России", "Европейский Север", "Центральная Россия", "Поволжье", "Урал",
            "Сибирь", "Дальний Восток",
        ],
        11: ["Мировое хозяйство", "Регионы и страны мира", "Глобальные проблемы человечества"],
    },
    "Биология": {
        5: [
            "Биология — наука о живой природе", "Методы изучения живой природы",
            "Клеточное строение организмов", "Многообразие организмов",
            "Организмы и среда обитания",
        ],
        7: [
            "Растительный организм", "Строение и жизнедеятельность растений",
            "Многообразие растений", "Грибы. Лишайники", "Бактерии",
        ],
        9: [
            "Человек и его здоровье", "Нервная система", "Опорно-двигательная система",
            "Кровь и кровообращение", "Дыхание", "Пищеварение", "Обмен веществ",
        ],
        11: [
            "Организменный уровень жизни", "Наследственность и изменчивость", "Эволюция",
            "Экосистемы", "Биосфера",
        ],
    },
    "Физика": {
        7: [
            "Физика и её роль в познании окружающего мира",
            "Первоначальные сведения о строении вещества", "Движение и взаимодействие тел",
            "Давление твёрдых тел, жидкостей и газов", "Работа и мощность. Энергия",
        ],
        9: [
            "Законы взаимодействия и движения тел", "Механические колебания и волны",
            "Электромагнитное поле", "Строение атома и атомного ядра",
        ],
        11: ["Электродинамика", "Колебания и волны", "Оптика", "Квантовая физика"],
    },
    "Химия": {
        9: [
            "Электролитическая диссоциация", "Неметаллы и их соединения",
            "Металлы и их соединения", "Первоначальные сведения об органических веществах",
        ],
        11: ["Строение атома", "Химическая связь", "Химические реакции", "Металлы", "Неметаллы"],
    },
    "Окружающий мир": {1: ["Что и кто?", "Как, откуда и куда?", "Где и когда?", "Почему и зачем?"]},
    "Изобразительное искусство": {
        0: [
            "Ты изображаешь, украшаешь и строишь", "Декоративно-прикладное искусство",
            "Народные художественные промыслы", "Живопись. Натюрморт", "Пейзаж",
        ]
    },
    "Музыка": {
        0: [
            "Музыка в жизни человека", "Народная музыка России", "Музыкальная грамота",
            "Классическая музыка", "Музыка театра и кино",
        ]
    },
    "Труд (технология)": {
        0: [
            "Технологии и производство", "Компьютерная графика. Черчение",
            "Технологии обработки материалов", "Робототехника", "Проектная деятельность",
        ]
    },
    "Физическая культура": {
        0: [
            "Лёгкая атлетика", "Гимнастика с элементами акробатики",
            "Спортивные игры: баскетбол", "Спортивные игры: волейбол", "Лыжная подготовка",
            "Лёгкая атлетика. Подготовка к сдаче норм ГТО",
        ]
    },
    "ОБЗР": {
        0: [
            "Безопасность в быту", "Безопасность на транспорте",
            "Безопасность в общественных местах", "Первая помощь",
            "Основы обороны государства",
        ]
    },
}  # fmt: skip

STYLE = {
    "Русский язык": "lang",
    _ENG: "lang",
    "Литература": "lit",
    "Литературное чтение": "lit",
    "Математика": "math",
    "Алгебра": "math",
    "Геометрия": "math",
    "Вероятность и статистика": "math",
    "Информатика": "math",
    "Физика": "sci",
    "Химия": "sci",
    "Биология": "sci",
    "География": "sci",
    "История": "hum",
    "Обществознание": "hum",
    "ОДНКНР": "hum",
    "ОБЗР": "hum",
    "Изобразительное искусство": "art",
    "Музыка": "art",
    "Труд (технология)": "art",
    "Физическая культура": "pe",
}
SUFFIXES = {
    "lang": ["Упражнения", "Закрепление", "Практикум", "Развитие речи"],
    "lit": ["Анализ текста", "Выразительное чтение", "Обсуждение прочитанного"],
    "math": ["Решение задач", "Закрепление", "Практикум"],
    "sci": ["Решение задач", "Работа с учебником", "Обобщение"],
    "hum": ["Работа с источниками", "Практикум", "Обобщение"],
    "art": ["Практическая работа", "Творческое задание"],
    "pe": ["Техника выполнения упражнений", "Учебная игра", "Развитие выносливости"],
    "primary": ["Закрепление", "Работа в тетради", "Повторение"],
}


def plan_topics(subject: str, grade: int, count: int) -> list[tuple[str, WorkKind | None]]:
    """A year's thematic plan (КТП): ``count`` topics with the kind of work of each lesson."""
    by_grade = SECTIONS[subject]
    sections = by_grade.get(grade) or by_grade.get(0) or next(iter(by_grade.values()))
    first_grade = grade == 1
    style = "primary" if first_grade else STYLE[subject]
    suffixes = SUFFIXES[style]
    tail = 2 if count >= 8 else 0
    body = count - tail
    items: list[tuple[str, WorkKind | None]] = []
    n = len(sections)
    for i, title in enumerate(sections):
        k = body * (i + 1) // n - body * i // n
        for j in range(k):
            item: tuple[str, WorkKind | None]
            if j == 0:
                item = (title, WorkKind.CLASSWORK)
            elif not first_grade and j == k - 1 and k >= 4 and style not in ("art",):
                item = _closing_item(style, subject, title, i)
            elif not first_grade and style == "sci" and j == k // 2 and k >= 5:
                item = (f"Лабораторная работа. {title}", WorkKind.LAB)
            elif not first_grade and style == "math" and j == k // 2 and k >= 6:
                item = (f"Самостоятельная работа по теме «{title}»", WorkKind.TEST)
            else:
                item = (f"{title}. {suffixes[(j - 1) % len(suffixes)]}", WorkKind.CLASSWORK)
            items.append(item)
    if tail:
        items.append(("Повторение и обобщение изученного за год", WorkKind.CLASSWORK))
        if first_grade or style in ("art", "pe"):
            items.append(("Итоговое занятие", WorkKind.CLASSWORK))
        else:
            items.append(("Итоговая контрольная работа", WorkKind.CONTROL))
    if first_grade:
        return [(topic, None) for topic, _ in items]
    return items


def _closing_item(style: str, subject: str, title: str, i: int) -> tuple[str, WorkKind]:
    if style == "lang" and subject == "Русский язык" and i % 2:
        return (f"Контрольный диктант по теме «{title}»", WorkKind.DICTATION)
    if style == "lit":
        return (f"Сочинение по теме «{title}»", WorkKind.ESSAY)
    if style == "hum":
        return (f"Проверочная работа по теме «{title}»", WorkKind.TEST)
    if style == "pe":
        return (f"{title}. Контрольные нормативы", WorkKind.TEST)
    return (f"Контрольная работа по теме «{title}»", WorkKind.CONTROL)


def homework_text(rng: random.Random, subject: str, ordinal: int, plan_len: int) -> str:
    p = 1 + (ordinal - 1) * 40 // max(plan_len, 1)  # paragraph of a ~40-paragraph textbook
    page = 5 + (ordinal - 1) * 220 // max(plan_len, 1)
    style = STYLE[subject]
    e = 1 + (ordinal - 1) * 600 // max(plan_len, 1) + rng.randint(0, 4)
    options: list[str]
    if subject == "Русский язык":
        options = [f"§ {p}, упр. {e}", f"Выучить правило (§ {p}), упр. {e}, {e + 2}"]
    elif subject == _ENG:
        options = [
            f"Учебник, стр. {page}, упр. {e % 9 + 1}; выучить новые слова",
            f"Рабочая тетрадь, стр. {page // 2 + 1}, упр. {e % 7 + 1}–{e % 7 + 3}",
        ]
    elif style == "lit":
        options = [
            f"Прочитать стр. {page}–{page + 8}, ответить на вопросы 1–4",
            f"Выучить наизусть отрывок (стр. {page})",
            "Подготовить пересказ, составить план",
        ]
    elif style == "math" and subject != "Информатика":
        options = [f"№ {e}, {e + 2}, {e + 5}", f"§ {p}, № {e}–{e + 3}"]
    elif subject == "Информатика":
        options = [f"§ {p}, вопросы и задания 1–4", "Выполнить практическое задание в тетради"]
    elif subject in ("Физика", "Химия"):
        options = [f"§ {p}, упр. {e % 40 + 1} (1–3)", f"§ {p}, задачи {e % 30 + 1}, {e % 30 + 2}"]
    elif style == "sci":
        options = [
            f"§ {p}, вопросы 1–3",
            f"§ {p}, заполнить таблицу в тетради",
            f"§ {p}, подготовить сообщение",
        ]
    elif style == "hum":
        options = [
            f"§ {p}, ответить на вопросы после параграфа",
            f"§ {p}, составить план ответа",
            f"§ {p}, выучить даты и термины",
        ]
    elif subject == "Физическая культура":
        options = [
            "Комплекс утренней гимнастики",
            "Прыжки со скакалкой, 3 подхода по 50 раз",
            "Повторить правила игры",
        ]
    elif subject == "Музыка":
        options = ["Послушать произведение, записать впечатления", "Выучить слова песни"]
    else:
        options = ["Завершить работу", "Принести материалы для практической работы"]
    return rng.choice(options)


# --------------------------------------------------------------------------- timetable


@dataclass(frozen=True)
class _Part:
    teacher: str
    subgroup: int | None  # 0 or 1: index into the class's subgroups


@dataclass(frozen=True)
class _Unit:
    subject: str
    hours: int
    parts: tuple[_Part, ...]


def _units(curriculum: Curriculum) -> list[_Unit]:
    units = []
    for subject, hours, teacher in curriculum:
        if isinstance(teacher, tuple):
            parts = tuple(_Part(t, i) for i, t in enumerate(teacher))
        else:
            parts = (_Part(teacher, None),)
        units.extend([_Unit(subject, hours, parts)] * hours)
    return units


Grid = dict[tuple[int, int], _Unit]  # (weekday, lesson number) -> what is taught


def build_timetable(rng: random.Random) -> dict[str, Grid]:
    """A weekly timetable for every class with no teacher in two places at once."""
    load: Counter[str] = Counter()
    for spec in CLASSES:
        for unit in _units(spec.curriculum):
            for part in unit.parts:
                load[part.teacher] += 1
    for _ in range(200):
        busy: set[tuple[str, int, int]] = set()
        grids: dict[str, Grid] = {}
        for spec in CLASSES:
            for _ in range(50):
                grid = _place_class(rng, spec, busy, load)
                if grid is not None:
                    break
            else:
                break
            grids[spec.name] = grid
            for (wd, n), unit in grid.items():
                busy.update((part.teacher, wd, n) for part in unit.parts)
        else:
            return grids
    raise RuntimeError("demo: could not build a timetable")  # pragma: no cover


def _place_class(
    rng: random.Random, spec: ClassSpec, busy: set[tuple[str, int, int]], load: Counter[str]
) -> Grid | None:
    free = {(wd, n) for wd in range(1, 6) for n in range(1, spec.day_sizes[wd - 1] + 1)}
    units = _units(spec.curriculum)
    rng.shuffle(units)
    units.sort(key=lambda u: -max(load[p.teacher] for p in u.parts))
    per_day: Counter[tuple[str, int]] = Counter()
    grid: Grid = {}
    for unit in units:
        most = -(-unit.hours // 5)
        options = sorted(
            cell
            for cell in free
            if per_day[(unit.subject, cell[0])] < most
            and all((p.teacher, *cell) not in busy for p in unit.parts)
        )
        if not options:
            return None
        cell = rng.choice(options)
        free.discard(cell)
        per_day[(unit.subject, cell[0])] += 1
        grid[cell] = unit
    return grid


# --------------------------------------------------------------------------- credentials


# The demo's credentials are derived beside the accounts, which refuse them outside the demo.
_school_secret = accounts.demo_school_secret
candidate_keys = accounts.demo_candidate_keys
demo_credentials = accounts.demo_credentials


async def _demo_key(session: AsyncSession, school: School, *, create: bool) -> tuple[bytes, bool]:
    """The demo's credential key and whether it is the legacy, guessable one."""
    stored = await app_settings.get(session, app_settings.DEMO_SECRET)
    if stored is None and create:
        stored = secrets.token_hex(32)
        await app_settings.put(session, app_settings.DEMO_SECRET, stored)
    if stored is None:
        return _school_secret(school), True
    return f"{school.id}:{stored}".encode(), False


async def _first_person(session: AsyncSession, query: Any) -> Person | None:
    return await session.scalar(query.order_by(Person.id).limit(1))


async def sample_people(session: AsyncSession, school_id: int) -> list[tuple[Role, Person]]:
    """The people whose credentials the demo prints, one or two per role, always the same."""

    def with_role(role: Role) -> Any:
        return (
            select(Person)
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(Person.school_id == school_id, RoleGrant.role == role)
        )

    found: list[tuple[Role, Person | None]] = []
    for role in (Role.ADMIN, Role.DIRECTOR, Role.DEPUTY):
        found.append((role, await _first_person(session, with_role(role))))
    other = aliased(RoleGrant)
    other_roles = exists().where(
        other.person_id == Person.id, other.role.in_([Role.CLASS_TEACHER, Role.DEPUTY])
    )
    teacher = await _first_person(session, with_role(Role.TEACHER).where(~other_roles))
    found.append((Role.TEACHER, teacher))

    def parents(having: Any) -> Any:
        children = func.count(Guardianship.id)
        return (
            select(Guardianship.guardian_id)
            .where(Guardianship.school_id == school_id, Guardianship.kind == GuardianKind.PARENT)
            .group_by(Guardianship.guardian_id)
            .having(having(children))
            .order_by(children.desc(), Guardianship.guardian_id)
            .limit(1)
        )

    family_id = await session.scalar(parents(lambda c: c >= 2))
    single_id = await session.scalar(parents(lambda c: c == 1))
    family = await session.get(Person, family_id) if family_id is not None else None
    single = await session.get(Person, single_id) if single_id is not None else None
    student = None
    if family is not None:
        student = await session.scalar(
            select(Person)
            .join(Guardianship, Guardianship.student_id == Person.id)
            .where(Guardianship.guardian_id == family.id, Guardianship.kind == GuardianKind.PARENT)
            .order_by(Person.birth_date, Person.id)
            .limit(1)
        )
    class_teacher = None
    if student is not None:
        class_teacher = await _first_person(
            session,
            select(Person)
            .join(SchoolClass, SchoolClass.class_teacher_id == Person.id)
            .join(Enrolment, Enrolment.class_id == SchoolClass.id)
            .where(Enrolment.student_id == student.id, Enrolment.left_on.is_(None)),
        )
    if class_teacher is None:
        class_teacher = await _first_person(session, with_role(Role.CLASS_TEACHER))
    trusted = await session.scalar(
        select(Person)
        .join(Guardianship, Guardianship.guardian_id == Person.id)
        .where(Guardianship.school_id == school_id, Guardianship.kind == GuardianKind.TRUSTED)
        .order_by(Guardianship.id)
        .limit(1)
    )
    found += [
        (Role.CLASS_TEACHER, class_teacher),
        (Role.PARENT, family),
        (Role.PARENT, single),
        (Role.TRUSTED, trusted),
        (Role.STUDENT, student),
    ]
    return [(role, person) for role, person in found if person is not None]


async def _samples(
    session: AsyncSession, school: School, bot_username: str, *, issue_at: dt.datetime | None
) -> list[dict[str, str]]:
    people = await sample_people(session, school.id)
    by_person = {
        a.person_id: a
        for a in await session.scalars(
            select(Account).where(Account.person_id.in_([p.id for _, p in people]))
        )
    }
    found = [
        (role, person, by_person[person.id]) for role, person in people if person.id in by_person
    ]
    key, legacy = await _demo_key(session, school, create=issue_at is not None)
    if legacy:
        log.warning(
            "demo credentials derive from the school row and can be guessed; rebuild the demo "
            "in a fresh database"
        )
    creds = [demo_credentials(key, account.login) for _, _, account in found]
    hashes: list[str] = []
    if issue_at is not None:
        hashes = [accounts.hash_password(password) for password, _ in creds]
    out = []
    for i, (role, person, account) in enumerate(found):
        password, token = creds[i]
        if issue_at is not None:
            account.password_hash = hashes[i]
            account.password_expires_at = issue_at + CREDENTIAL_TTL
            session.add(
                Invite(
                    school_id=school.id,
                    account_id=account.id,
                    token_hash=accounts.hash_token(token),
                    created_at=issue_at,
                    expires_at=issue_at + CREDENTIAL_TTL,
                )
            )
        out.append(
            {
                "role": role.value,
                "name": person.full_name,
                "login": account.login,
                "password": password,
                "invite": accounts.invite_link(bot_username, token),
            }
        )
    return out


def login_stem(last_name: str, first_name: str) -> str:
    """The login ``accounts.generate_login`` starts from: ``ivanov.i``."""
    base = (accounts.transliterate(last_name) or "user")[:20]
    initial = accounts.transliterate(first_name)[:1]
    return f"{base}.{initial}" if initial else base


async def unique_logins(session: AsyncSession, names: list[tuple[str, str]]) -> list[str]:
    """Free logins for many people at once: ``stem``, then ``stem2``, ``stem3``…"""
    stems = [login_stem(last, first) for last, first in names]
    result: list[str | None] = [None] * len(stems)
    next_n: Counter[str] = Counter({s: 1 for s in stems})
    while None in result:
        pending = Counter(stems[i] for i, r in enumerate(result) if r is None)
        candidates = {
            stem: [
                stem if n == 1 else f"{stem}{n}" for n in range(next_n[stem], next_n[stem] + k + 3)
            ]
            for stem, k in pending.items()
        }
        flat = [c for names_ in candidates.values() for c in names_]
        taken: set[str] = set()
        for chunk in range(0, len(flat), 500):
            taken.update(
                await session.scalars(
                    select(Account.login).where(Account.login.in_(flat[chunk : chunk + 500]))
                )
            )
        free = {stem: [c for c in names_ if c not in taken] for stem, names_ in candidates.items()}
        for i, stem in enumerate(stems):
            if result[i] is None and free[stem]:
                result[i] = free[stem].pop(0)
        for stem, names_ in candidates.items():
            next_n[stem] += len(names_)
    return [r for r in result if r is not None]


# --------------------------------------------------------------------------- the builder


@dataclass
class _Student:
    person: Person
    class_name: str
    ability: float
    subgroup: int | None = None


@dataclass
class _Family:
    surname: str
    father: str | None
    children: list[tuple[str, bool, int]] = field(default_factory=list)  # class, girl, grade


class _Builder:
    def __init__(
        self, session: AsyncSession, school: School, today: dt.date, now: dt.datetime
    ) -> None:
        self.s = session
        self.school = school
        self.sid = school.id
        self.today = today
        self.now = now
        self.tz = ZoneInfo(school.timezone)
        self.rng = random.Random(SEED)
        self.cal = demo_year(today)
        self.counts: Counter[str] = Counter()

    def at(self, day: dt.date, time: dt.time, minutes: int = 0) -> dt.datetime:
        moment = dt.datetime.combine(day, time, tzinfo=self.tz) + dt.timedelta(minutes=minutes)
        return min(moment.astimezone(dt.UTC), self.now)

    async def add(self, rows: list[Any]) -> None:
        self.s.add_all(rows)
        await self.s.flush()
        if rows:
            self.counts[type(rows[0]).__tablename__] += len(rows)

    async def bulk(self, model: Any, rows: list[dict[str, Any]], *, ids: bool = False) -> list[int]:
        """Insert many rows at once (Core executemany, no ORM objects); their ids if asked."""
        table = model.__table__
        self.counts[table.name] += len(rows)
        if not rows:
            return []
        if ids:
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return list((await self.s.execute(stmt, rows)).scalars().all())
        await self.s.execute(insert(table), rows)
        return []

    async def build(self) -> None:
        await self.calendar()
        await self.staff()
        await self.classes()
        await self.students()
        await self.accounts()
        self.grids = build_timetable(self.rng)
        await self.timetable()
        await self.plans()
        await self.lessons()

    # -- calendar
    async def calendar(self) -> None:
        cal = self.cal
        self.year = SchoolYear(
            school_id=self.sid, name=cal.name, starts_on=cal.starts_on, ends_on=cal.ends_on
        )
        await self.add([self.year])
        await self.add(
            [
                StudyPeriod(
                    school_id=self.sid,
                    year_id=self.year.id,
                    kind=PeriodKind.QUARTER,
                    number=i,
                    name=f"{i} четверть",
                    starts_on=start,
                    ends_on=end,
                )
                for i, (start, end) in enumerate(cal.quarters, 1)
            ]
        )
        await self.add(
            [
                Holiday(
                    school_id=self.sid,
                    year_id=self.year.id,
                    kind=h.kind,
                    name=h.name,
                    starts_on=h.starts_on,
                    ends_on=h.ends_on,
                )
                for h in cal.holidays
            ]
        )
        await self.add(
            [
                BellTime(school_id=self.sid, shift=1, number=i, starts_at=a, ends_at=b)
                for i, (a, b) in enumerate(BELLS, 1)
            ]
        )
        subjects = [Subject(school_id=self.sid, name=n, short_name=s) for n, s in SUBJECTS]
        await self.add(subjects)
        self.subjects = {s.name: s.id for s in subjects}

    # -- people
    def person(
        self, ext: str, last: str, first: str, middle: str | None, born: dt.date | None
    ) -> Person:
        return Person(
            school_id=self.sid,
            last_name=last,
            first_name=first,
            middle_name=middle,
            birth_date=born,
            external_id=ext,
            created_at=self.now,
        )

    def birthday(self, year: int) -> dt.date:
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    async def staff(self) -> None:
        y = self.cal.first_year
        people = [
            self.person(
                f"demo-sf-{i:03d}",
                spec.last_name,
                spec.first_name,
                spec.middle_name,
                self.birthday(self.rng.randint(y - 60, y - 27)),
            )
            for i, spec in enumerate(STAFF, 1)
        ]
        await self.add(people)
        self.staff_people = people
        self.staff_ids = {spec.key: p.id for spec, p in zip(STAFF, people, strict=True)}
        self.rooms = {spec.key: spec.room for spec in STAFF}
        grants = [(self.staff_ids[spec.key], role) for spec in STAFF for role in spec.roles]
        grants += [(self.staff_ids[c.class_teacher], Role.CLASS_TEACHER) for c in CLASSES]
        await self.grant(grants)

    async def grant(self, grants: list[tuple[int, Role]]) -> None:
        await self.bulk(
            RoleGrant,
            [
                {"school_id": self.sid, "person_id": pid, "role": role, "granted_at": self.now}
                for pid, role in grants
            ],
        )

    async def classes(self) -> None:
        rows = [
            SchoolClass(
                school_id=self.sid,
                year_id=self.year.id,
                grade=c.grade,
                letter=c.letter,
                name=c.name,
                class_teacher_id=self.staff_ids[c.class_teacher],
                external_id=f"demo-cl-{c.name}",
            )
            for c in CLASSES
        ]
        await self.add(rows)
        self.class_ids = {c.name: c.id for c in rows}
        self.grades = {c.name: c.grade for c in CLASSES}
        subgroups = [
            Subgroup(
                school_id=self.sid,
                class_id=self.class_ids[c.name],
                subject_id=self.subjects[subject],
                name=SUBGROUP_NAMES[i],
            )
            for c in CLASSES
            for subject, _, teacher in c.curriculum
            if isinstance(teacher, tuple)
            for i in range(len(teacher))
        ]
        await self.add(subgroups)
        self.subgroup_ids: dict[tuple[str, int], int] = {}
        for sg in subgroups:
            name = next(n for n, cid in self.class_ids.items() if cid == sg.class_id)
            self.subgroup_ids[(name, SUBGROUP_NAMES.index(sg.name))] = sg.id

    async def students(self) -> None:
        rng = self.rng
        y = self.cal.first_year
        staff_surnames = {s.last_name for s in STAFF} | {feminine(s.last_name) for s in STAFF}
        surnames = [s for s in SURNAMES if s not in staff_surnames]
        rng.shuffle(surnames)
        # The family with two children in different classes comes first.
        families = [_Family(surnames.pop(), "Андрей", [("7А", False, 7), ("5Б", True, 5)])]
        for spec in CLASSES:
            size = rng.randint(15, 19) - sum(
                1 for f in families for c, _, _ in f.children if c == spec.name
            )
            for _ in range(size):
                dad = rng.choice(FATHERS) if rng.random() < 0.7 else None
                families.append(
                    _Family(surnames.pop(), dad, [(spec.name, rng.random() < 0.5, spec.grade)])
                )
        by_class: dict[str, list[tuple[Person, _Family, float]]] = defaultdict(list)
        used: set[tuple[str, str]] = set()
        for fam in families:
            for class_name, girl, grade in fam.children:
                while True:
                    first = rng.choice(GIRLS if girl else BOYS)
                    if (class_name, first) not in used:
                        break
                used.add((class_name, first))
                father_name = fam.father or rng.choice(FATHERS)
                middle = PATRONYMICS[father_name][1 if girl else 0]
                last = feminine(fam.surname) if girl else fam.surname
                born = self.birthday(y - 6 - grade)
                child = self.person("", last, first, middle, born)
                by_class[class_name].append((child, fam, rng.uniform(3.2, 4.9)))
        self.roster: dict[str, list[_Student]] = {}
        kids_of: dict[int, list[Person]] = defaultdict(list)  # id(family) -> children
        number = 0
        ordered: list[Person] = []
        for spec in CLASSES:
            pupils = sorted(by_class[spec.name], key=lambda t: (t[0].last_name, t[0].first_name))
            self.roster[spec.name] = []
            for child, fam, ability in pupils:
                number += 1
                child.external_id = f"demo-st-{number:03d}"
                ordered.append(child)
                kids_of[id(fam)].append(child)
                self.roster[spec.name].append(_Student(child, spec.name, ability))
        await self.add(ordered)

        # Parents, in the order of their first child; one or two per family.
        parents: list[Person] = []
        links: list[tuple[Person, Person]] = []  # (parent, child)
        self.family_mother: Person | None = None
        self.family_children: list[Person] = []
        first_child = {id(fam): min(kids_of[id(fam)], key=lambda p: p.id) for fam in families}
        for fam in sorted(families, key=lambda f: first_child[id(f)].id):
            kids = kids_of[id(fam)]
            two = len(kids) > 1
            has_father = fam.father is not None and (two or rng.random() < 0.85)
            own_name = not has_father or rng.random() < 0.9
            mother_surname = fam.surname if own_name else rng.choice(SURNAMES)
            mother = None
            if two or not has_father or rng.random() < 0.85:
                mother = self.person(
                    "",
                    feminine(mother_surname),
                    rng.choice(MOTHERS),
                    PATRONYMICS[rng.choice(list(PATRONYMICS))][1],
                    self.birthday(y - rng.randint(30, 48)),
                )
            father = None
            if has_father and fam.father is not None:
                father = self.person(
                    "",
                    fam.surname,
                    fam.father,
                    PATRONYMICS[rng.choice(list(PATRONYMICS))][0],
                    self.birthday(y - rng.randint(31, 52)),
                )
            for parent in (mother, father):
                if parent is None:
                    continue
                parent.external_id = f"demo-pa-{len(parents) + 1:03d}"
                parents.append(parent)
                links += [(parent, kid) for kid in kids]
            if two:
                self.family_mother = mother
                self.family_children = sorted(kids, key=lambda p: p.birth_date or self.today)
        await self.add(parents)
        assert self.family_mother is not None
        younger = self.family_children[-1]
        grandmother = self.person(
            "demo-tr-001",
            self.family_mother.last_name,
            rng.choice(GRANDMOTHERS),
            PATRONYMICS[rng.choice(list(PATRONYMICS))][1],
            self.birthday(y - 66),
        )
        await self.add([grandmother])
        self.trusted = grandmother

        await self.grant(
            [(p.id, Role.STUDENT) for p in ordered]
            + [(p.id, Role.PARENT) for p in parents]
            + [(grandmother.id, Role.TRUSTED)]
        )
        guardianships: list[dict[str, Any]] = [
            {
                "school_id": self.sid,
                "guardian_id": parent.id,
                "student_id": kid.id,
                "kind": GuardianKind.PARENT,
                "permissions": None,
                "granted_by_id": None,
                "created_at": self.now,
            }
            for parent, kid in links
        ]
        guardianships.append(
            {
                "school_id": self.sid,
                "guardian_id": grandmother.id,
                "student_id": younger.id,
                "kind": GuardianKind.TRUSTED,
                "permissions": ["marks", "attendance", "homework"],
                "granted_by_id": self.family_mother.id,
                "created_at": self.now,
            }
        )
        await self.bulk(Guardianship, guardianships)
        self.parents_of: dict[int, list[int]] = defaultdict(list)
        for parent, kid in links:
            self.parents_of[kid.id].append(parent.id)
        await self.bulk(
            Enrolment,
            [
                {
                    "school_id": self.sid,
                    "student_id": st.person.id,
                    "class_id": self.class_ids[name],
                    "arrived_on": self.cal.starts_on,
                    "left_on": None,
                    "arrival_note": None,
                    "departure_note": None,
                }
                for name, students in self.roster.items()
                for st in students
            ],
        )
        members = []
        for (name, index), sg_id in sorted(self.subgroup_ids.items()):
            students = self.roster[name]
            half = (len(students) + 1) // 2
            for st in students[:half] if index == 0 else students[half:]:
                st.subgroup = index
                members.append(
                    {"school_id": self.sid, "subgroup_id": sg_id, "student_id": st.person.id}
                )
        await self.bulk(SubgroupMember, members)
        self.people_all = [*self.staff_people, *ordered, *parents, grandmother]

    async def accounts(self) -> None:
        """An account for every person, logins as ``accounts.generate_login`` makes them.

        One query for the logins already taken and one bulk insert, instead of three round
        trips per person through ``accounts.ensure_account``.
        """
        people = sorted(self.people_all, key=lambda p: p.id)
        logins = await unique_logins(self.s, [(p.last_name, p.first_name) for p in people])
        ids = await self.bulk(
            Account,
            [
                {
                    "school_id": self.sid,
                    "person_id": p.id,
                    "login": login,
                    "password_hash": None,
                    "password_expires_at": None,
                    "is_blocked": False,
                    "language": None,
                    "created_at": self.now,
                    "last_seen_at": None,
                }
                for p, login in zip(people, logins, strict=True)
            ],
            ids=True,
        )
        self.account_of = {p.id: aid for p, aid in zip(people, ids, strict=True)}

    # -- timetable
    async def timetable(self) -> None:
        assignments: dict[tuple[str, str, str, int | None], int] = Counter()
        entries = []
        for spec in CLASSES:
            for (wd, n), unit in sorted(self.grids[spec.name].items()):
                for part in unit.parts:
                    assignments[(part.teacher, spec.name, unit.subject, part.subgroup)] += 1
                    entries.append(
                        {
                            "school_id": self.sid,
                            "year_id": self.year.id,
                            "class_id": self.class_ids[spec.name],
                            "subgroup_id": self.subgroup(spec.name, part.subgroup),
                            "weekday": wd,
                            "lesson_number": n,
                            "subject_id": self.subjects[unit.subject],
                            "teacher_id": self.staff_ids[part.teacher],
                            "room": self.room(part.teacher, unit.subject),
                            "valid_from": self.cal.starts_on,
                            "valid_to": None,
                        }
                    )
        await self.bulk(TimetableEntry, entries)
        await self.bulk(
            TeachingAssignment,
            [
                {
                    "school_id": self.sid,
                    "teacher_id": self.staff_ids[teacher],
                    "class_id": self.class_ids[class_name],
                    "subject_id": self.subjects[subject],
                    "subgroup_id": self.subgroup(class_name, sg),
                    "hours_per_week": hours,
                }
                for (teacher, class_name, subject, sg), hours in assignments.items()
            ],
        )

    def subgroup(self, class_name: str, index: int | None) -> int | None:
        return None if index is None else self.subgroup_ids[(class_name, index)]

    def room(self, teacher: str, subject: str) -> str | None:
        return ROOMS.get((teacher, subject), self.rooms[teacher])

    # -- plans
    async def plans(self) -> None:
        """A plan per class and subject, as long as the year's lessons; ordinals of lessons."""
        # For each (class, subject, subgroup): the dates of its lessons through the year.
        self.dates: dict[tuple[str, str, int | None], list[dt.date]] = defaultdict(list)
        self.ordinal: dict[tuple[str, str, int | None, dt.date, int], int] = {}
        by_weekday: dict[int, list[tuple[str, int, _Unit]]] = defaultdict(list)
        for spec in CLASSES:
            for (wd, n), unit in sorted(self.grids[spec.name].items()):
                by_weekday[wd].append((spec.name, n, unit))
        seen: Counter[tuple[str, str, int | None]] = Counter()
        first = self.cal.quarters[0][0]
        for day in self.cal.working_days(first, self.cal.ends_on):
            for class_name, n, unit in by_weekday[day.isoweekday()]:
                for part in unit.parts:
                    key = (class_name, unit.subject, part.subgroup)
                    seen[key] += 1
                    self.ordinal[(*key, day, n)] = seen[key]
                    if not self.dates[key] or self.dates[key][-1] != day:
                        self.dates[key].append(day)
        lengths: Counter[tuple[str, str]] = Counter()
        for (class_name, subject, _), count in seen.items():
            lengths[(class_name, subject)] = max(lengths[(class_name, subject)], count)
        rows = []
        self.topics: dict[tuple[str, str], list[tuple[str, WorkKind | None]]] = {}
        for (class_name, subject), count in sorted(lengths.items()):
            topics = plan_topics(subject, self.grades[class_name], count)
            self.topics[(class_name, subject)] = topics
            rows += [
                {
                    "school_id": self.sid,
                    "class_id": self.class_ids[class_name],
                    "subject_id": self.subjects[subject],
                    "number": i,
                    "topic": topic,
                    "hours": 1,
                }
                for i, (topic, _) in enumerate(topics, 1)
            ]
        await self.bulk(PlanItem, rows)
        names = {cid: name for name, cid in self.class_ids.items()}
        subjects = {sid: name for name, sid in self.subjects.items()}
        plan = await self.s.execute(
            select(PlanItem.id, PlanItem.class_id, PlanItem.subject_id, PlanItem.number).where(
                PlanItem.school_id == self.sid
            )
        )
        self.plan_ids = {
            (names[class_id], subjects[subject_id], number): pid
            for pid, class_id, subject_id, number in plan.all()
        }

    # -- lessons and their records
    async def lessons(self) -> None:
        rng = self.rng
        today = self.today
        past = self.cal.working_days(today - dt.timedelta(days=HISTORY_DAYS - 1), today)
        future = self.cal.working_days(
            today + dt.timedelta(days=1), today + dt.timedelta(days=FUTURE_DAYS)
        )
        slots: list[tuple[dt.date, str, int, _Unit, _Part]] = []
        for day in past + future:
            for spec in CLASSES:
                for (wd, n), unit in sorted(self.grids[spec.name].items()):
                    if wd == day.isoweekday():
                        slots.extend((day, spec.name, n, unit, part) for part in unit.parts)

        # Substitutions: one past lesson and one upcoming, by a teacher free at that hour.
        busy = {
            (part.teacher, wd, n)
            for grid in self.grids.values()
            for (wd, n), unit in grid.items()
            for part in unit.parts
        }
        substitute: dict[int, tuple[str, str]] = {}  # slot index -> (teacher, reason)
        teaches: dict[str, set[str]] = defaultdict(set)
        for spec in CLASSES:
            for subject, _, who in spec.curriculum:
                for t in who if isinstance(who, tuple) else (who,):
                    teaches[t].add(subject)
        for pool, reason in (
            ([i for i, s in enumerate(slots) if s[0] < today], "Болезнь учителя"),
            ([i for i, s in enumerate(slots) if s[0] > today], "Курсы повышения квалификации"),
        ):
            rng.shuffle(pool)
            # A colleague teaching the same subject if one is free, else anyone free.
            for same_subject in (True, False):
                for i in pool:
                    day, class_name, n, unit, part = slots[i]
                    free = [
                        t
                        for t in sorted(teaches)
                        if t not in (part.teacher, "primary")
                        and (t, day.isoweekday(), n) not in busy
                        and (unit.subject in teaches[t] or not same_subject)
                    ]
                    if free and self.grades[class_name] > 1:
                        substitute[i] = (rng.choice(free), reason)
                        break
                if substitute.keys() & set(pool):
                    break

        lesson_rows: list[dict[str, Any]] = []
        for i, (day, class_name, n, unit, part) in enumerate(slots):
            done = day <= today
            key = (class_name, unit.subject, part.subgroup)
            ordinal = self.ordinal[(*key, day, n)]
            topics = self.topics[(class_name, unit.subject)]
            ordinal = min(ordinal, len(topics))
            teacher = substitute.get(i, (part.teacher, ""))[0]
            account = self.account_of[self.staff_ids[teacher]]
            start, end = BELLS[n - 1]
            lesson_rows.append(
                {
                    "school_id": self.sid,
                    "class_id": self.class_ids[class_name],
                    "subgroup_id": self.subgroup(class_name, part.subgroup),
                    "subject_id": self.subjects[unit.subject],
                    "teacher_id": self.staff_ids[part.teacher],
                    "date": day,
                    "lesson_number": n,
                    "room": self.room(part.teacher, unit.subject),
                    "is_cancelled": False,
                    "is_distance": False,
                    "plan_item_id": (
                        self.plan_ids[(class_name, unit.subject, ordinal)] if done else None
                    ),
                    "topic": topics[ordinal - 1][0] if done else None,
                    "work_kind": topics[ordinal - 1][1] if done else None,
                    "attendance_taken_at": self.at(day, start, 7) if done else None,
                    "attendance_taken_by_id": account if done else None,
                    "unlocked_until": None,
                    "updated_at": self.at(day, end, 5) if done else None,
                    "updated_by_id": account if done else None,
                }
            )
        lesson_ids = await self.bulk(Lesson, lesson_rows, ids=True)

        await self.bulk(
            Substitution,
            [
                {
                    "school_id": self.sid,
                    "lesson_id": lesson_ids[i],
                    "teacher_id": self.staff_ids[teacher],
                    "reason": reason,
                    "created_at": self.at(slots[i][0] - dt.timedelta(days=1), dt.time(15, 0)),
                    "created_by_id": self.account_of[self.staff_ids["deputy"]],
                }
                for i, (teacher, reason) in sorted(substitute.items())
            ],
        )

        # Who was missing: a few illnesses of several days, single absences, late arrivals.
        missing: dict[tuple[int, dt.date], AttendanceCode] = {}
        everyone = [st for students in self.roster.values() for st in students]
        for st in rng.sample(everyone, 7):
            if len(past) < 2:
                break
            start_at = rng.randrange(len(past) - 1)
            for day in past[start_at : start_at + rng.randint(2, 4)]:
                missing[(st.person.id, day)] = AttendanceCode.ILL
        for st in rng.sample(everyone, 2):
            if past:
                missing.setdefault((st.person.id, rng.choice(past)), AttendanceCode.EXCUSED)

        attendance: list[dict[str, Any]] = []
        marks: list[dict[str, Any]] = []
        homework: list[dict[str, Any]] = []
        individual = 0
        for i, (day, class_name, n, unit, part) in enumerate(slots):
            if day > today:
                continue
            lesson_id = lesson_ids[i]
            row = lesson_rows[i]
            account = row["updated_by_id"]
            start, end = BELLS[n - 1]
            pupils = [
                st
                for st in self.roster[class_name]
                if part.subgroup is None or st.subgroup == part.subgroup
            ]
            first_of_day = n == 1
            present = []
            for st in pupils:
                code = missing.get((st.person.id, day))
                minutes = None
                if code is None:
                    roll = rng.random()
                    if roll < 0.006:
                        code = AttendanceCode.ABSENT
                    elif first_of_day and roll < 0.03:
                        code, minutes = AttendanceCode.LATE, rng.choice([5, 7, 10, 12, 15])
                if code is not None:
                    attendance.append(
                        {
                            "school_id": self.sid,
                            "lesson_id": lesson_id,
                            "student_id": st.person.id,
                            "code": code,
                            "minutes_late": minutes,
                            "notice_id": None,
                            "created_at": self.at(day, start, 7),
                            "created_by_id": account,
                            "updated_at": None,
                            "updated_by_id": None,
                        }
                    )
                if code is None or code == AttendanceCode.LATE:
                    present.append(st)
            grade = self.grades[class_name]
            if grade == 1:
                continue
            key = (class_name, unit.subject, part.subgroup)
            plan_len = len(self.topics[(class_name, unit.subject)])
            ordinal = self.ordinal[(*key, day, n)]
            later = [d for d in self.dates[key] if d > day]
            due = later[0] if later else None
            general = {
                "school_id": self.sid,
                "lesson_id": lesson_id,
                "student_id": None,
                "text": homework_text(rng, unit.subject, ordinal, plan_len),
                "due_date": due,
                "created_at": self.at(day, end, 5),
                "created_by_id": account,
                "updated_at": None,
            }
            homework.append(general)
            kind: WorkKind = row["work_kind"] or WorkKind.CLASSWORK
            if kind == WorkKind.CLASSWORK:
                k = min(len(present), rng.randint(2, 5))
                graded = [
                    (st, rng.choice([WorkKind.ANSWER, WorkKind.CLASSWORK, WorkKind.HOMEWORK]))
                    for st in rng.sample(present, k)
                ]
            else:
                graded = [(st, kind) for st in present]
            for st, work in graded:
                value = max(2, min(5, round(rng.gauss(st.ability, 0.75))))
                comment = None
                if value == 2:
                    comment = rng.choice(
                        [None, "Не выполнено домашнее задание", "Тема не усвоена, нужна пересдача"]
                    )
                elif value == 5 and work != WorkKind.CLASSWORK and rng.random() < 0.1:
                    comment = "Отличная работа!"
                marks.append(
                    {
                        "school_id": self.sid,
                        "lesson_id": lesson_id,
                        "student_id": st.person.id,
                        "value": value,
                        "work_kind": work,
                        "weight": DEFAULT_WEIGHTS[work],
                        "comment": comment,
                        "created_at": self.at(day, end, 10),
                        "created_by_id": account,
                        "updated_at": None,
                        "updated_by_id": None,
                    }
                )
                if value == 2 and kind != WorkKind.CLASSWORK and individual < 8:
                    individual += 1
                    homework.append(
                        {
                            **general,
                            "student_id": st.person.id,
                            "text": "Работа над ошибками; дополнительное задание по теме урока",
                        }
                    )
        await self.bulk(Attendance, attendance)
        await self.bulk(Mark, marks)
        await self.bulk(Homework, homework)

        # A parent's advance notice: the younger child misses the next school day.
        child = self.family_children[-1]
        mother = self.family_mother
        assert mother is not None
        day = future[0] if future else today + dt.timedelta(days=1)
        await self.add(
            [
                AbsenceNotice(
                    school_id=self.sid,
                    student_id=child.id,
                    date_from=day,
                    date_to=day,
                    reason="Плановый приём у врача",
                    code=AttendanceCode.EXCUSED,
                    created_at=self.now,
                    created_by_id=self.account_of[mother.id],
                )
            ]
        )


async def build_demo(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    bot_username: str,
    today: dt.date | None = None,
) -> list[dict[str, str]]:
    """Build the demo school once; return the sample users' credentials (every time the same).

    Each dict has ``role``, ``name``, ``login``, ``password`` and ``invite`` (a deep link).
    """
    if today is None:
        today = utcnow().astimezone(ZoneInfo(DEMO_TIMEZONE)).date()
    async with session_factory() as session:
        school = await session.scalar(select(School).where(School.code == DEMO_CODE))
        if school is not None and not school.is_demo:
            # A real school with the demo's code: never print or write demo credentials for it.
            raise DomainError("demo.not_demo_school", school=DEMO_CODE)
        log.warning(
            "demo credentials are printed: for trying the bot only, never for a real school"
        )
        if school is not None:
            return await _samples(session, school, bot_username, issue_at=None)
        now = utcnow().replace(microsecond=0)
        school = School(
            code=DEMO_CODE, name=DEMO_NAME, timezone=DEMO_TIMEZONE, created_at=now, is_demo=True
        )
        session.add(school)
        await session.flush()
        await session.refresh(school)
        builder = _Builder(session, school, today, now)
        await builder.build()
        samples = await _samples(session, school, bot_username, issue_at=now)
        audit.record(
            session,
            actor=None,
            action="demo.build",
            entity="school",
            entity_id=school.id,
            school_id=school.id,
            after={"code": school.code, "today": today, **dict(sorted(builder.counts.items()))},
            source="cli",
        )
        await session.commit()
        return samples
