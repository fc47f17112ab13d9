"""aiogram routers, one package per audience; :func:`build_router` joins them in order.

Every handler module has ``build_router() -> Router`` (one ``Router(name=__name__)``), built
fresh on each call so that tests can make as many dispatchers as they like.
"""

from __future__ import annotations

from aiogram import Router

from handlers import admin, class_teacher, family, teacher
from handlers.common import alerts, fallback, group, help, invite, signin, start


def build_router() -> Router:
    """The root router. Order matters: the group guard first, the fallback last."""
    root = Router(name=__name__)
    root.include_routers(
        group.build_router(),  # no personal data in groups: takes every non-private message
        start.build_router(),
        signin.build_router(),
        invite.build_router(),
        alerts.build_router(),
        help.build_router(),
        teacher.build_router(),
        class_teacher.build_router(),
        family.build_router(),
        admin.build_router(),
        fallback.build_router(),  # last: hints for whatever nobody took
    )
    return root
