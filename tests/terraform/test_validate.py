"""`terraform validate` of every environment and module example with the real hashicorp/aws provider.

The provider comes from wherever `workout_local.terraform` finds it (a filesystem mirror, else the registry through
a plugin cache); the validation is skipped, with the reason, only where neither exists.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tfconfig import ALL_ENVIRONMENTS, COMPOSITION, ROOT, environment_dir, terraform_in_copy

# The other module examples are applied, which validates them too (tests/terraform/test_examples.py).
ROOTS = [environment_dir(env) for env in ALL_ENVIRONMENTS] + [COMPOSITION / "examples" / "basic"]


def validate(directory: Path) -> tuple[str, str]:
    return terraform_in_copy(directory, ["validate"], timeout=120)


@pytest.fixture(scope="module")
def validated() -> dict[Path, tuple[str, str]]:
    """Every root validated, two at a time (each run is a Terraform process and a provider process)."""
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(ROOTS, pool.map(validate, ROOTS), strict=True))


@pytest.mark.parametrize("directory", ROOTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_terraform_validate(directory: Path, validated):
    outcome, output = validated[directory]
    if outcome == "unavailable":
        pytest.skip(output)

    assert outcome == "passed", output
    assert "Warning" not in output, f"validate warns (deprecated attribute?):\n{output}"
