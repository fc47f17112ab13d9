"""The import kinds and their columns (documented in docs/import-format.md).

A column is found by its Russian header, its English header or its key, in any case; the
templates use the Russian headers.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.enums import Role


@dataclass(frozen=True)
class Column:
    key: str
    ru: str
    en: str
    required: bool = False
    example: str = ""
    help_ru: str = ""
    help_en: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    title_ru: str
    title_en: str
    columns: tuple[Column, ...]
    # Who may import this kind besides the admin.
    also: frozenset[Role] = frozenset()
    examples: tuple[tuple[str, ...], ...] = ()

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _c(
    key: str, ru: str, en: str, required: bool = False, help_ru: str = "", help_en: str = ""
) -> Column:
    return Column(key, ru, en, required, help_ru=help_ru, help_en=help_en)


EXT_HELP_RU = (
    "идентификатор в реестре школы (Контингент, Кадры); по нему повторный импорт обновляет запись"
)
EXT_HELP_EN = "id in the school's register; a re-import updates the row with this id"
DATE_HELP_RU = "ДД.ММ.ГГГГ или ГГГГ-ММ-ДД"
DATE_HELP_EN = "DD.MM.YYYY or YYYY-MM-DD"

_PERSON = (
    _c("last_name", "Фамилия", "Last name", True),
    _c("first_name", "Имя", "First name", True),
    _c("middle_name", "Отчество", "Middle name"),
    _c("birth_date", "Дата рождения", "Birth date", help_ru=DATE_HELP_RU, help_en=DATE_HELP_EN),
)
_CONTACT = (
    _c("phone", "Телефон", "Phone"),
    _c("email", "Эл. почта", "Email"),
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "staff",
            "Сотрудники",
            "Staff",
            (
                _c("external_id", "Табельный номер", "Staff id", True, EXT_HELP_RU, EXT_HELP_EN),
                *_PERSON,
                _c(
                    "roles",
                    "Роли",
                    "Roles",
                    True,
                    "через запятую: администратор, директор, завуч, учитель, классный руководитель",
                    "comma separated: admin, director, deputy, teacher, class_teacher",
                ),
                *_CONTACT,
            ),
            examples=(
                (
                    "T-001",
                    "Учителев",
                    "Иван",
                    "Петрович",
                    "12.03.1980",
                    "учитель",
                    "+79990000001",
                    "",
                ),
                (
                    "T-002",
                    "Классная",
                    "Мария",
                    "",
                    "",
                    "учитель, классный руководитель",
                    "",
                    "m@example.ru",
                ),
            ),
        ),
        Kind(
            "classes",
            "Классы",
            "Classes",
            (
                _c("external_id", "Код класса", "Class id", False, EXT_HELP_RU, EXT_HELP_EN),
                _c(
                    "name", "Класс", "Class", True, "номер и буква: 7А, 10Б", "grade and letter: 7A"
                ),
                _c(
                    "class_teacher",
                    "Классный руководитель",
                    "Class teacher",
                    help_ru="табельный номер сотрудника",
                    help_en="staff id of the teacher",
                ),
                _c(
                    "year",
                    "Учебный год",
                    "School year",
                    help_ru="например 2026/2027; пусто — текущий",
                    help_en="e.g. 2026/2027; empty: the current year",
                ),
            ),
            examples=(("C-7A", "7А", "T-002", ""), ("C-8B", "8Б", "", "")),
        ),
        Kind(
            "students",
            "Обучающиеся",
            "Students",
            (
                _c("external_id", "ID обучающегося", "Student id", True, EXT_HELP_RU, EXT_HELP_EN),
                *_PERSON,
                _c("class", "Класс", "Class", True, "класс текущего года: 7А", "class of the year"),
                _c(
                    "arrived_on",
                    "Дата зачисления",
                    "Enrolled on",
                    help_ru="пусто — начало учебного года; для нового класса — дата перевода",
                    help_en="empty: start of the year; for a new class: the transfer date",
                ),
                *_CONTACT,
            ),
            examples=(
                ("S-1001", "Иванов", "Пётр", "Сергеевич", "05.04.2013", "7А", "", "", ""),
                ("S-1002", "Петрова", "Анна", "", "17.09.2013", "7А", "", "", ""),
            ),
        ),
        Kind(
            "parents",
            "Родители",
            "Parents",
            (
                _c("external_id", "ID родителя", "Parent id", True, EXT_HELP_RU, EXT_HELP_EN),
                *_PERSON[:3],
                *_CONTACT,
                _c(
                    "children",
                    "Дети",
                    "Children",
                    True,
                    "ID обучающихся через запятую",
                    "student ids, comma separated",
                ),
            ),
            examples=(
                ("P-5001", "Иванова", "Елена", "Викторовна", "+79990000002", "", "S-1001"),
                ("P-5002", "Петров", "Сергей", "", "", "", "S-1002"),
            ),
        ),
        Kind(
            "subjects",
            "Предметы",
            "Subjects",
            (
                _c("external_id", "Код предмета", "Subject id", True, EXT_HELP_RU, EXT_HELP_EN),
                _c("name", "Предмет", "Subject", True),
                _c("short_name", "Краткое название", "Short name"),
            ),
            examples=(("MATH", "Математика", "Матем."), ("RUS", "Русский язык", "Рус. яз.")),
        ),
        Kind(
            "assignments",
            "Учебная нагрузка",
            "Teaching assignments",
            (
                _c("teacher", "Учитель", "Teacher", True, "табельный номер", "staff id"),
                _c("class", "Класс", "Class", True),
                _c("subject", "Предмет", "Subject", True, "код или название", "id or name"),
                _c(
                    "subgroup",
                    "Подгруппа",
                    "Subgroup",
                    help_ru="название группы, если класс делится",
                    help_en="group name if the class is split",
                ),
                _c("hours", "Часов в неделю", "Hours per week"),
            ),
            examples=(
                ("T-001", "7А", "MATH", "", "5"),
                ("T-002", "7А", "Английский язык", "Группа 1", "3"),
            ),
        ),
        Kind(
            "subgroup_members",
            "Состав подгрупп",
            "Subgroup members",
            (
                _c("student", "ID обучающегося", "Student id", True, EXT_HELP_RU, EXT_HELP_EN),
                _c("class", "Класс", "Class", True),
                _c("subgroup", "Подгруппа", "Subgroup", True, "название группы", "group name"),
                _c(
                    "subject",
                    "Предмет",
                    "Subject",
                    help_ru="код или название; для новой группы",
                    help_en="id or name; for a new group",
                ),
                _c(
                    "valid_from",
                    "Действует с",
                    "Valid from",
                    help_ru="пусто — с начала работы группы; при переводе из другой группы "
                    "того же предмета — с сегодняшнего дня",
                    help_en="empty: since the group began; a move from another group of the "
                    "subject: from today",
                ),
            ),
            examples=(
                ("S-1001", "7А", "Группа 1", "Английский язык", ""),
                ("S-1002", "7А", "Группа 2", "Английский язык", ""),
            ),
        ),
        Kind(
            "timetable",
            "Расписание",
            "Timetable",
            (
                _c("class", "Класс", "Class", True),
                _c("subgroup", "Подгруппа", "Subgroup"),
                _c(
                    "weekday",
                    "День недели",
                    "Weekday",
                    True,
                    "1–7 или Пн, Вт, …",
                    "1-7 or Mon, Tue…",
                ),
                _c(
                    "lesson_number",
                    "Урок",
                    "Lesson",
                    True,
                    "номер урока 0–12",
                    "lesson number 0-12",
                ),
                _c("subject", "Предмет", "Subject", True, "код или название", "id or name"),
                _c("teacher", "Учитель", "Teacher", True, "табельный номер", "staff id"),
                _c("room", "Кабинет", "Room"),
                _c(
                    "valid_from",
                    "Действует с",
                    "Valid from",
                    help_ru="пусто — с начала учебного года",
                    help_en="empty: from the start of the year",
                ),
            ),
            also=frozenset({Role.DEPUTY}),
            examples=(
                ("7А", "", "Пн", "1", "MATH", "T-001", "21", ""),
                ("7А", "Группа 1", "Пн", "2", "Английский язык", "T-002", "14", ""),
            ),
        ),
        Kind(
            "bells",
            "Звонки",
            "Bell times",
            (
                _c(
                    "shift",
                    "Смена",
                    "Shift",
                    help_ru="1 или 2; пусто — 1",
                    help_en="1 or 2; empty: 1",
                ),
                _c("number", "Урок", "Lesson", True),
                _c("starts_at", "Начало", "Starts", True, "ЧЧ:ММ", "HH:MM"),
                _c("ends_at", "Конец", "Ends", True, "ЧЧ:ММ", "HH:MM"),
            ),
            also=frozenset({Role.DEPUTY}),
            examples=(("1", "1", "08:30", "09:15"), ("1", "2", "09:25", "10:10")),
        ),
        Kind(
            "plan",
            "Тематическое планирование (КТП)",
            "Thematic plan",
            (
                _c("class", "Класс", "Class", True),
                _c("subject", "Предмет", "Subject", True, "код или название", "id or name"),
                _c("number", "Номер урока", "Lesson no.", True, "1, 2, 3… по порядку", "1, 2, 3…"),
                _c("topic", "Тема", "Topic", True, "до 500 знаков", "up to 500 characters"),
                _c(
                    "hours",
                    "Часов",
                    "Hours",
                    help_ru="сколько уроков на тему; пусто — 1",
                    help_en="lessons on the topic; empty: 1",
                ),
            ),
            also=frozenset({Role.DEPUTY}),
            examples=(
                ("7А", "MATH", "1", "Натуральные числа. Повторение", "2"),
                ("7А", "MATH", "2", "Входная контрольная работа", "1"),
            ),
        ),
    )
}

ROLE_WORDS: dict[str, Role] = {
    "admin": Role.ADMIN,
    "администратор": Role.ADMIN,
    "director": Role.DIRECTOR,
    "директор": Role.DIRECTOR,
    "deputy": Role.DEPUTY,
    "завуч": Role.DEPUTY,
    "заместитель директора": Role.DEPUTY,
    "зам. директора": Role.DEPUTY,
    "teacher": Role.TEACHER,
    "учитель": Role.TEACHER,
    "class_teacher": Role.CLASS_TEACHER,
    "class teacher": Role.CLASS_TEACHER,
    "классный руководитель": Role.CLASS_TEACHER,
    "кл. руководитель": Role.CLASS_TEACHER,
    # The regulations' other staff: a teacher of additional education and a tutor teach the
    # groups assigned to them; an observer reads the journal and changes nothing.
    "extra_teacher": Role.EXTRA_TEACHER,
    "педагог дополнительного образования": Role.EXTRA_TEACHER,
    "педагог доп. образования": Role.EXTRA_TEACHER,
    "пдо": Role.EXTRA_TEACHER,
    "educator": Role.EDUCATOR,
    "tutor": Role.EDUCATOR,
    "воспитатель": Role.EDUCATOR,
    "observer": Role.OBSERVER,
    "наблюдатель": Role.OBSERVER,
    "инспектор": Role.OBSERVER,
}

WEEKDAY_WORDS: dict[str, int] = {}
for _n, _words in enumerate(
    (
        ("пн", "понедельник", "mon", "monday"),
        ("вт", "вторник", "tue", "tuesday"),
        ("ср", "среда", "wed", "wednesday"),
        ("чт", "четверг", "thu", "thursday"),
        ("пт", "пятница", "fri", "friday"),
        ("сб", "суббота", "sat", "saturday"),
        ("вс", "воскресенье", "sun", "sunday"),
    ),
    start=1,
):
    for _w in _words:
        WEEKDAY_WORDS[_w] = _n
    WEEKDAY_WORDS[str(_n)] = _n


def normalize_header(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").replace("ё", "е").replace("Ё", "Е").lower().split())
