"""The journal's data model.

Every table that belongs to a school carries ``school_id``; references between such tables are
composite foreign keys ``(x_id, school_id) -> x(id, school_id)``, so the database itself refuses a
lesson of one school's class taught by another school's teacher, a mark on another school's
student, and so on. Value rules (marks 1-5, attendance codes, one attendance row per student and
lesson) are CHECK and UNIQUE constraints, not only Python checks.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.enums import (
    AttendanceCode,
    FinalMarkKind,
    GuardianKind,
    HolidayKind,
    Messenger,
    NewsKind,
    OutboxStatus,
    PeriodKind,
    Role,
    SpecialMark,
    WorkKind,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_clock_offset: dt.timedelta | None = None


def utcnow() -> dt.datetime:
    """The process's current time, timezone-aware UTC; every default "now" comes from here."""
    now = dt.datetime.now(dt.UTC)
    return now if _clock_offset is None else now + _clock_offset


def start_clock_at(moment: dt.datetime | None) -> None:
    """Make this process's clock start at ``moment`` and run on from it (None: the real clock).

    For tests and demonstrations only (the ``CLOCK_START`` setting): an end-to-end test pins
    the bot process's day and hour so that it passes at any hour and on any weekday.
    """
    global _clock_offset
    if moment is None:
        _clock_offset = None
        return
    if moment.tzinfo is None:
        raise ValueError("the clock's start needs a time zone")
    _clock_offset = moment - dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def str_enum(enum_cls: type[StrEnum], name: str) -> SAEnum:
    return SAEnum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime()}


def school_fk(column: str, table: str, *, ondelete: str | None = None) -> ForeignKeyConstraint:
    """A composite reference that keeps both rows in the same school."""
    return ForeignKeyConstraint(
        [column, "school_id"], [f"{table}.id", f"{table}.school_id"], ondelete=ondelete
    )


def school_id_column() -> Mapped[int]:
    return mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)


def fk_index(table: str, column: str, *, nullable: bool = False) -> Index:
    """An index leading with a reference column, so that deleting or re-keying the referred
    row does not scan this table. Nullable references index only their non-null rows
    (``column = ?``, as in the database's own reference checks, implies ``IS NOT NULL``)."""
    if not nullable:
        return Index(f"ix_{table}_{column}", column)
    where = text(f"{column} IS NOT NULL")
    return Index(f"ix_{table}_{column}", column, postgresql_where=where, sqlite_where=where)


# --------------------------------------------------------------------------- schools, calendar


class School(Base):
    __tablename__ = "schools"
    __table_args__ = (
        CheckConstraint(
            "threshold_3 >= 100 AND threshold_3 < threshold_4 AND threshold_4 < threshold_5 "
            "AND threshold_5 <= 500",
            name="thresholds_ordered",
        ),
        CheckConstraint("edit_window_days >= 0 AND edit_window_days <= 60", name="edit_window"),
        CheckConstraint("min_marks_for_period >= 0", name="min_marks"),
        CheckConstraint(
            "max_marks_per_lesson >= 1 AND max_marks_per_lesson <= 20", name="max_marks_per_lesson"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    # Suggested period mark thresholds in hundredths of the weighted average (seed 003 §6.3).
    threshold_3: Mapped[int] = mapped_column(SmallInteger, default=250)
    threshold_4: Mapped[int] = mapped_column(SmallInteger, default=350)
    threshold_5: Mapped[int] = mapped_column(SmallInteger, default=450)
    # Working days after the lesson day during which its teacher may still edit it (seed 003 §3.2).
    edit_window_days: Mapped[int] = mapped_column(SmallInteger, default=2)
    # Fewer marks than this in a period flags the suggested mark as unreliable.
    min_marks_for_period: Mapped[int] = mapped_column(SmallInteger, default=3)
    # ISO weekdays (1 = Monday) on which the school works: "12345" or "123456".
    working_weekdays: Mapped[str] = mapped_column(String(7), default="12345")
    fill_deadline: Mapped[dt.time] = mapped_column(Time, default=dt.time(20, 0))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Built by `python -m bot demo`: invented people and sample credentials the command line
    # can print again; never a real school (see services.tools.demo).
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # At most this many marks for one student in one lesson, by taps or by one message: a
    # slip of the keyboard or a pasted list cannot fill a lesson with dozens of marks.
    max_marks_per_lesson: Mapped[int] = mapped_column(
        SmallInteger, default=3, server_default=text("3")
    )
    # Alerts without the child's full name and without marks or reasons ("Новая отметка по
    # математике: Аня — откройте дневник"), for schools whose policy keeps personal data off
    # messengers; the diary shows the details after sign-in.
    minimal_alerts: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Early warning (services/early_warning): the share of the study period's lessons so far,
    # in per cent, whose absences the family and the class teacher are told of, in two steps.
    warn_absence_first: Mapped[int] = mapped_column(
        SmallInteger, default=5, server_default=text("5")
    )
    warn_absence_second: Mapped[int] = mapped_column(
        SmallInteger, default=10, server_default=text("10")
    )
    # Family messages (services/family_messages): the teachers' working hours, school time, on
    # working days (a family's message written outside them reaches the teacher at the next
    # working morning), and whether students may write to their teachers themselves.
    messages_from: Mapped[dt.time] = mapped_column(
        Time, default=dt.time(8, 0), server_default=text("'08:00:00'")
    )
    messages_to: Mapped[dt.time] = mapped_column(
        Time, default=dt.time(18, 0), server_default=text("'18:00:00'")
    )
    student_messages: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SchoolYear(Base):
    __tablename__ = "school_years"
    __table_args__ = (
        UniqueConstraint("id", "school_id"),
        UniqueConstraint("school_id", "name"),
        CheckConstraint("starts_on < ends_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    name: Mapped[str] = mapped_column(String(32))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    archived_at: Mapped[dt.datetime | None] = mapped_column()
    # The teachers' council (педагогический совет) that approves the year's results: after this
    # day the year, exam and final marks are locked; a deputy or admin unlocks with a reason.
    council_on: Mapped[dt.date | None] = mapped_column(Date)


class StudyPeriod(Base):
    __tablename__ = "study_periods"
    __table_args__ = (
        UniqueConstraint("id", "school_id"),
        UniqueConstraint("year_id", "kind", "number"),
        CheckConstraint("starts_on <= ends_on", name="dates"),
        CheckConstraint("number >= 1 AND number <= 4", name="number"),
        school_fk("year_id", "school_years", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    year_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[PeriodKind] = mapped_column(str_enum(PeriodKind, "period_kind"))
    number: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False)


class Holiday(Base):
    __tablename__ = "holidays"
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="dates"),
        school_fk("year_id", "school_years", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    year_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[HolidayKind] = mapped_column(str_enum(HolidayKind, "holiday_kind"))
    name: Mapped[str] = mapped_column(String(128))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)


# --------------------------------------------------------------------------- people and access


class Person(Base):
    __tablename__ = "persons"
    __table_args__ = (
        UniqueConstraint("id", "school_id"),
        UniqueConstraint("school_id", "external_id"),
        Index("ix_persons_school_id_last_name", "school_id", "last_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    last_name: Mapped[str] = mapped_column(String(128))
    first_name: Mapped[str] = mapped_column(String(128))
    middle_name: Mapped[str | None] = mapped_column(String(128))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    # Id in the school's register (контингент, кадры); re-imports match on it.
    external_id: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # Not loaded with the person (it cost one more statement on every read of persons): the
    # actor's roles come from services.people.identity, and a read that needs others' roles selects
    # RoleGrant itself. Touching it unloaded raises instead of querying.
    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="person", lazy="raise_on_sql", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def short_name(self) -> str:
        initials = "".join(f"{p[0]}." for p in (self.first_name, self.middle_name) if p)
        return f"{self.last_name} {initials}".strip()


class RoleGrant(Base):
    __tablename__ = "role_grants"
    __table_args__ = (
        UniqueConstraint("person_id", "role"),
        school_fk("person_id", "persons", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="roles", overlaps="roles")


class Account(Base):
    """A person's credentials. Logins are unique in the whole deployment."""

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("id", "school_id"),
        UniqueConstraint("person_id"),
        school_fk("person_id", "persons", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    person_id: Mapped[int] = mapped_column(Integer)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    # Hash of the one-time password the school issued; spent (set to NULL) on sign-in.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_expires_at: Mapped[dt.datetime | None] = mapped_column()
    is_blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column()


class Invite(Base):
    """A one-time sign-in token (deep link). Only its hash is stored."""

    __tablename__ = "invites"
    __table_args__ = (
        school_fk("account_id", "accounts", ondelete="CASCADE"),
        fk_index("invites", "created_by_account_id", nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    created_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )


class MessengerBinding(Base):
    """A messenger account bound to a school account: at most one live binding per account and
    messenger (a person may use Telegram, MAX or both)."""

    __tablename__ = "messenger_bindings"
    __table_args__ = (
        fk_index("messenger_bindings", "active_student_id", nullable=True),
        school_fk("account_id", "accounts", ondelete="CASCADE"),
        Index(
            "uq_messenger_bindings_live_account_messenger",
            "account_id",
            "messenger",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        # The identity read: a messenger user's live binding through the bot that received the
        # update (each bot of a deployment sees only its own bindings).
        Index("ix_messenger_bindings_user", "messenger", "external_user_id", "bot_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    account_id: Mapped[int] = mapped_column(Integer)
    messenger: Mapped[Messenger] = mapped_column(str_enum(Messenger, "messenger"))
    external_user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column()
    end_reason: Mapped[str | None] = mapped_column(String(32))
    # False after the user blocked the bot (403); delivery skips it until they come back.
    is_reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    # The role this chat acts in (a teacher who is also a parent switches) and, for a parent of
    # several children, the child the views are about.
    active_role: Mapped[Role | None] = mapped_column(str_enum(Role, "active_role"))
    active_student_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL")
    )
    # The last update from this messenger account (throttled): alerts of a person bound in two
    # messengers go, by default, to the one used last.
    last_seen_at: Mapped[dt.datetime | None] = mapped_column()
    # The bot of the messenger this chat talks to (the one that received the sign-in); None is
    # the messenger's default bot (BOT_TOKEN; MAX's one bot). Alerts go through it.
    bot_id: Mapped[str | None] = mapped_column(String(64))


class MessengerBot(Base):
    """A bot of the deployment (one per token: several Telegram bots share a region's load),
    written by the running process after getMe; the command line reads its username for
    invite links."""

    __tablename__ = "bots"
    __table_args__ = (UniqueConstraint("messenger", "bot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    messenger: Mapped[Messenger] = mapped_column(str_enum(Messenger, "messenger"))
    bot_id: Mapped[str] = mapped_column(String(64))
    username: Mapped[str | None] = mapped_column(String(64))
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SchoolBot(Base):
    """The bot a school's people use in a messenger (no row: the messenger's default bot).
    Sign-in binds through it only; alerts go through the binding's bot."""

    __tablename__ = "school_bots"

    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )
    messenger: Mapped[Messenger] = mapped_column(str_enum(Messenger, "messenger"), primary_key=True)
    bot_id: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# --------------------------------------------------------------------------- classes, enrolment


class SchoolClass(Base):
    __tablename__ = "classes"
    __table_args__ = (
        UniqueConstraint("id", "school_id"),
        UniqueConstraint("year_id", "name"),
        CheckConstraint("grade >= 1 AND grade <= 11", name="grade"),
        school_fk("year_id", "school_years", ondelete="CASCADE"),
        school_fk("class_teacher_id", "persons"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    year_id: Mapped[int] = mapped_column(Integer, index=True)
    grade: Mapped[int] = mapped_column(SmallInteger)
    letter: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(16))
    class_teacher_id: Mapped[int | None] = mapped_column(Integer, index=True)
    external_id: Mapped[str | None] = mapped_column(String(64))


class Subgroup(Base):
    __tablename__ = "subgroups"
    __table_args__ = (
        fk_index("subgroups", "subject_id", nullable=True),
        UniqueConstraint("id", "school_id"),
        UniqueConstraint("class_id", "name"),
        school_fk("class_id", "classes", ondelete="CASCADE"),
        school_fk("subject_id", "subjects"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    class_id: Mapped[int] = mapped_column(Integer, index=True)
    subject_id: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))


class SubgroupMember(Base):
    """A student's stay in a subgroup (a class split for a language, IT, labour): from
    ``joined_on`` (None: since the group began) to the day before ``left_on`` (None: still in
    it), as an enrolment's ``arrived_on``/``left_on``. A move between groups closes one stay and
    opens another; rows are never deleted for a move, so a past lesson keeps the group it had.
    At most one open stay per student and group."""

    __tablename__ = "subgroup_members"
    __table_args__ = (
        CheckConstraint(
            "left_on IS NULL OR joined_on IS NULL OR left_on > joined_on", name="dates"
        ),
        Index("ix_subgroup_members_subgroup_id", "subgroup_id", "student_id"),
        Index(
            "uq_subgroup_members_open",
            "subgroup_id",
            "student_id",
            unique=True,
            sqlite_where=text("left_on IS NULL"),
            postgresql_where=text("left_on IS NULL"),
        ),
        school_fk("subgroup_id", "subgroups", ondelete="CASCADE"),
        school_fk("student_id", "persons", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    subgroup_id: Mapped[int] = mapped_column(Integer)
    student_id: Mapped[int] = mapped_column(Integer, index=True)
    joined_on: Mapped[dt.date | None] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)

    @classmethod
    def during(cls, first: Any, last: Any = None) -> Any:
        """A stay that covers a day of ``first``..``last`` (``first`` alone: that day); values,
        bound parameters or columns (a lesson's date)."""
        from sqlalchemy import and_, or_

        last = first if last is None else last
        return and_(
            or_(cls.joined_on.is_(None), cls.joined_on <= last),
            or_(cls.left_on.is_(None), cls.left_on > first),
        )


class Enrolment(Base):
    """A student's stay in a class (движение обучающихся): arrival and departure dates."""

    __tablename__ = "enrolments"
    __table_args__ = (
        CheckConstraint("left_on IS NULL OR left_on >= arrived_on", name="dates"),
        UniqueConstraint("student_id", "class_id", "arrived_on"),
        school_fk("student_id", "persons", ondelete="CASCADE"),
        school_fk("class_id", "classes", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    student_id: Mapped[int] = mapped_column(Integer, index=True)
    class_id: Mapped[int] = mapped_column(Integer, index=True)
    arrived_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    arrival_note: Mapped[str | None] = mapped_column(String(255))
    departure_note: Mapped[str | None] = mapped_column(String(255))
    # The order (приказ) behind the arrival and the departure: its number and date as written.
    arrival_order: Mapped[str | None] = mapped_column(String(64))
    departure_order: Mapped[str | None] = mapped_column(String(64))


class Guardianship(Base):
    """A parent (or a trusted person the parent named, seed 000 §1.3) and a child."""

    __tablename__ = "guardianships"
    __table_args__ = (
        fk_index("guardianships", "granted_by_id", nullable=True),
        UniqueConstraint("guardian_id", "student_id"),
        CheckConstraint("guardian_id <> student_id", name="not_self"),
        school_fk("guardian_id", "persons", ondelete="CASCADE"),
        school_fk("student_id", "persons", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    guardian_id: Mapped[int] = mapped_column(Integer, index=True)
    student_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[GuardianKind] = mapped_column(str_enum(GuardianKind, "guardian_kind"))
    # For a trusted person: what the parent allowed ("marks", "attendance", "homework", ...).
    permissions: Mapped[list[str] | None] = mapped_column(JSON)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# --------------------------------------------------------------------------- subjects, timetable


class Subject(Base):
    __tablename__ = "subjects"
    __table_args__ = (UniqueConstraint("id", "school_id"), UniqueConstraint("school_id", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    name: Mapped[str] = mapped_column(String(128))
    short_name: Mapped[str | None] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(64))


class TeachingAssignment(Base):
    """Who teaches which subject to which class (or subgroup) in a year."""

    __tablename__ = "teaching_assignments"
    __table_args__ = (
        fk_index("teaching_assignments", "subject_id"),
        fk_index("teaching_assignments", "subgroup_id", nullable=True),
        UniqueConstraint("teacher_id", "class_id", "subject_id", "subgroup_id"),
        school_fk("teacher_id", "persons", ondelete="CASCADE"),
        school_fk("class_id", "classes", ondelete="CASCADE"),
        school_fk("subject_id", "subjects", ondelete="CASCADE"),
        school_fk("subgroup_id", "subgroups", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    teacher_id: Mapped[int] = mapped_column(Integer, index=True)
    class_id: Mapped[int] = mapped_column(Integer, index=True)
    subject_id: Mapped[int] = mapped_column(Integer)
    subgroup_id: Mapped[int | None] = mapped_column(Integer)
    hours_per_week: Mapped[int | None] = mapped_column(SmallInteger)


class BellTime(Base):
    __tablename__ = "bell_times"
    __table_args__ = (
        UniqueConstraint("school_id", "shift", "number"),
        CheckConstraint("number >= 0 AND number <= 12", name="number"),
        CheckConstraint("starts_at < ends_at", name="times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    shift: Mapped[int] = mapped_column(SmallInteger, default=1)
    number: Mapped[int] = mapped_column(SmallInteger)
    starts_at: Mapped[dt.time] = mapped_column(Time)
    ends_at: Mapped[dt.time] = mapped_column(Time)


class TimetableEntry(Base):
    """A weekly slot: class (or subgroup), weekday, lesson number, subject, teacher, room."""

    __tablename__ = "timetable_entries"
    __table_args__ = (
        fk_index("timetable_entries", "year_id"),
        fk_index("timetable_entries", "subject_id"),
        fk_index("timetable_entries", "subgroup_id", nullable=True),
        CheckConstraint("weekday >= 1 AND weekday <= 7", name="weekday"),
        CheckConstraint("lesson_number >= 0 AND lesson_number <= 12", name="lesson_number"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates"),
        school_fk("year_id", "school_years", ondelete="CASCADE"),
        school_fk("class_id", "classes", ondelete="CASCADE"),
        school_fk("subgroup_id", "subgroups", ondelete="CASCADE"),
        school_fk("subject_id", "subjects"),
        school_fk("teacher_id", "persons"),
        Index("ix_timetable_entries_class_day", "class_id", "weekday", "lesson_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    year_id: Mapped[int] = mapped_column(Integer)
    class_id: Mapped[int] = mapped_column(Integer)
    subgroup_id: Mapped[int | None] = mapped_column(Integer)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    lesson_number: Mapped[int] = mapped_column(SmallInteger)
    subject_id: Mapped[int] = mapped_column(Integer)
    teacher_id: Mapped[int] = mapped_column(Integer, index=True)
    room: Mapped[str | None] = mapped_column(String(32))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class PlanItem(Base):
    """A line of the thematic plan (КТП) of a subject in a class."""

    __tablename__ = "plan_items"
    __table_args__ = (
        fk_index("plan_items", "subject_id"),
        UniqueConstraint("id", "school_id"),
        UniqueConstraint("class_id", "subject_id", "number"),
        school_fk("class_id", "classes", ondelete="CASCADE"),
        school_fk("subject_id", "subjects", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    class_id: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(SmallInteger)
    topic: Mapped[str] = mapped_column(String(500))
    hours: Mapped[int] = mapped_column(SmallInteger, default=1)


class Lesson(Base):
    """A dated lesson. ``teacher_id`` is the scheduled teacher; a substitution names another."""

    __tablename__ = "lessons"
    __table_args__ = (
        fk_index("lessons", "subject_id"),
        fk_index("lessons", "plan_item_id", nullable=True),
        fk_index("lessons", "attendance_taken_by_id", nullable=True),
        fk_index("lessons", "updated_by_id", nullable=True),
        fk_index("lessons", "cancelled_by_id", nullable=True),
        UniqueConstraint("id", "school_id"),
        CheckConstraint("lesson_number >= 0 AND lesson_number <= 12", name="lesson_number"),
        school_fk("class_id", "classes", ondelete="CASCADE"),
        school_fk("subgroup_id", "subgroups", ondelete="CASCADE"),
        school_fk("subject_id", "subjects"),
        school_fk("teacher_id", "persons"),
        # No ON DELETE SET NULL: on a two-column key it would clear school_id too.
        school_fk("plan_item_id", "plan_items"),
        Index(
            "uq_lessons_class_slot",
            "class_id",
            "date",
            "lesson_number",
            unique=True,
            sqlite_where=text("subgroup_id IS NULL"),
            postgresql_where=text("subgroup_id IS NULL"),
        ),
        Index(
            "uq_lessons_subgroup_slot",
            "subgroup_id",
            "date",
            "lesson_number",
            unique=True,
            sqlite_where=text("subgroup_id IS NOT NULL"),
            postgresql_where=text("subgroup_id IS NOT NULL"),
        ),
        Index("ix_lessons_teacher_date", "teacher_id", "date"),
        Index("ix_lessons_class_date", "class_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    class_id: Mapped[int] = mapped_column(Integer)
    subgroup_id: Mapped[int | None] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(Integer)
    teacher_id: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    lesson_number: Mapped[int] = mapped_column(SmallInteger)
    room: Mapped[str | None] = mapped_column(String(32))
    is_cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who cancelled the lesson, when and why (services/timetable/cancellations.py).
    cancelled_at: Mapped[dt.datetime | None] = mapped_column()
    cancelled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    is_distance: Mapped[bool] = mapped_column(Boolean, default=False)
    plan_item_id: Mapped[int | None] = mapped_column(Integer)
    topic: Mapped[str | None] = mapped_column(String(500))
    work_kind: Mapped[WorkKind | None] = mapped_column(str_enum(WorkKind, "lesson_work_kind"))
    # "No homework" chosen by the teacher: the homework column counts as filled (the
    # regulations ask for homework only "if homework is set").
    no_homework: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    attendance_taken_at: Mapped[dt.datetime | None] = mapped_column()
    attendance_taken_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    # Set by a deputy or admin: editable past the school's window until this moment.
    unlocked_until: Mapped[dt.datetime | None] = mapped_column()
    updated_at: Mapped[dt.datetime | None] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )


class Substitution(Base):
    """Замена урока (seed 002 §5.2.4): another teacher takes a dated lesson."""

    __tablename__ = "substitutions"
    __table_args__ = (
        fk_index("substitutions", "created_by_id", nullable=True),
        UniqueConstraint("lesson_id"),
        school_fk("lesson_id", "lessons", ondelete="CASCADE"),
        school_fk("teacher_id", "persons"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    lesson_id: Mapped[int] = mapped_column(Integer)
    teacher_id: Mapped[int] = mapped_column(Integer, index=True)
    reason: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )


# --------------------------------------------------------------------------- the lesson's record


class Homework(Base):
    """Homework set at a lesson; ``student_id`` NULL means for the whole class or subgroup."""

    __tablename__ = "homework"
    __table_args__ = (
        fk_index("homework", "student_id", nullable=True),
        fk_index("homework", "created_by_id", nullable=True),
        UniqueConstraint("id", "school_id"),
        school_fk("lesson_id", "lessons", ondelete="CASCADE"),
        school_fk("student_id", "persons", ondelete="CASCADE"),
        Index("ix_homework_lesson", "lesson_id"),
        Index("ix_homework_due", "school_id", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    lesson_id: Mapped[int] = mapped_column(Integer)
    student_id: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    updated_at: Mapped[dt.datetime | None] = mapped_column()

    files: Mapped[list[HomeworkFile]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="HomeworkFile.id"
    )


class HomeworkFile(Base):
    """A file attached to homework, by reference (messenger file id or storage key)."""

    __tablename__ = "homework_files"
    __table_args__ = (school_fk("homework_id", "homework", ondelete="CASCADE"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    homework_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # document | photo
    file_ref: Mapped[str] = mapped_column(String(255))
    file_name: Mapped[str | None] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[int | None] = mapped_column(Integer)


class AbsenceNotice(Base):
    """A parent's advance notice that the child will miss a day (seed 000 §3.2)."""

    __tablename__ = "absence_notices"
    __table_args__ = (
        fk_index("absence_notices", "created_by_id", nullable=True),
        UniqueConstraint("id", "school_id"),
        CheckConstraint("date_from <= date_to", name="dates"),
        school_fk("student_id", "persons", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    student_id: Mapped[int] = mapped_column(Integer, index=True)
    date_from: Mapped[dt.date] = mapped_column(Date)
    date_to: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(255))
    code: Mapped[AttendanceCode] = mapped_column(str_enum(AttendanceCode, "notice_code"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    cancelled_at: Mapped[dt.datetime | None] = mapped_column()


class Attendance(Base):
    """A student not fully present at a lesson. Present students have no row."""

    __tablename__ = "attendance"
    __table_args__ = (
        fk_index("attendance", "notice_id", nullable=True),
        fk_index("attendance", "created_by_id", nullable=True),
        fk_index("attendance", "updated_by_id", nullable=True),
        UniqueConstraint("lesson_id", "student_id"),
        school_fk("lesson_id", "lessons", ondelete="CASCADE"),
        school_fk("student_id", "persons", ondelete="CASCADE"),
        school_fk("notice_id", "absence_notices"),
        Index("ix_attendance_student", "student_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    lesson_id: Mapped[int] = mapped_column(Integer)
    student_id: Mapped[int] = mapped_column(Integer)
    code: Mapped[AttendanceCode] = mapped_column(str_enum(AttendanceCode, "attendance_code"))
    minutes_late: Mapped[int | None] = mapped_column(SmallInteger)
    notice_id: Mapped[int | None] = mapped_column(Integer)
    # What the family answered to the absence alert (ill / excused / unknown), for the class
    # teacher's reconciliation; the code itself is changed by the class teacher.
    family_reason: Mapped[str | None] = mapped_column(String(16))
    family_reason_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    updated_at: Mapped[dt.datetime | None] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )


class Mark(Base):
    __tablename__ = "marks"
    __table_args__ = (
        fk_index("marks", "created_by_id", nullable=True),
        fk_index("marks", "updated_by_id", nullable=True),
        UniqueConstraint("id", "school_id"),
        CheckConstraint("value >= 1 AND value <= 5", name="value"),
        CheckConstraint("weight >= 1 AND weight <= 10", name="weight"),
        school_fk("lesson_id", "lessons", ondelete="CASCADE"),
        school_fk("student_id", "persons", ondelete="CASCADE"),
        Index("ix_marks_student", "student_id"),
        Index("ix_marks_lesson", "lesson_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    lesson_id: Mapped[int] = mapped_column(Integer)
    student_id: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(SmallInteger)
    work_kind: Mapped[WorkKind] = mapped_column(str_enum(WorkKind, "work_kind"))
    weight: Mapped[int] = mapped_column(SmallInteger, default=1)
    comment: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    updated_at: Mapped[dt.datetime | None] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )


class WorkWeight(Base):
    """The school's weight of a mark for one kind of work (the default a teacher may change);
    a kind without a row weighs ``enums.DEFAULT_WEIGHTS``."""

    __tablename__ = "work_weights"
    __table_args__ = (
        UniqueConstraint("school_id", "work_kind"),
        CheckConstraint("weight >= 1 AND weight <= 10", name="weight"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    work_kind: Mapped[WorkKind] = mapped_column(str_enum(WorkKind, "work_kind"))
    weight: Mapped[int] = mapped_column(SmallInteger)


class FinalMark(Base):
    """Period, year, exam and final marks (четвертные, годовые, экзаменационные, итоговые)."""

    __tablename__ = "final_marks"
    __table_args__ = (
        fk_index("final_marks", "subject_id"),
        fk_index("final_marks", "year_id"),
        fk_index("final_marks", "period_id", nullable=True),
        fk_index("final_marks", "created_by_id", nullable=True),
        fk_index("final_marks", "updated_by_id", nullable=True),
        CheckConstraint(
            "(value IS NOT NULL AND value >= 1 AND value <= 5 AND special IS NULL) OR "
            "(value IS NULL AND special IS NOT NULL)",
            name="value_or_special",
        ),
        CheckConstraint(
            "(kind = 'period' AND period_id IS NOT NULL) OR "
            "(kind <> 'period' AND period_id IS NULL)",
            name="period_matches_kind",
        ),
        school_fk("student_id", "persons", ondelete="CASCADE"),
        school_fk("subject_id", "subjects", ondelete="CASCADE"),
        school_fk("year_id", "school_years", ondelete="CASCADE"),
        school_fk("period_id", "study_periods", ondelete="CASCADE"),
        Index(
            "uq_final_marks_period",
            "student_id",
            "subject_id",
            "period_id",
            unique=True,
            sqlite_where=text("period_id IS NOT NULL"),
            postgresql_where=text("period_id IS NOT NULL"),
        ),
        Index(
            "uq_final_marks_year_kind",
            "student_id",
            "subject_id",
            "year_id",
            "kind",
            unique=True,
            sqlite_where=text("period_id IS NULL"),
            postgresql_where=text("period_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    student_id: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(Integer)
    year_id: Mapped[int] = mapped_column(Integer)
    period_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[FinalMarkKind] = mapped_column(str_enum(FinalMarkKind, "final_mark_kind"))
    value: Mapped[int | None] = mapped_column(SmallInteger)
    special: Mapped[SpecialMark | None] = mapped_column(str_enum(SpecialMark, "special_mark"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    updated_at: Mapped[dt.datetime | None] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )


# --------------------------------------------------------------------------- news, audit, outbox


class News(Base):
    """School news (admin, director, deputy) and class events (class teacher).

    ``event_at``: the event's date, optional, as an aware UTC instant (as every datetime here);
    readers take its school-local day and time. An all-day event is kept at the school's local
    midnight of its day (services.messages.broadcasts.event_moment)."""

    __tablename__ = "news"
    __table_args__ = (
        fk_index("news", "author_id"),
        UniqueConstraint("id", "school_id"),
        CheckConstraint(
            "(kind = 'class_event' AND class_id IS NOT NULL) OR "
            "(kind = 'school_news' AND class_id IS NULL)",
            name="class_matches_kind",
        ),
        school_fk("class_id", "classes", ondelete="CASCADE"),
        school_fk("author_id", "persons"),
        # The reader's list (services/messages/news_reads.py): a class's events and a school's
        # news, newest first, paged by (created_at, id).
        Index("ix_news_class_created", "class_id", "created_at", "id"),
        Index(
            "ix_news_school_created",
            "school_id",
            "created_at",
            "id",
            postgresql_where=text("class_id IS NULL"),
            sqlite_where=text("class_id IS NULL"),
        ),
        # Dated news by day (the diary, the reminder, the week ahead, the calendar feed).
        Index(
            "ix_news_school_event",
            "school_id",
            "event_at",
            postgresql_where=text("event_at IS NOT NULL"),
            sqlite_where=text("event_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    kind: Mapped[NewsKind] = mapped_column(str_enum(NewsKind, "news_kind"))
    class_id: Mapped[int | None] = mapped_column(Integer, index=True)
    author_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    event_at: Mapped[dt.datetime | None] = mapped_column()
    attachment_kind: Mapped[str | None] = mapped_column(String(16))
    attachment_ref: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class NewsReceipt(Base):
    """ "Ознакомлен": who has read a piece of news."""

    __tablename__ = "news_receipts"
    __table_args__ = (
        fk_index("news_receipts", "person_id"),
        school_fk("news_id", "news", ondelete="CASCADE"),
        school_fk("person_id", "persons", ondelete="CASCADE"),
    )

    school_id: Mapped[int] = school_id_column()
    news_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    read_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Who changed what, when, before and after (seed 002 §1.9).

    Append-only in the database: triggers (migration 0006) refuse every UPDATE and DELETE of
    a row, on PostgreSQL and SQLite. Who acted is kept as a snapshot (name, roles, login at
    the time), and nothing that happens to the account rewrites the row: ``actor_account_id``
    is a plain number, not a foreign key. A school with audit history cannot be deleted (the
    reference to the school has no ON DELETE action); see services.audit for the one
    deliberate purge. A batch migration that re-creates this table on SQLite drops its
    triggers: re-create them in the same revision.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id"),
        Index("ix_audit_log_school_at", "school_id", "at"),
        Index("ix_audit_log_student", "student_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The account's id at the time; the account may be gone since.
    actor_account_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # Kept as text so the record survives the account: "account:12", "cli", "system".
    actor_label: Mapped[str] = mapped_column(String(128))
    # Who acted, as they were then: display name, roles (comma-separated) and login.
    actor_name: Mapped[str | None] = mapped_column(String(200))
    actor_roles: Mapped[str | None] = mapped_column(String(128))
    actor_login: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    # The child the change concerns, for "who touched this student's data".
    student_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(32), default="bot")


class OutboxMessage(Base):
    """A notification written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        # The worker's claim (pending rows and expired leases) in its (not_before, id) order.
        # Partial: its size follows the rows waiting, not the rows ever queued.
        Index(
            "ix_outbox_claim",
            "not_before",
            "id",
            postgresql_where=text("status IN ('pending', 'sending')"),
            sqlite_where=text("status IN ('pending', 'sending')"),
        ),
        # The worker's claim of fan-out rows (one per school and digest), apart from the rest.
        Index(
            "ix_outbox_fanout",
            "not_before",
            "id",
            postgresql_where=text("kind = 'fanout' AND status IN ('pending', 'sending')"),
            sqlite_where=text("kind = 'fanout' AND status IN ('pending', 'sending')"),
        ),
        # Retention (notifications/retention.py) and the admin's newest dead letters.
        Index("ix_outbox_school_id_created_at", "school_id", "created_at"),
        # The dead letters alone (the metrics' count, a school's list): a few rows among millions.
        Index(
            "ix_outbox_dead",
            "school_id",
            "created_at",
            postgresql_where=text("status = 'dead'"),
            sqlite_where=text("status = 'dead'"),
        ),
        fk_index("outbox", "merged_into_id", nullable=True),
        school_fk("recipient_person_id", "persons", ondelete="CASCADE"),
        CheckConstraint("attempts >= 0", name="attempts"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    school_id: Mapped[int] = school_id_column()
    # None only for a fan-out row (kind "fanout"): one row per school that the worker expands
    # into the families' rows as it sends them (notifications/worker.py).
    recipient_person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(64))
    # Deterministic: the same event for the same recipient can never be queued twice.
    dedup_key: Mapped[str] = mapped_column(String(255), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    not_before: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    locked_by: Mapped[str | None] = mapped_column(String(64))
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    message_ref: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(500))
    # Alerts of one recipient with the same group (e.g. "marks", "news") due together are merged
    # into one message (digests, quiet hours).
    digest_group: Mapped[str | None] = mapped_column(String(64))
    # A broadcast this row delivers, for delivered / read / failed counts.
    news_id: Mapped[int | None] = mapped_column(
        ForeignKey("news.id", ondelete="CASCADE"), index=True
    )
    # Sent, but the messenger's answer was lost (timeout): it may have arrived; counted.
    outcome_unknown: Mapped[bool] = mapped_column(Boolean, default=False)
    # The row whose message carried this one, when it was merged into a digest.
    merged_into_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("outbox.id", ondelete="SET NULL")
    )
    # The messenger this row is delivered to, once the worker chose it from the recipient's
    # bindings and preference (None until then); a person who wants every alert in two
    # messengers gets a second row (its dedup key suffixed with the messenger).
    messenger: Mapped[str | None] = mapped_column(String(16))


class NotificationPrefs(Base):
    """What a person wants to be told, and when (school time). No row: the defaults."""

    __tablename__ = "notification_prefs"
    __table_args__ = (
        school_fk("person_id", "persons", ondelete="CASCADE"),
        CheckConstraint("marks_mode IN ('instant', 'hourly', 'evening')", name="marks_mode"),
        CheckConstraint("channel IN ('last', 'telegram', 'max', 'all')", name="channel"),
    )

    person_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = school_id_column()
    absences: Mapped[bool] = mapped_column(Boolean, default=True)
    marks: Mapped[bool] = mapped_column(Boolean, default=True)
    marks_mode: Mapped[str] = mapped_column(String(16), default="instant")
    digest_time: Mapped[dt.time] = mapped_column(Time, default=dt.time(18, 0))
    homework_tomorrow: Mapped[bool] = mapped_column(Boolean, default=False)
    weekly_summary: Mapped[bool] = mapped_column(Boolean, default=True)
    news: Mapped[bool] = mapped_column(Boolean, default=True)
    reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    quiet_from: Mapped[dt.time | None] = mapped_column(Time, default=dt.time(21, 0))
    quiet_to: Mapped[dt.time | None] = mapped_column(Time, default=dt.time(8, 0))
    # Where alerts go for a person bound in more than one messenger: "last" (the one used last),
    # "telegram", "max" or "all" (each alert once in every bound messenger).
    channel: Mapped[str] = mapped_column(String(16), default="last", server_default="last")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SchedulerRun(Base):
    """One run of a scheduled job by its run key (e.g. "evening-digest:2026-11-23:school-3").
    The unique key makes every job idempotent across restarts and processes."""

    __tablename__ = "scheduler_runs"
    __table_args__ = (UniqueConstraint("job", "run_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    run_key: Mapped[str] = mapped_column(String(128))
    owner: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="running")
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class FinalMarkUnlock(Base):
    """Locked final marks of a class and subject opened for a while by a deputy or admin, with
    a reason: a closed study period's marks (``period_id``), or the year, exam and final marks
    after the teachers' council (``period_id`` NULL)."""

    __tablename__ = "final_mark_unlocks"
    __table_args__ = (
        fk_index("final_mark_unlocks", "subject_id"),
        fk_index("final_mark_unlocks", "year_id"),
        fk_index("final_mark_unlocks", "period_id", nullable=True),
        fk_index("final_mark_unlocks", "created_by_id", nullable=True),
        school_fk("class_id", "classes", ondelete="CASCADE"),
        school_fk("subject_id", "subjects", ondelete="CASCADE"),
        school_fk("year_id", "school_years", ondelete="CASCADE"),
        school_fk("period_id", "study_periods", ondelete="CASCADE"),
        Index("ix_final_mark_unlocks_class_subject", "class_id", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    class_id: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(Integer)
    year_id: Mapped[int] = mapped_column(Integer)
    period_id: Mapped[int | None] = mapped_column(Integer)
    unlocked_until: Mapped[dt.datetime] = mapped_column()
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )


class ControlWork(Base):
    """A control work's date agreed in the system (seed 002 §5.2.5)."""

    __tablename__ = "control_works"
    __table_args__ = (
        fk_index("control_works", "subject_id"),
        fk_index("control_works", "created_by_id", nullable=True),
        fk_index("control_works", "agreed_by_id", nullable=True),
        UniqueConstraint("class_id", "subject_id", "date"),
        school_fk("class_id", "classes", ondelete="CASCADE"),
        school_fk("subject_id", "subjects", ondelete="CASCADE"),
        Index("ix_control_works_class_date", "class_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    class_id: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[WorkKind] = mapped_column(str_enum(WorkKind, "control_work_kind"))
    title: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    agreed_at: Mapped[dt.datetime | None] = mapped_column()
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))


class JournalCheck(Base):
    """A deputy's check note on a class journal, seen by the teacher (seed 002 §5.2.3, §6.3)."""

    __tablename__ = "journal_checks"
    __table_args__ = (
        fk_index("journal_checks", "subject_id", nullable=True),
        fk_index("journal_checks", "checked_by_id"),
        school_fk("class_id", "classes", ondelete="CASCADE"),
        school_fk("subject_id", "subjects", ondelete="CASCADE"),
        school_fk("teacher_id", "persons", ondelete="CASCADE"),
        school_fk("checked_by_id", "persons"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    class_id: Mapped[int] = mapped_column(Integer, index=True)
    subject_id: Mapped[int | None] = mapped_column(Integer)
    teacher_id: Mapped[int | None] = mapped_column(Integer, index=True)
    checked_by_id: Mapped[int] = mapped_column(Integer)
    checked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    period_from: Mapped[dt.date | None] = mapped_column(Date)
    period_to: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    fix_by: Mapped[dt.date | None] = mapped_column(Date)
    seen_at: Mapped[dt.datetime | None] = mapped_column()
    resolved_at: Mapped[dt.datetime | None] = mapped_column()


class AppSetting(Base):
    """Small facts the running bot learns and the command line needs later (the bot's
    username from getMe, for invite links), and the demo's credential secret."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SigninThrottle(Base):
    """Failed sign-in counters when Redis is not configured (per login and per messenger user)."""

    __tablename__ = "signin_throttle"
    __table_args__ = (CheckConstraint("failures >= 0", name="failures"),)

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EarlyWarning(Base):
    """What the early warning (services/early_warning) last told of a student in a study
    period: for absences (``subject_id`` 0) the highest step reached, in per cent; for a
    subject, the projected period mark warned of, raised while the projection rises (a fall of
    a whole mark from it is told again)."""

    __tablename__ = "early_warnings"
    __table_args__ = (
        UniqueConstraint("student_id", "period_id", "subject_id"),
        school_fk("student_id", "persons", ondelete="CASCADE"),
        school_fk("period_id", "study_periods", ondelete="CASCADE"),
        Index("ix_early_warnings_period", "period_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    student_id: Mapped[int] = mapped_column(Integer)
    period_id: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(Integer, default=0)
    level: Mapped[int] = mapped_column(SmallInteger)
    # The last alert about this row; None while it only records the projection seen.
    warned_at: Mapped[dt.datetime | None] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# --------------------------------------------------------------------------- family messages


class FamilyThread(Base):
    """A conversation between a child's family and one of the child's teachers in a school
    year (services/family_messages). ``side`` "family": the child's parents share it; "student":
    the student's own, apart from the parents'. The teacher may close it (``closed_at``)."""

    __tablename__ = "family_threads"
    __table_args__ = (
        UniqueConstraint("id", "school_id"),
        UniqueConstraint("student_id", "teacher_id", "year_id", "side"),
        CheckConstraint("side IN ('family', 'student')", name="side"),
        fk_index("family_threads", "year_id"),
        fk_index("family_threads", "class_id"),
        fk_index("family_threads", "closed_by_id", nullable=True),
        school_fk("year_id", "school_years", ondelete="CASCADE"),
        school_fk("class_id", "classes", ondelete="CASCADE"),
        school_fk("student_id", "persons", ondelete="CASCADE"),
        school_fk("teacher_id", "persons", ondelete="CASCADE"),
        Index("ix_family_threads_teacher", "teacher_id", "last_message_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    year_id: Mapped[int] = mapped_column(Integer)
    class_id: Mapped[int] = mapped_column(Integer)
    student_id: Mapped[int] = mapped_column(Integer)
    teacher_id: Mapped[int] = mapped_column(Integer)
    side: Mapped[str] = mapped_column(String(16), default="family")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[dt.datetime | None] = mapped_column()
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))


class FamilyMessage(Base):
    """One message of a thread, kept for the school as long as the journal (5 years after the
    school year's end). ``attachment_ref`` is a file id of ``messenger`` (ids are per messenger
    and per bot); ``deliver_at`` is when the recipient gets it (a teacher's working hours)."""

    __tablename__ = "family_messages"
    __table_args__ = (
        school_fk("thread_id", "family_threads", ondelete="CASCADE"),
        school_fk("author_id", "persons", ondelete="CASCADE"),
        Index("ix_family_messages_thread", "thread_id", "id"),
        Index("ix_family_messages_author_at", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    thread_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(Integer)
    from_teacher: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    attachment_kind: Mapped[str | None] = mapped_column(String(16))
    # MAX's file tokens run to 2048 characters (Telegram's ids are short).
    attachment_ref: Mapped[str | None] = mapped_column(String(2100))
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    messenger: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    deliver_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FamilyThreadRead(Base):
    """The last message of a thread a participant has seen (opened the thread in the bot):
    the "read" of the sender's ✓✓ (the messengers give bots no read receipts)."""

    __tablename__ = "family_thread_reads"
    __table_args__ = (
        school_fk("thread_id", "family_threads", ondelete="CASCADE"),
        school_fk("person_id", "persons", ondelete="CASCADE"),
        fk_index("family_thread_reads", "person_id"),
    )

    thread_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = school_id_column()
    last_read_id: Mapped[int] = mapped_column(Integer, default=0)
    read_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ThreadComplaint(Base):
    """A complaint the office recorded about a thread: who complained, when, why. Only with
    one may the administration read that thread (each reading is in the audit log)."""

    __tablename__ = "thread_complaints"
    __table_args__ = (
        school_fk("thread_id", "family_threads", ondelete="CASCADE"),
        fk_index("thread_complaints", "thread_id"),
        fk_index("thread_complaints", "recorded_by_id", nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    thread_id: Mapped[int] = mapped_column(Integer)
    complainant: Mapped[str] = mapped_column(String(200))
    complained_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FamilyCalendarLink(Base):
    """A private calendar (ICS) link of a parent or a student for one child
    (services/calendar_feed): only the SHA-256 of its token is kept; a new link revokes the
    old one."""

    __tablename__ = "family_calendar_links"
    __table_args__ = (
        school_fk("person_id", "persons", ondelete="CASCADE"),
        school_fk("student_id", "persons", ondelete="CASCADE"),
        Index("ix_family_calendar_links_holder", "person_id", "student_id"),
        fk_index("family_calendar_links", "student_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = school_id_column()
    person_id: Mapped[int] = mapped_column(Integer)  # who holds the link
    student_id: Mapped[int] = mapped_column(Integer)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
