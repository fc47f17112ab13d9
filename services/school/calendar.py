"""School time moved into the kernel (services.calendar): every domain reads it, people
included. This name stays for the code above services/ that imports it from here."""

from services.calendar import (
    SchoolCalendar,
    edit_deadline,
    load_calendar,
    local_to_utc,
    period_on,
    school_days_around,
    school_now,
    school_today,
    year_on,
)

__all__ = [
    "SchoolCalendar",
    "edit_deadline",
    "load_calendar",
    "local_to_utc",
    "period_on",
    "school_days_around",
    "school_now",
    "school_today",
    "year_on",
]
