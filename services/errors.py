"""Errors a user can cause. ``code`` is a locale key; the front end translates it."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error.generic"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        if code is not None:
            self.code = code
        self.params = params
        super().__init__(f"{self.code} {params}" if params else self.code)


class AccessDenied(DomainError):
    code = "error.forbidden"


class NotFound(DomainError):
    code = "error.not_found"


class ValidationFailed(DomainError):
    code = "error.invalid"


class Conflict(DomainError):
    code = "error.conflict"
