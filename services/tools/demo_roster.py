"""The demo school's roster and timetable, generated once and kept as import files.

``generate(first_year)`` draws the staff's and families' names and birthdays, the classes'
rosters and a weekly timetable from ``random.Random(SEED)``; ``write_files`` writes them into
``services/tools/demo_data/`` in the importer's own formats (docs/import-format.md), for the
reference year ``REFERENCE_YEAR``. The demo (services/tools/demo.py) loads those files through
``services.imports`` like a school office would, shifting the birthdays to the demo's year.

Regenerate the files after changing this module: ``python -m services.tools.demo_roster``;
tests/unit/test_demo.py checks that the committed files are what this module writes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from services.enums import Role

SEED = 20_250_901
REFERENCE_YEAR = 2026  # the first calendar year of the school year the files are written for
DATA_DIR = Path(__file__).with_name("demo_data")

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


# --------------------------------------------------------------------------- timetable


@dataclass(frozen=True)
class Part:
    teacher: str
    subgroup: int | None  # 0 or 1: index into the class's subgroups


@dataclass(frozen=True)
class Unit:
    subject: str
    hours: int
    parts: tuple[Part, ...]


def _units(curriculum: Curriculum) -> list[Unit]:
    units = []
    for subject, hours, teacher in curriculum:
        if isinstance(teacher, tuple):
            parts = tuple(Part(t, i) for i, t in enumerate(teacher))
        else:
            parts = (Part(teacher, None),)
        units.extend([Unit(subject, hours, parts)] * hours)
    return units


Grid = dict[tuple[int, int], Unit]  # (weekday, lesson number) -> what is taught


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


# --------------------------------------------------------------------------- the roster


@dataclass
class Pupil:
    external_id: str
    last_name: str
    first_name: str
    middle_name: str
    birth_date: dt.date
    class_name: str
    ability: float  # the mean of the marks the demo's history gives
    subgroup: int | None = None  # 0 or 1: the English group in a split class


@dataclass
class Adult:
    external_id: str
    last_name: str
    first_name: str
    middle_name: str
    birth_date: dt.date
    children: list[str] = field(default_factory=list)  # the students' external ids


@dataclass
class _Family:
    surname: str
    father: str | None
    children: list[tuple[str, bool, int]] = field(default_factory=list)  # class, girl, grade


@dataclass
class Roster:
    """Everything ``generate`` draws, and the random stream where it stopped."""

    staff_birthdays: list[dt.date]
    pupils: list[Pupil]  # by class (CLASSES' order), then surname and name
    parents: list[Adult]  # in the order of their first child
    trusted: Adult  # the grandmother of the family with two children
    family_mother: str  # that family's mother, who named the grandmother
    family_children: list[str]  # that family's children, the elder first
    grids: dict[str, Grid]
    rng: random.Random


def staff_external_id(index: int) -> str:
    return f"demo-sf-{index + 1:03d}"


def subject_code(index: int) -> str:
    return f"demo-su-{index + 1:02d}"


def generate(first_year: int) -> Roster:
    """The demo's people and timetable for the school year starting in ``first_year``.

    The draws do not depend on the year (only the birthdays move with it), so the stream left
    in ``Roster.rng`` is the same for every year.
    """
    rng = random.Random(SEED)
    y = first_year

    def birthday(year: int) -> dt.date:
        return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))

    staff_birthdays = [birthday(rng.randint(y - 60, y - 27)) for _ in STAFF]
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
    by_class: dict[str, list[tuple[Pupil, _Family]]] = defaultdict(list)
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
            born = birthday(y - 6 - grade)
            pupil = Pupil("", last, first, middle, born, class_name, rng.uniform(3.2, 4.9))
            by_class[class_name].append((pupil, fam))
    pupils: list[Pupil] = []
    kids_of: dict[int, list[Pupil]] = defaultdict(list)  # id(family) -> children
    place: dict[int, int] = {}  # id(pupil) -> its place in ``pupils``
    for spec in CLASSES:
        for pupil, fam in sorted(
            by_class[spec.name], key=lambda t: (t[0].last_name, t[0].first_name)
        ):
            pupil.external_id = f"demo-st-{len(pupils) + 1:03d}"
            place[id(pupil)] = len(pupils)
            pupils.append(pupil)
            kids_of[id(fam)].append(pupil)

    # Parents, in the order of their first child; one or two per family.
    parents: list[Adult] = []
    family_mother: Adult | None = None
    family_children: list[Pupil] = []
    first_child = {id(f): min(place[id(p)] for p in kids_of[id(f)]) for f in families}
    for fam in sorted(families, key=lambda f: first_child[id(f)]):
        kids = kids_of[id(fam)]
        two = len(kids) > 1
        has_father = fam.father is not None and (two or rng.random() < 0.85)
        own_name = not has_father or rng.random() < 0.9
        mother_surname = fam.surname if own_name else rng.choice(SURNAMES)
        mother = None
        if two or not has_father or rng.random() < 0.85:
            mother = Adult(
                "",
                feminine(mother_surname),
                rng.choice(MOTHERS),
                PATRONYMICS[rng.choice(list(PATRONYMICS))][1],
                birthday(y - rng.randint(30, 48)),
            )
        father = None
        if has_father and fam.father is not None:
            father = Adult(
                "",
                fam.surname,
                fam.father,
                PATRONYMICS[rng.choice(list(PATRONYMICS))][0],
                birthday(y - rng.randint(31, 52)),
            )
        for parent in (mother, father):
            if parent is None:
                continue
            parent.external_id = f"demo-pa-{len(parents) + 1:03d}"
            parent.children = [kid.external_id for kid in kids]
            parents.append(parent)
        if two:
            family_mother = mother
            family_children = sorted(kids, key=lambda p: p.birth_date)
    assert family_mother is not None
    grandmother = Adult(
        "demo-tr-001",
        family_mother.last_name,
        rng.choice(GRANDMOTHERS),
        PATRONYMICS[rng.choice(list(PATRONYMICS))][1],
        birthday(y - 66),
        [family_children[-1].external_id],
    )
    grids = build_timetable(rng)
    # A split class: the first half of the roster in the first group.
    for spec in CLASSES:
        if any(isinstance(teacher, tuple) for _, _, teacher in spec.curriculum):
            in_class = [p for p in pupils if p.class_name == spec.name]
            half = (len(in_class) + 1) // 2
            for i, pupil in enumerate(in_class):
                pupil.subgroup = 0 if i < half else 1
    return Roster(
        staff_birthdays=staff_birthdays,
        pupils=pupils,
        parents=parents,
        trusted=grandmother,
        family_mother=family_mother.external_id,
        family_children=[p.external_id for p in family_children],
        grids=grids,
        rng=rng,
    )


# --------------------------------------------------------------------------- the files

ROLE_WORDS = {
    Role.ADMIN: "администратор",
    Role.DIRECTOR: "директор",
    Role.DEPUTY: "завуч",
    Role.TEACHER: "учитель",
}
# Birthdays of the parents and the trusted person: the register's parents file has no such
# column, so the importer skips it and the demo writes it after the import.
BIRTH_DATE = "Дата рождения"
PARENT_ID = "ID родителя"
# The files in the order they are loaded (docs/import-format.md: each refers to the earlier).
IMPORT_ORDER = (
    "bells",
    "staff",
    "subjects",
    "classes",
    "students",
    "parents",
    "assignments",
    "timetable",
)
# Demo-only files where the importer has no format: the split class's groups and the trusted
# person a parent named.
SUBGROUP_MEMBERS = "subgroup_members"
TRUSTED = "trusted"
SUBGROUP_NAMES = ("Английский язык, группа 1", "Английский язык, группа 2")


def _day(value: dt.date) -> str:
    return value.isoformat()


def room(teacher: str, subject: str) -> str | None:
    return ROOMS.get((teacher, subject)) or next(s.room for s in STAFF if s.key == teacher)


def tables(roster: Roster) -> dict[str, list[list[str]]]:
    """Every file's rows, the header first."""
    staff_ids = {spec.key: staff_external_id(i) for i, spec in enumerate(STAFF)}
    codes = {name: subject_code(i) for i, (name, _) in enumerate(SUBJECTS)}
    out: dict[str, list[list[str]]] = {}
    out["bells"] = [["Смена", "Урок", "Начало", "Конец"]] + [
        ["1", str(i), a.strftime("%H:%M"), b.strftime("%H:%M")] for i, (a, b) in enumerate(BELLS, 1)
    ]
    out["staff"] = [["Табельный номер", "Фамилия", "Имя", "Отчество", BIRTH_DATE, "Роли"]] + [
        [
            staff_ids[spec.key],
            spec.last_name,
            spec.first_name,
            spec.middle_name,
            _day(born),
            ", ".join(ROLE_WORDS[r] for r in spec.roles),
        ]
        for spec, born in zip(STAFF, roster.staff_birthdays, strict=True)
    ]
    out["subjects"] = [["Код предмета", "Предмет", "Краткое название"]] + [
        [codes[name], name, short] for name, short in SUBJECTS
    ]
    out["classes"] = [["Код класса", "Класс", "Классный руководитель"]] + [
        [f"demo-cl-{c.name}", c.name, staff_ids[c.class_teacher]] for c in CLASSES
    ]
    out["students"] = [["ID обучающегося", "Фамилия", "Имя", "Отчество", BIRTH_DATE, "Класс"]] + [
        [p.external_id, p.last_name, p.first_name, p.middle_name, _day(p.birth_date), p.class_name]
        for p in roster.pupils
    ]
    out["parents"] = [["ID родителя", "Фамилия", "Имя", "Отчество", "Дети", BIRTH_DATE]] + [
        [
            a.external_id,
            a.last_name,
            a.first_name,
            a.middle_name,
            ", ".join(a.children),
            _day(a.birth_date),
        ]
        for a in roster.parents
    ]
    hours: Counter[tuple[str, str, str, int | None]] = Counter()
    timetable = [["Класс", "Подгруппа", "День недели", "Урок", "Предмет", "Учитель", "Кабинет"]]
    for spec in CLASSES:
        for (wd, n), unit in sorted(roster.grids[spec.name].items()):
            for part in unit.parts:
                hours[(part.teacher, spec.name, unit.subject, part.subgroup)] += 1
                group = "" if part.subgroup is None else SUBGROUP_NAMES[part.subgroup]
                timetable.append(
                    [
                        spec.name,
                        group,
                        str(wd),
                        str(n),
                        codes[unit.subject],
                        staff_ids[part.teacher],
                        room(part.teacher, unit.subject) or "",
                    ]
                )
    out["assignments"] = [["Учитель", "Класс", "Предмет", "Подгруппа", "Часов в неделю"]] + [
        [
            staff_ids[teacher],
            class_name,
            codes[subject],
            "" if sg is None else SUBGROUP_NAMES[sg],
            str(n),
        ]
        for (teacher, class_name, subject, sg), n in hours.items()
    ]
    out["timetable"] = timetable
    out[SUBGROUP_MEMBERS] = [["Класс", "Подгруппа", "ID обучающегося"]] + [
        [p.class_name, SUBGROUP_NAMES[p.subgroup], p.external_id]
        for index in (0, 1)
        for p in roster.pupils
        if p.subgroup == index
    ]
    t = roster.trusted
    out[TRUSTED] = [
        ["ID", "Фамилия", "Имя", "Отчество", BIRTH_DATE, "Кто назначил", "Ребёнок", "Права"],
        [
            t.external_id,
            t.last_name,
            t.first_name,
            t.middle_name,
            _day(t.birth_date),
            roster.family_mother,
            t.children[0],
            "marks, attendance, homework",
        ],
    ]
    return out


def csv_bytes(rows: list[list[str]]) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def write_files(directory: Path = DATA_DIR) -> list[Path]:
    """Write the demo's data files for ``REFERENCE_YEAR``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in tables(generate(REFERENCE_YEAR)).items():
        path = directory / f"{name}.csv"
        path.write_bytes(csv_bytes(rows))
        written.append(path)
    return written


def read_rows(name: str, directory: Path = DATA_DIR) -> list[dict[str, str]]:
    """A demo-only file's rows by header."""
    text = (directory / f"{name}.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def shift_birthdays(data: bytes, years: int) -> bytes:
    """The file with every ``Дата рождения`` moved by ``years``, keeping the day of the year."""
    if years == 0:
        return data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8")), delimiter=";"))
    if BIRTH_DATE not in rows[0]:
        return data
    col = rows[0].index(BIRTH_DATE)
    for row in rows[1:]:
        if row[col]:
            row[col] = _day(shift_day(dt.date.fromisoformat(row[col]), years))
    return csv_bytes(rows)


def shift_day(day: dt.date, years: int) -> dt.date:
    start = dt.date(day.year, 1, 1)
    return dt.date(day.year + years, 1, 1) + (day - start)


if __name__ == "__main__":  # pragma: no cover
    for written in write_files():
        print(written)
