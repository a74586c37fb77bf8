"""`terraform validate` of the composition's example with the real hashicorp/aws provider. The environments and
every other module example are planned and applied (tests/conftest.py `emulated`, tests/terraform/test_examples.py),
which validates them too; tests/terraform/test_apply.py checks those plans print no warning.

The provider comes from wherever `workout_local.terraform` finds it (a filesystem mirror, else the registry through
a plugin cache); the validation is skipped, with the reason, only where neither exists.
"""

from __future__ import annotations

import pytest

from tfconfig import COMPOSITION, terraform_in_copy


def test_the_composition_example_validates():
    outcome, output = terraform_in_copy(COMPOSITION / "examples" / "basic", ["validate"], timeout=120)
    if outcome == "unavailable":
        pytest.skip(output)

    assert outcome == "passed", output
    assert "Warning" not in output, f"validate warns (deprecated attribute?):\n{output}"
