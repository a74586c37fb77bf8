from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support import running_local_stack


@pytest.fixture(scope="module")
def stack() -> Iterator[Any]:
    with running_local_stack() as local:
        yield local
