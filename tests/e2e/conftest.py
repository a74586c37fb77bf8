from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support.stack import running_local_stack


@pytest.fixture(scope="module")
def stack(emulated) -> Iterator[Any]:
    """`make run`'s stack serving dev as Terraform applied it (the session's apply, shared by the suites)."""
    with running_local_stack(emulated["dev"], log_level="WARNING") as local:
        yield local
