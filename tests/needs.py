"""What some tests need from the machine, and how its absence is reported."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def unavailable(reason: str) -> NoReturn:
    """A test's outside need is missing: a failure in CI, elsewhere a skip that says why."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)
