"""`terraform test` of every module (modules/<name>/tests/*.tftest.hcl) with the bundled Terraform core and a
mocked aws provider: key schemas, auto scaling defaults, AWS_IAM on every method, alarm thresholds, the function's
policy, and `expect_failures` for each validation rule. Each module runs in a copy, so that no .terraform folder
is written into the repository."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from support.terraform import MODULE_NAMES, MODULES, terraform_in_copy

# One worker runs every module's `terraform test` (the fixture below), not each worker that gets one of the tests.
pytestmark = pytest.mark.xdist_group("terraform-modules")


def terraform_test(module: str) -> tuple[str, str]:
    return terraform_in_copy(MODULES / module, ["test"], timeout=300)


@pytest.fixture(scope="module")
def tested() -> dict[str, tuple[str, str]]:
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(MODULE_NAMES, pool.map(terraform_test, MODULE_NAMES), strict=True))


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_terraform_test_passes(module: str, tested):
    outcome, output = tested[module]
    if outcome == "unavailable":
        pytest.skip(output)

    assert outcome == "passed", output
    summary = re.search(r"Success! (\d+) passed, 0 failed", output)
    assert summary and int(summary.group(1)) >= 5, f"{module}: too few runs:\n{output}"
