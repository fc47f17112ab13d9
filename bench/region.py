"""A region generated straight into PostgreSQL: schools of ~1,000 students with a term of lessons.

    python -m bench.region --students 30000 \\
        --url postgresql+asyncpg://postgres@127.0.0.1:5432/region_30k [--fresh] [--today 2026-11-30]

Creates the database if it is missing (``--fresh`` drops and re-creates it), migrates it with
the project's own migrations, then fills it with set-based SQL (``INSERT ... SELECT`` over
``generate_series``), never one ORM object per row. The secondary indexes and unique constraints
of the big tables and every foreign key are taken off for the load and put back after it (indexes
built and keys validated ``--jobs`` at a time); the index and constraint definitions are then
compared with the migrated schema's, and the run fails if they differ. ``VACUUM (ANALYZE)`` at
the end. Consistent by construction:

* ``N / 1000`` schools (at least 1), each with a school year 2026/2027, four quarters, holidays,
  12 subjects, bell times, classes 1-11 with letters А, Б, В, 48 teachers (33 of them class
  teachers) and a deputy;
* students spread evenly over all classes, enrolled from the first day of the year; two parents
  per student with guardianship, accounts and live Telegram bindings (teachers and the deputy
  have accounts and bindings too);
* a weekly timetable (4-7 lessons a day by grade, Monday to Friday), teaching assignments
  derived from it, and dated lessons for every school day of the second quarter;
* on lessons before ``--today``: topic, homework on every other lesson, attendance taken, 0-4
  marks and 0-3 absences (no marks in the first grade; classes of 15 students or more, so
  keep ``--students`` at 500 or above), and period marks of the first quarter.

Prints each step's row count and time as it goes and a JSON summary at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import time
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.db import make_engine
from services.tools.migrate import upgrade

STUDENTS_PER_SCHOOL = 1000
CLASSES_PER_SCHOOL = 33  # grades 1-11 x letters А, Б, В
TEACHERS_PER_SCHOOL = 48  # 12 subjects x 4 teachers
SUBJECTS = [
    "Русский язык",
    "Литература",
    "Математика",
    "Окружающий мир",
    "Английский язык",
    "История",
    "Физическая культура",
    "Музыка",
    "Биология",
    "География",
    "Физика",
    "Химия",
]
YEAR_START = dt.date(2026, 9, 1)
YEAR_END = dt.date(2027, 5, 31)
QUARTERS = [
    (1, "I четверть", dt.date(2026, 9, 1), dt.date(2026, 10, 25)),
    (2, "II четверть", dt.date(2026, 11, 5), dt.date(2026, 12, 28)),
    (3, "III четверть", dt.date(2027, 1, 12), dt.date(2027, 3, 20)),
    (4, "IV четверть", dt.date(2027, 3, 30), dt.date(2027, 5, 31)),
]
HOLIDAYS = [
    ("holiday", "Осенние каникулы", dt.date(2026, 10, 26), dt.date(2026, 11, 4)),
    ("holiday", "Зимние каникулы", dt.date(2026, 12, 29), dt.date(2027, 1, 11)),
    ("holiday", "Весенние каникулы", dt.date(2027, 3, 21), dt.date(2027, 3, 29)),
]
TERM = 2  # lessons are generated for this quarter; period marks for the one before it
DEFAULT_TODAY = dt.date(2026, 11, 30)

LAST_NAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
]
FIRST_NAMES = [
    "Александр",
    "Максим",
    "Иван",
    "Артём",
    "Дмитрий",
    "Никита",
    "Михаил",
    "Даниил",
    "Егор",
    "Андрей",
    "Анна",
    "Мария",
    "Елена",
    "Дарья",
    "Алина",
    "Ирина",
    "Екатерина",
    "Полина",
    "Софья",
    "Виктория",
]


def _arr(words: list[str]) -> str:
    return "ARRAY[" + ",".join(f"'{w}'" for w in words) + "]"


def steps(students: int, schools: int, today: dt.date) -> list[tuple[str, str]]:
    """(label, SQL) in order; every statement is set-based over the whole region."""
    term = QUARTERS[TERM - 1]
    prev = QUARTERS[TERM - 2]
    ln, fn = _arr(LAST_NAMES), _arr(FIRST_NAMES)
    subjects = _arr(SUBJECTS)
    n_classes = schools * CLASSES_PER_SCHOOL
    holidays = " UNION ALL ".join(
        f"SELECT '{k}', '{n}', DATE '{a}', DATE '{b}'" for k, n, a, b in HOLIDAYS
    )
    quarters = " UNION ALL ".join(
        f"SELECT {n}, '{name}', DATE '{a}', DATE '{b}'" for n, name, a, b in QUARTERS
    )
    # Subjects a grade studies: the first k of the list (primary school fewer, senior all).
    n_subj = "(CASE WHEN c.grade <= 4 THEN 8 WHEN c.grade <= 6 THEN 10 ELSE 12 END)"
    return [
        (
            "schools",
            f"""INSERT INTO schools (code, name, timezone, threshold_3, threshold_4, threshold_5,
                edit_window_days, min_marks_for_period, working_weekdays, fill_deadline,
                created_at, is_demo, max_marks_per_lesson)
            SELECT 'region-' || g, 'Школа № ' || g, 'Europe/Moscow', 250, 350, 450, 2, 3,
                '12345', TIME '20:00', now(), false, 3
            FROM generate_series(1, {schools}) g""",
        ),
        (
            "school_years",
            f"""INSERT INTO school_years (school_id, name, starts_on, ends_on, is_closed)
            SELECT id, '2026/2027', DATE '{YEAR_START}', DATE '{YEAR_END}', false FROM schools""",
        ),
        (
            "study_periods",
            f"""INSERT INTO study_periods (school_id, year_id, kind, number, name, starts_on,
                ends_on, is_closed)
            SELECT y.school_id, y.id, 'quarter', q.n, q.name, q.a, q.b, q.n < {TERM}
            FROM school_years y CROSS JOIN ({quarters}) AS q(n, name, a, b)""",
        ),
        (
            "holidays",
            f"""INSERT INTO holidays (school_id, year_id, kind, name, starts_on, ends_on)
            SELECT y.school_id, y.id, h.k, h.n, h.a, h.b
            FROM school_years y CROSS JOIN ({holidays}) AS h(k, n, a, b)""",
        ),
        (
            "subjects",
            f"""INSERT INTO subjects (school_id, name, short_name, external_id)
            SELECT s.id, ({subjects})[i], NULL, 'subj' || i
            FROM schools s CROSS JOIN generate_series(1, {len(SUBJECTS)}) i""",
        ),
        (
            "bell_times",
            """INSERT INTO bell_times (school_id, shift, number, starts_at, ends_at)
            SELECT s.id, 1, n, TIME '08:30' + (n - 1) * interval '55 minutes',
                TIME '09:15' + (n - 1) * interval '55 minutes'
            FROM schools s CROSS JOIN generate_series(1, 7) n""",
        ),
        (
            "classes",
            """INSERT INTO classes (school_id, year_id, grade, letter, name, external_id)
            SELECT y.school_id, y.id, g, l, g || l, 'c' || ((g - 1) * 3 + li - 1)
            FROM school_years y CROSS JOIN generate_series(1, 11) g
            CROSS JOIN unnest(ARRAY['А','Б','В']) WITH ORDINALITY AS t(l, li)""",
        ),
        (
            "persons: students",
            f"""INSERT INTO persons (school_id, last_name, first_name, middle_name, birth_date,
                external_id, created_at)
            SELECT s.id, ({ln})[1 + k % {len(LAST_NAMES)}]
                || CASE WHEN k % 2 = 0 THEN '' ELSE 'а' END,
                ({fn})[1 + (k / 7) % {len(FIRST_NAMES)}], NULL,
                DATE '2019-09-01' - ((((k - 1) % {n_classes}) % {CLASSES_PER_SCHOOL}) / 3)
                    * interval '1 year' - (k % 300) * interval '1 day',
                's' || k, now()
            FROM generate_series(1, {students}) k
            JOIN schools s ON s.code = 'region-' || (1 + ((k - 1) % {n_classes})
                / {CLASSES_PER_SCHOOL})""",
        ),
        (
            "persons: teachers and deputies",
            f"""INSERT INTO persons (school_id, last_name, first_name, middle_name, external_id,
                created_at)
            SELECT s.id, ({ln})[1 + (j * 5) % {len(LAST_NAMES)}] || 'а',
                ({fn})[11 + j % 10], 'Петровна', 't' || j, now()
            FROM schools s CROSS JOIN generate_series(1, {TEACHERS_PER_SCHOOL}) j
            UNION ALL
            SELECT s.id, 'Завучева', 'Ольга', 'Ивановна', 'd1', now() FROM schools s""",
        ),
        (
            "persons: parents",
            f"""INSERT INTO persons (school_id, last_name, first_name, middle_name, external_id,
                phone, created_at)
            SELECT p.school_id, regexp_replace(p.last_name, 'а$', '') || CASE WHEN w = 'a'
                THEN 'а' ELSE '' END, ({fn})[CASE WHEN w = 'a' THEN 11 ELSE 1 END
                + (p.id % 10)], NULL, 'p' || substr(p.external_id, 2) || w,
                '+79' || lpad((p.id * 2 + (w = 'b')::int)::text, 9, '0'), now()
            FROM persons p CROSS JOIN unnest(ARRAY['a', 'b']) w
            WHERE p.external_id LIKE 's%'""",
        ),
        ("analyze people", "ANALYZE persons; ANALYZE classes; ANALYZE subjects"),
        (
            "classes: class teachers",
            """UPDATE classes c SET class_teacher_id = t.id
            FROM persons t WHERE t.school_id = c.school_id
                AND t.external_id = 't' || (substr(c.external_id, 2)::int + 1)""",
        ),
        (
            "role_grants",
            """INSERT INTO role_grants (school_id, person_id, role, granted_at)
            SELECT school_id, id, CASE left(external_id, 1) WHEN 's' THEN 'student'
                WHEN 'p' THEN 'parent' WHEN 't' THEN 'teacher' ELSE 'deputy' END, now()
            FROM persons
            UNION ALL
            SELECT school_id, class_teacher_id, 'class_teacher', now() FROM classes""",
        ),
        (
            "enrolments",
            f"""INSERT INTO enrolments (school_id, student_id, class_id, arrived_on)
            SELECT p.school_id, p.id, c.id, DATE '{YEAR_START}'
            FROM persons p JOIN classes c ON c.school_id = p.school_id
                AND c.external_id = 'c' || ((substr(p.external_id, 2)::int - 1)
                    % {n_classes} % {CLASSES_PER_SCHOOL})
            WHERE p.external_id LIKE 's%'""",
        ),
        (
            "guardianships",
            """INSERT INTO guardianships (school_id, guardian_id, student_id, kind, created_at)
            SELECT g.school_id, g.id, s.id, 'parent', now()
            FROM persons g JOIN persons s ON s.school_id = g.school_id
                AND s.external_id = 's' || substr(g.external_id, 2, length(g.external_id) - 2)
            WHERE g.external_id LIKE 'p%'""",
        ),
        (
            "accounts",
            """INSERT INTO accounts (school_id, person_id, login, password_hash, is_blocked,
                language, created_at)
            SELECT school_id, id, 'u' || id, NULL, false, 'ru', now()
            FROM persons WHERE left(external_id, 1) IN ('p', 't', 'd')""",
        ),
        (
            "messenger_bindings",
            """INSERT INTO messenger_bindings (school_id, account_id, messenger, external_user_id,
                chat_id, created_at, is_reachable, active_role, active_student_id)
            SELECT a.school_id, a.id, 'telegram', (1000000000 + a.person_id)::text,
                (1000000000 + a.person_id)::text, now(), true,
                CASE left(p.external_id, 1) WHEN 'p' THEN 'parent' WHEN 't' THEN 'teacher'
                    ELSE 'deputy' END, g.student_id
            FROM accounts a JOIN persons p ON p.id = a.person_id
            LEFT JOIN guardianships g ON g.guardian_id = a.person_id""",
        ),
        ("analyze links", "ANALYZE accounts; ANALYZE guardianships; ANALYZE enrolments"),
        (
            "timetable_entries",
            f"""INSERT INTO timetable_entries (school_id, year_id, class_id, weekday,
                lesson_number, subject_id, teacher_id, room, valid_from)
            SELECT c.school_id, c.year_id, c.id, wd, n, sb.id, t.id,
                (100 + substr(c.external_id, 2)::int)::text, DATE '{YEAR_START}'
            FROM classes c
            CROSS JOIN generate_series(1, 5) wd
            CROSS JOIN LATERAL generate_series(1, 4 + (c.grade + 1) / 4) n
            CROSS JOIN LATERAL (SELECT 1 + (wd * 3 + n + substr(c.external_id, 2)::int)
                % {n_subj} AS si) x
            JOIN subjects sb ON sb.school_id = c.school_id AND sb.external_id = 'subj' || x.si
            JOIN persons t ON t.school_id = c.school_id
                AND t.external_id = 't' || ((x.si - 1) * 4 + substr(c.external_id, 2)::int % 4 + 1)
            """,
        ),
        (
            "teaching_assignments",
            """INSERT INTO teaching_assignments (school_id, teacher_id, class_id, subject_id,
                hours_per_week)
            SELECT school_id, teacher_id, class_id, subject_id, count(*)
            FROM timetable_entries GROUP BY school_id, teacher_id, class_id, subject_id""",
        ),
        (
            "lessons",
            f"""INSERT INTO lessons (school_id, class_id, subject_id, teacher_id, date,
                lesson_number, room, is_cancelled, is_distance, topic, work_kind,
                attendance_taken_at, attendance_taken_by_id)
            SELECT e.school_id, e.class_id, e.subject_id, e.teacher_id, d::date,
                e.lesson_number, e.room, false, false,
                CASE WHEN d < DATE '{today}' THEN 'Тема ' || e.lesson_number || ' от '
                    || to_char(d, 'DD.MM') END,
                CASE WHEN d < DATE '{today}' AND (e.id + extract(doy FROM d)::int) % 10 = 0
                    THEN 'test' END,
                CASE WHEN d < DATE '{today}' THEN d + interval '6 hours'
                    + e.lesson_number * interval '55 minutes' END,
                CASE WHEN d < DATE '{today}' THEN a.id END
            FROM timetable_entries e
            JOIN accounts a ON a.person_id = e.teacher_id
            CROSS JOIN generate_series(DATE '{term[2]}', DATE '{term[3]}', interval '1 day') d
            WHERE extract(isodow FROM d) = e.weekday
                AND NOT EXISTS (SELECT 1 FROM holidays h WHERE h.school_id = e.school_id
                    AND d BETWEEN h.starts_on AND h.ends_on)
            ORDER BY d, e.school_id, e.class_id, e.lesson_number""",
        ),
        ("analyze lessons", "ANALYZE lessons; ANALYZE teaching_assignments"),
        (
            "class rosters (temporary)",
            """CREATE TEMP TABLE roster AS
            SELECT e.class_id, c.grade, array_agg(e.student_id ORDER BY e.student_id) AS ids
            FROM enrolments e JOIN classes c ON c.id = e.class_id GROUP BY e.class_id, c.grade;
            CREATE UNIQUE INDEX ON roster (class_id); ANALYZE roster""",
        ),
        (
            "homework",
            f"""INSERT INTO homework (school_id, lesson_id, student_id, text, due_date,
                created_at, created_by_id)
            SELECT l.school_id, l.id, NULL, 'Упражнение ' || (l.id % 300 + 1), NULL,
                l.attendance_taken_at, l.attendance_taken_by_id
            FROM lessons l WHERE l.date < DATE '{today}' AND l.id % 2 = 0""",
        ),
        (
            "marks",
            f"""INSERT INTO marks (school_id, lesson_id, student_id, value, work_kind, weight,
                created_at, created_by_id)
            SELECT l.school_id, l.id, r.ids[1 + (l.id * 7 + i) % cardinality(r.ids)],
                (ARRAY[5,5,4,4,4,3,3,2,5,4])[1 + (l.id * 3 + i * 7) % 10],
                coalesce(l.work_kind, 'answer'),
                CASE WHEN l.work_kind = 'test' THEN 2 ELSE 1 END,
                l.attendance_taken_at, l.attendance_taken_by_id
            FROM lessons l JOIN roster r ON r.class_id = l.class_id
            CROSS JOIN LATERAL generate_series(1, (l.id * 13) % 5) i
            WHERE l.date < DATE '{today}' AND r.grade > 1 AND cardinality(r.ids) > 14""",
        ),
        (
            "attendance",
            f"""INSERT INTO attendance (school_id, lesson_id, student_id, code, minutes_late,
                created_at, created_by_id)
            SELECT l.school_id, l.id, r.ids[1 + (l.id * 7 + 8 + i) % cardinality(r.ids)],
                (ARRAY['absent','absent','ill','excused','late'])[1 + (l.id + i) % 5],
                CASE WHEN (l.id + i) % 5 = 4 THEN 10 END,
                l.attendance_taken_at, l.attendance_taken_by_id
            FROM lessons l JOIN roster r ON r.class_id = l.class_id
            CROSS JOIN LATERAL generate_series(1, (l.id * 11) % 4) i
            WHERE l.date < DATE '{today}' AND cardinality(r.ids) > 14""",
        ),
        (
            "final_marks (previous quarter)",
            f"""INSERT INTO final_marks (school_id, student_id, subject_id, year_id, period_id,
                kind, value, created_at, created_by_id)
            SELECT ta.school_id, e.student_id, ta.subject_id, c.year_id, sp.id, 'period',
                3 + (e.student_id + ta.subject_id) % 3, TIMESTAMPTZ '{prev[3]} 15:00+03', a.id
            FROM teaching_assignments ta
            JOIN classes c ON c.id = ta.class_id AND c.grade > 1
            JOIN enrolments e ON e.class_id = ta.class_id
            JOIN study_periods sp ON sp.year_id = c.year_id AND sp.number = {TERM - 1}
            JOIN accounts a ON a.person_id = ta.teacher_id""",
        ),
    ]


async def ensure_database(url: str, *, fresh: bool) -> None:
    """Create the database named in ``url`` if missing (``fresh``: drop it first)."""
    target = make_url(url)
    name = target.database
    if not name:
        raise SystemExit("the URL names no database")
    admin = make_engine(target.set(database="postgres").render_as_string(False), pool=False)
    try:
        async with admin.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            if fresh:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            exists = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            )
            if not exists:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()


# Tables the generator fills by the thousand per school: their secondary indexes and unique
# constraints are dropped after migrating and built once the rows are in (one sort per index
# instead of a b-tree insert per row), and every foreign key of the schema is dropped and added
# back afterwards (one anti-join per key instead of a trigger lookup per inserted row).
BULK_TABLES = (
    "persons",
    "role_grants",
    "enrolments",
    "guardianships",
    "accounts",
    "messenger_bindings",
    "timetable_entries",
    "teaching_assignments",
    "lessons",
    "homework",
    "marks",
    "attendance",
    "final_marks",
)

# What must be the same after the load as after migrating: every index's definition and every
# constraint's definition and state, by name.
SIGNATURE_SQL = """
    SELECT 'index ' || tablename || '.' || indexname || ': ' || indexdef
    FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL
    SELECT 'constraint ' || conrelid::regclass || '.' || conname || ' (' || contype::text || '): '
        || pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' NOT VALID' END
        || CASE WHEN condeferrable THEN ' deferrable' ELSE '' END
        || CASE WHEN condeferred THEN ' deferred' ELSE '' END
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    ORDER BY 1"""


async def schema_signature(conn: AsyncConnection) -> list[str]:
    return list((await conn.scalars(text(SIGNATURE_SQL))).all())


class DeferredBuild:
    """The secondary indexes, unique constraints and foreign keys taken off for the load.

    ``drop`` reads their definitions from the catalog and drops them; ``build`` puts them back:
    unique and plain indexes built ``jobs`` at a time, unique constraints attached to their
    index, foreign keys added ``NOT VALID`` and then validated ``jobs`` at a time (validation
    locks only the referencing table, so parallel validations cannot deadlock)."""

    def __init__(self) -> None:
        self.indexes: list[tuple[str, str, str]] = []  # (table, name, CREATE INDEX ...)
        self.uniques: list[tuple[str, str, str]] = []  # (table, name, UNIQUE (...))
        self.fks: list[tuple[str, str, str]] = []  # (table, name, FOREIGN KEY ...)

    async def drop(self, conn: AsyncConnection, tables: tuple[str, ...]) -> int:
        fks = await conn.execute(
            text(
                """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                FROM pg_constraint
                WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1, 2"""
            )
        )
        self.fks = [(t, n, d) for t, n, d in fks.all()]
        uniques = await conn.execute(
            text(
                """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                FROM pg_constraint
                WHERE contype = 'u' AND connamespace = 'public'::regnamespace
                    AND conrelid::regclass::text = ANY(:t) ORDER BY 1, 2"""
            ),
            {"t": list(tables)},
        )
        self.uniques = [(t, n, d) for t, n, d in uniques.all()]
        indexes = await conn.execute(
            text(
                """SELECT c.relname, ic.relname, pg_get_indexdef(i.indexrelid)
                FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                JOIN pg_class ic ON ic.oid = i.indexrelid
                WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(:t)
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                        AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
                ORDER BY 1, 2"""
            ),
            {"t": list(tables)},
        )
        self.indexes = [(t, n, d) for t, n, d in indexes.all()]
        for table, name, _ in self.fks + self.uniques:
            await conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for _, name, _ in self.indexes:
            await conn.exec_driver_sql(f'DROP INDEX "{name}"')
        await conn.commit()
        return len(self.fks) + len(self.uniques) + len(self.indexes)

    async def build(self, engine: AsyncEngine, jobs: int) -> dict[str, float]:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        builds = [(t, d) for t, _, d in self.indexes] + [
            (t, f'CREATE UNIQUE INDEX "{n}" ON "{t}" ' + d.removeprefix("UNIQUE "))
            for t, n, d in self.uniques
        ]
        # The biggest tables first, so a long build does not end up last on one connection.
        builds.sort(key=lambda b: b[0] not in BIG_TABLES)
        statements = [d for _, d in builds]
        await _parallel(engine, statements, jobs)
        async with engine.begin() as conn:
            for table, name, _ in self.uniques:
                await conn.exec_driver_sql(
                    f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" UNIQUE USING INDEX "{name}"'
                )
        timings["build indexes"] = round(time.perf_counter() - started, 2)
        print(
            f"{'build indexes':34} {len(statements):>12,} idx  {timings['build indexes']:8.1f} s",
            flush=True,
        )
        started = time.perf_counter()
        async with engine.begin() as conn:
            for table, name, definition in self.fks:
                await conn.exec_driver_sql(
                    f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition} NOT VALID'
                )
        await _parallel(
            engine,
            [f'ALTER TABLE "{t}" VALIDATE CONSTRAINT "{n}"' for t, n, _ in self.fks],
            jobs,
        )
        timings["foreign keys"] = round(time.perf_counter() - started, 2)
        print(
            f"{'foreign keys (add, validate)':34} {len(self.fks):>12,} fks  "
            f"{timings['foreign keys']:8.1f} s",
            flush=True,
        )
        return timings


BIG_TABLES = {"lessons", "marks", "attendance", "final_marks"}


async def _parallel(engine: AsyncEngine, statements: list[str], jobs: int) -> None:
    """Run ``statements`` (each in its own transaction) on ``jobs`` connections at once."""
    queue = list(reversed(statements))

    async def worker() -> None:
        async with engine.connect() as conn:
            await conn.exec_driver_sql(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
            await conn.commit()
            while queue:
                await conn.exec_driver_sql(queue.pop())
                await conn.commit()

    await asyncio.gather(*(worker() for _ in range(max(1, jobs))))


MAINTENANCE_WORK_MEM = "1GB"


async def _run(conn: AsyncConnection, sql: str) -> int:
    total = 0
    for part in sql.split(";"):
        if part.strip():
            result = await conn.exec_driver_sql(part)
            total += max(result.rowcount or 0, 0)
    return total


async def fill(
    engine: AsyncEngine, students: int, today: dt.date, *, jobs: int = 2
) -> dict[str, Any]:
    schools = max(1, students // STUDENTS_PER_SCHOOL)
    counts: dict[str, Any] = {}
    timings: dict[str, float] = {}
    deferred = DeferredBuild()

    def report(label: str, rows: int, started: float) -> None:
        elapsed = time.perf_counter() - started
        timings[label] = round(elapsed, 2)
        print(f"{label:34} {rows:>12,} rows {elapsed:8.1f} s", flush=True)

    async with engine.connect() as conn:
        if await conn.scalar(text("SELECT count(*) FROM schools")):
            raise SystemExit("the database already holds schools: use --fresh")
        migrated = await schema_signature(conn)
        started = time.perf_counter()
        dropped = await deferred.drop(conn, BULK_TABLES)
        report("drop indexes and foreign keys", dropped, started)
        # The load's own session: a lost commit costs a rerun, not consistency.
        await conn.exec_driver_sql("SET synchronous_commit = off")
        await conn.exec_driver_sql("SET work_mem = '256MB'")
        for label, sql in steps(students, schools, today):
            started = time.perf_counter()
            rows = await _run(conn, sql)
            await conn.commit()
            report(label, rows, started)
    timings.update(await deferred.build(engine, jobs))
    async with engine.connect() as conn:
        if await schema_signature(conn) != migrated:
            lost = sorted(set(migrated) - set(await schema_signature(conn)))
            raise SystemExit(f"the schema differs from the migrated one: {lost[:5]}")
        print(f"{'schema as migrated':34} {len(migrated):>12,} defs", flush=True)
    started = time.perf_counter()
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        # Hint bits and the visibility map set once here, not by the first readers or by
        # autovacuum in the middle of a benchmark; statistics for the planner.
        await conn.exec_driver_sql("VACUUM (ANALYZE)")
    report("vacuum, analyze", 0, started)
    async with engine.connect() as conn:
        for table in (
            "schools",
            "classes",
            "persons",
            "accounts",
            "messenger_bindings",
            "guardianships",
            "timetable_entries",
            "lessons",
            "homework",
            "marks",
            "attendance",
            "final_marks",
        ):
            counts[table] = await conn.scalar(text(f"SELECT count(*) FROM {table}"))
        counts["db_size"] = await conn.scalar(
            text("SELECT pg_size_pretty(pg_database_size(current_database()))")
        )
    return {"schools": schools, "counts": counts, "seconds": timings}


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, required=True)
    parser.add_argument("--url", required=True, help="postgresql+asyncpg://.../<database>")
    parser.add_argument("--fresh", action="store_true", help="drop the database first")
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=DEFAULT_TODAY,
        help="lessons before this day are filled in (marks, attendance, topics)",
    )
    parser.add_argument(
        "--jobs", type=int, default=2, help="indexes built and keys validated at once"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    await ensure_database(args.url, fresh=args.fresh)
    engine = make_engine(args.url)
    try:
        await upgrade(engine)
        migrated = time.perf_counter() - started
        print(f"{'migrated':34} {'':>17} {migrated:8.1f} s", flush=True)
        summary = await fill(engine, args.students, args.today, jobs=args.jobs)
    finally:
        await engine.dispose()
    summary["students"] = args.students
    summary["today"] = args.today.isoformat()
    summary["total_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
