"""A demonstration school with a term of realistic journal history.

``build_demo`` creates the school «Демонстрационная школа № 1» (code ``demo``): the school year
around ``today`` with quarters and holidays, bell times, six classes (1А … 11А, 7А split into two
English groups), staff, about a hundred students with their parents, a weekly timetable, the
thematic plans, and dated lessons for the last three weeks (topics, homework, attendance, marks)
plus the next seven days (empty, to be filled in). Everything is drawn from ``random.Random``
with a fixed seed, so the same ``today`` always gives the same school.

The school's registers come from data files, through the importer a school office uses: bell
times, staff, subjects, classes, students, parents, teaching assignments and the timetable are
CSV files in ``demo_data/`` in the formats of docs/import-format.md, loaded by
``services.imports.import_file`` as the command line's admin (their birthdays moved to the demo's
year). Two small demo-only files cover what the registers have no format for: the split class's
groups and the trusted person a parent named. The regulations' other staff (a teacher of
additional education, a tutor, an observer) are added last, one each (``OTHER_STAFF``).
``services.tools.demo_roster`` wrote the files and draws the random stream the journal's
history continues; the calendar and the history (plans, lessons, attendance, marks, homework,
substitutions, an advance notice) are written here.

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

import csv
import datetime as dt
import io
import logging
import random
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass
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
from services.imports import import_file
from services.models import (
    AbsenceNotice,
    Account,
    Attendance,
    AuditEntry,
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
from services.people.office_actor import cli_actor
from services.tools import demo_roster

log = logging.getLogger(__name__)

DEMO_CODE = "demo"
DEMO_NAME = "Демонстрационная школа № 1"
DEMO_TIMEZONE = "Europe/Moscow"
CREDENTIAL_TTL = dt.timedelta(days=30)
HISTORY_DAYS = 21  # "the past three weeks", today included
FUTURE_DAYS = 7
# The regulations' other staff (seed: extra education, the extended-day group, an observer):
# added after everything else, so the ids and counts of the rest never move. (external id,
# surname, name, patronymic, birthday as years before the school year and month/day, role)
OTHER_STAFF: tuple[tuple[str, str, str, str, tuple[int, int, int], Role], ...] = (
    ("demo-os-001", "Соколов", "Павел", "Игоревич", (34, 4, 17), Role.EXTRA_TEACHER),
    ("demo-os-002", "Лебедева", "Марина", "Олеговна", (41, 9, 23), Role.EDUCATOR),
    ("demo-os-003", "Орлова", "Светлана", "Юрьевна", (52, 1, 30), Role.OBSERVER),
)

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


# --------------------------------------------------------------------------- thematic plans

_ENG = "Английский язык"

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
    for role in (Role.EXTRA_TEACHER, Role.EDUCATOR, Role.OBSERVER):
        found.append((role, await _first_person(session, with_role(role))))
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


class DemoImportFailed(RuntimeError):
    """A demo data file the importer refused: the files and the importer disagree."""


# The tables the data files fill, counted for the build's audit entry.
_IMPORTED = (
    Account,
    BellTime,
    Enrolment,
    Guardianship,
    Person,
    RoleGrant,
    SchoolClass,
    Subgroup,
    SubgroupMember,
    Subject,
    TeachingAssignment,
    TimetableEntry,
)


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
        self.cal = demo_year(today)
        self.roster = demo_roster.generate(self.cal.first_year)
        # The journal's history continues the stream that drew the roster and the timetable.
        self.rng = self.roster.rng
        self.grids = self.roster.grids
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
        await self.load_files()
        await self.trusted_and_groups()
        await self.lookups()
        await self.plans()
        await self.lessons()
        await self.other_staff()

    # -- the other staff
    async def other_staff(self) -> None:
        """A teacher of additional education, a tutor (воспитатель) and an observer, one each,
        with no groups of their own yet: the last rows of the build."""
        for external_id, last, first, middle, (years, month, day), role in OTHER_STAFF:
            person = Person(
                school_id=self.sid,
                last_name=last,
                first_name=first,
                middle_name=middle,
                birth_date=dt.date(self.cal.first_year - years, month, day),
                external_id=external_id,
                created_at=self.now,
            )
            self.s.add(person)
            await self.s.flush()
            await accounts.ensure_account(self.s, person)
            self.s.add(
                RoleGrant(school_id=self.sid, person_id=person.id, role=role, granted_at=self.now)
            )
            await self.s.flush()
            for table in ("persons", "accounts", "role_grants"):
                self.counts[table] += 1

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

    # -- the school's registers, through the importer
    def data(self, name: str) -> bytes:
        raw = (demo_roster.DATA_DIR / f"{name}.csv").read_bytes()
        return demo_roster.shift_birthdays(raw, self.cal.first_year - demo_roster.REFERENCE_YEAR)

    async def load_files(self) -> None:
        """Bells, staff, subjects, classes, students, parents, assignments and the timetable,
        each file imported as the school office would (one transaction per file)."""
        await self.s.commit()  # the importer reads the school year in its own transactions
        actor = await cli_actor(self.s, DEMO_CODE)
        for kind in demo_roster.IMPORT_ORDER:
            result = await import_file(self.s, actor, kind, f"{kind}.csv", self.data(kind))
            if not result.applied:
                raise DemoImportFailed("; ".join([kind, *result.error_lines("en")]))
        # The register's parents file has no birthdays: the demo's file carries them beside.
        born = {
            row[demo_roster.PARENT_ID]: dt.date.fromisoformat(row[demo_roster.BIRTH_DATE])
            for row in self.rows("parents")
        }
        for person in await self.s.scalars(
            select(Person).where(Person.school_id == self.sid, Person.external_id.in_(born))
        ):
            person.birth_date = born[person.external_id or ""]
        await self.s.flush()

    def rows(self, name: str) -> list[dict[str, str]]:
        text = self.data(name).decode("utf-8")
        return list(csv.DictReader(io.StringIO(text), delimiter=";"))

    async def persons(self) -> dict[str, Person]:
        found = await self.s.scalars(select(Person).where(Person.school_id == self.sid))
        return {p.external_id: p for p in found if p.external_id}

    async def trusted_and_groups(self) -> None:
        """The trusted person a parent named, and the split class's groups (demo-only files)."""
        people = await self.persons()
        (row,) = self.rows(demo_roster.TRUSTED)
        grandmother = Person(
            school_id=self.sid,
            last_name=row["Фамилия"],
            first_name=row["Имя"],
            middle_name=row["Отчество"] or None,
            birth_date=dt.date.fromisoformat(row[demo_roster.BIRTH_DATE]),
            external_id=row["ID"],
            created_at=self.now,
        )
        self.s.add(grandmother)
        await self.s.flush()
        await accounts.ensure_account(self.s, grandmother)
        self.s.add(
            RoleGrant(
                school_id=self.sid,
                person_id=grandmother.id,
                role=Role.TRUSTED,
                granted_at=self.now,
            )
        )
        self.s.add(
            Guardianship(
                school_id=self.sid,
                guardian_id=grandmother.id,
                student_id=people[row["Ребёнок"]].id,
                kind=GuardianKind.TRUSTED,
                permissions=[p.strip() for p in row["Права"].split(",")],
                granted_by_id=people[row["Кто назначил"]].id,
                created_at=self.now,
            )
        )
        groups = {
            (g.class_id, g.name): g.id
            for g in await self.s.scalars(select(Subgroup).where(Subgroup.school_id == self.sid))
        }
        classes = {
            c.name: c.id
            for c in await self.s.scalars(
                select(SchoolClass).where(SchoolClass.year_id == self.year.id)
            )
        }
        self.s.add_all(
            SubgroupMember(
                school_id=self.sid,
                subgroup_id=groups[(classes[r["Класс"]], r["Подгруппа"])],
                student_id=people[r["ID обучающегося"]].id,
            )
            for r in self.rows(demo_roster.SUBGROUP_MEMBERS)
        )
        await self.s.flush()
        for model in _IMPORTED:
            table: Any = model.__table__
            self.counts[table.name] = int(
                await self.s.scalar(
                    select(func.count()).select_from(table).where(table.c.school_id == self.sid)
                )
                or 0
            )

    async def lookups(self) -> None:
        """What the history needs to know of the rows the files made."""
        people = await self.persons()
        self.staff_ids = {
            spec.key: people[demo_roster.staff_external_id(i)].id
            for i, spec in enumerate(demo_roster.STAFF)
        }
        classes = list(
            await self.s.scalars(select(SchoolClass).where(SchoolClass.year_id == self.year.id))
        )
        self.class_ids = {c.name: c.id for c in classes}
        self.grades = {c.name: c.grade for c in classes}
        self.subjects = {
            s.name: s.id
            for s in await self.s.scalars(select(Subject).where(Subject.school_id == self.sid))
        }
        names = {cid: name for name, cid in self.class_ids.items()}
        self.subgroup_ids: dict[tuple[str, int], int] = {
            (names[g.class_id], demo_roster.SUBGROUP_NAMES.index(g.name)): g.id
            for g in await self.s.scalars(select(Subgroup).where(Subgroup.school_id == self.sid))
        }
        self.account_of = {
            a.person_id: a.id
            for a in await self.s.scalars(select(Account).where(Account.school_id == self.sid))
        }
        self.class_roster: dict[str, list[_Student]] = defaultdict(list)
        for pupil in self.roster.pupils:
            self.class_roster[pupil.class_name].append(
                _Student(people[pupil.external_id], pupil.class_name, pupil.ability, pupil.subgroup)
            )
        self.family_mother = people[self.roster.family_mother]
        self.family_children = [people[ext] for ext in self.roster.family_children]

    def subgroup(self, class_name: str, index: int | None) -> int | None:
        return None if index is None else self.subgroup_ids[(class_name, index)]

    def room(self, teacher: str, subject: str) -> str | None:
        return demo_roster.room(teacher, subject)

    # -- plans
    async def plans(self) -> None:
        """A plan per class and subject, as long as the year's lessons; ordinals of lessons."""
        # For each (class, subject, subgroup): the dates of its lessons through the year.
        self.dates: dict[tuple[str, str, int | None], list[dt.date]] = defaultdict(list)
        self.ordinal: dict[tuple[str, str, int | None, dt.date, int], int] = {}
        by_weekday: dict[int, list[tuple[str, int, demo_roster.Unit]]] = defaultdict(list)
        for spec in demo_roster.CLASSES:
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
        slots: list[tuple[dt.date, str, int, demo_roster.Unit, demo_roster.Part]] = []
        for day in past + future:
            for spec in demo_roster.CLASSES:
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
        for spec in demo_roster.CLASSES:
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
            start, end = demo_roster.BELLS[n - 1]
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
        everyone = [st for students in self.class_roster.values() for st in students]
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
            start, end = demo_roster.BELLS[n - 1]
            pupils = [
                st
                for st in self.class_roster[class_name]
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
            built = await session.scalar(
                select(AuditEntry.id)
                .where(AuditEntry.school_id == school.id, AuditEntry.action == "demo.build")
                .limit(1)
            )
            if built is None:
                # An earlier build stopped half-way (the registers commit file by file): its
                # people would be printed as if the school were whole.
                raise DomainError("demo.incomplete", school=DEMO_CODE)
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
