"""The family tests' world (tests/family/conftest.py) and the handler tests' dispatcher."""

from tests.family.conftest import family_world  # noqa: F401  (fixtures)
from tests.handlers.conftest import dp  # noqa: F401
