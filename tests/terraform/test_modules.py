"""`terraform test` of every module (modules/<name>/tests/*.tftest.hcl) with the bundled Terraform core and a
mocked aws provider: key schemas, auto scaling defaults, AWS_IAM on every method, alarm thresholds, the function's
policy, and `expect_failures` for each validation rule. Each module runs in a copy, so that no .terraform folder
is written into the repository."""

from __future__ import annotations

import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tfconfig import MODULE_NAMES, MODULES
from workout_local.terraform import PROVIDER_DOWNLOAD_ERRORS, provider_unavailable_reason, run


def terraform_test(module: str) -> tuple[str, str]:
    with tempfile.TemporaryDirectory(prefix="tf-test-") as scratch:
        ignored = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*")
        shutil.copytree(MODULES, Path(scratch) / "modules", ignore=ignored)
        folder = Path(scratch) / "modules" / module
        init = run(["init", "-backend=false", "-input=false", "-no-color"], cwd=folder, timeout=120, check=False)
        output = init.stdout + init.stderr
        if init.returncode != 0:
            unavailable = any(error in output for error in PROVIDER_DOWNLOAD_ERRORS)
            return ("unavailable", provider_unavailable_reason(output)) if unavailable else ("failed", output)
        result = run(["test", "-no-color"], cwd=folder, timeout=300, check=False)
        return ("passed" if result.returncode == 0 else "failed"), result.stdout + result.stderr


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
