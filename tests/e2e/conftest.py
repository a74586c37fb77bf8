from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support import running_local_stack


@pytest.fixture(scope="module")
def stack() -> Iterator[Any]:
    with running_local_stack() as local:
        yield local


@pytest.fixture(autouse=True)
def _fresh_state() -> None:
    """Overrides the unit suites' reset: the handlers here keep their warm state, as Lambda instances do."""
