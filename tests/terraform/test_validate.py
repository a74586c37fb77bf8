"""`terraform validate` of every environment and module example with the real hashicorp/aws provider.

The provider comes from wherever `workout_local.terraform` finds it (a filesystem mirror, else the registry through
a plugin cache); the validation is skipped, with the reason, only where neither exists.
"""

from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tfconfig import ALL_ENVIRONMENTS, COMPOSITION, ROOT, environment_dir
from workout_local.terraform import PROVIDER_DOWNLOAD_ERRORS, provider_unavailable_reason, run

# The other module examples are applied, which validates them too (tests/terraform/test_examples.py).
ROOTS = [environment_dir(env) for env in ALL_ENVIRONMENTS] + [COMPOSITION / "examples" / "basic"]


def validate(directory: Path) -> tuple[str, str]:
    """("valid" | "invalid" | "unavailable", output) for one root, in a copy of the repo (links resolved)."""
    with tempfile.TemporaryDirectory(prefix="tf-validate-") as scratch:
        copy = Path(scratch)
        ignored = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*")
        shutil.copytree(ROOT / "modules", copy / "modules", ignore=ignored)
        shutil.copytree(ROOT / "environments", copy / "environments", ignore=ignored)
        target = copy / directory.relative_to(ROOT)
        init = run(["init", "-backend=false", "-input=false", "-no-color"], cwd=target, timeout=120, check=False)
        output = init.stdout + init.stderr
        if init.returncode != 0:
            unavailable = any(error in output for error in PROVIDER_DOWNLOAD_ERRORS)
            return ("unavailable", provider_unavailable_reason(output)) if unavailable else ("invalid", output)
        result = run(["validate", "-no-color"], cwd=target, timeout=120, check=False)
        return ("valid" if result.returncode == 0 else "invalid"), result.stdout + result.stderr


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

    assert outcome == "valid", output
    assert "Warning" not in output, f"validate warns (deprecated attribute?):\n{output}"
