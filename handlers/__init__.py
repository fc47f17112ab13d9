"""aiogram routers, one package per audience; :func:`build_router` joins them in order.

Every handler module has ``build_router() -> Router`` (one ``Router(name=__name__)``), built
fresh on each call so that tests can make as many dispatchers as they like.
"""

from __future__ import annotations

from aiogram import Router

from handlers import admin, class_teacher, family, teacher
from handlers.common import (
    alerts,
    fallback,
    group,
    help,
    invite,
    link,
    signin,
    start,
    thread_offer,
    threads,
)
from handlers.common.routers import joined


def build_router() -> Router:
    """The root router. Order matters: the group guard first, the fallback last."""
    return joined(
        __name__,
        group,  # no personal data in groups: takes every non-private message
        start,
        signin,
        invite,
        alerts,
        threads,  # /messages, its buttons and its compose step
        link,
        help,
        teacher,
        class_teacher,
        family,
        admin,
        thread_offer,  # a parent's text nobody waited for: offered to the child's teachers
        fallback,  # last: hints for whatever nobody took
    )
