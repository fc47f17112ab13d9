"""An audience's router: its modules' routers joined in order."""

from __future__ import annotations

from types import ModuleType

from aiogram import Router


def joined(name: str, *modules: ModuleType) -> Router:
    """A router named ``name`` holding each module's fresh ``build_router()`` in the given
    order (an update goes to the first that takes it)."""
    router = Router(name=name)
    router.include_routers(*(module.build_router() for module in modules))
    return router
