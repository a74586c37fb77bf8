"""`terraform validate`, with the real hashicorp/aws provider, of what users copy: the usage snippet of every module
README (each a module of its own in one root, its pinned `?ref=` source pointed at this checkout's module) and the
composition's example. One `terraform init` for all of them. The environments and every other module example are
planned and applied (tests/support/stack.py `emulated`, tests/terraform/test_examples.py), which validates them
too; tests/terraform/test_apply.py checks those plans print no warning.

The provider comes from wherever `workout_local.terraform` finds it (a filesystem mirror, else the registry through
a plugin cache); the validation is skipped, with the reason, only where neither exists.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from support.terraform import MODULE_NAMES, MODULES, ROOT

# How a README pins a module: the form users write, with the release they take.
PINNED_SOURCE = re.compile(
    r'source(\s*)= "github\.com/your-org/workout-log-platform//modules/([a-z-]+)\?ref=v([0-9.]+)"'
)


def usage_snippet(module: str) -> str:
    """The HCL block under the README's "## Usage" heading."""
    readme = (MODULES / module / "README.md").read_text()
    found = re.search(r"^## Usage\n(?:(?!^## ).)*?^```hcl\n(.*?)^```$", readme, flags=re.DOTALL | re.MULTILINE)
    assert found, f"modules/{module}/README.md has no ```hcl block under ## Usage"
    return found.group(1)


def newest_release() -> str | None:
    headings = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", (ROOT / "CHANGELOG.md").read_text(), flags=re.MULTILINE)
    return headings[0] if headings else None


@pytest.fixture(scope="module")
def snippets_root(tmp_path_factory) -> Path:
    """A root calling each README snippet (rewritten to this checkout's modules) and the composition's example."""
    work = tmp_path_factory.mktemp("readme-usage")
    shutil.copytree(MODULES, work / "modules", ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    root = work / "root"
    calls = ['module "composition_example" {\n  source = "../modules/workout-log/examples/basic"\n}\n']
    for module in MODULE_NAMES:
        folder = root / "readme" / module
        folder.mkdir(parents=True)
        local = lambda m: f'source{m.group(1)}= "../../../modules/{m.group(2)}"'  # noqa: E731
        (folder / "main.tf").write_text(PINNED_SOURCE.sub(local, usage_snippet(module)))
        calls.append(f'module "readme_{module.replace("-", "_")}" {{\n  source = "./readme/{module}"\n}}\n')
    (root / "main.tf").write_text("\n".join(calls))
    return root


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_the_readme_usage_pins_this_module_at_the_current_release(module: str):
    pinned = PINNED_SOURCE.findall(usage_snippet(module))

    assert module in {name for _, name, _ in pinned}, f"modules/{module}/README.md: the usage does not call {module}"
    unpinned = re.findall(r"^\s*source\s*=.*$", PINNED_SOURCE.sub("", usage_snippet(module)), flags=re.MULTILINE)
    assert unpinned == [], f"modules/{module}/README.md: every source in a usage is a pinned release"
    release = newest_release()
    if release is not None:
        # A module the unreleased changes add pins the release that will first hold it: the next major when a change
        # is marked breaking (it asks callers to change their configuration), else the next minor.
        unreleased = (ROOT / "CHANGELOG.md").read_text().split("## [Unreleased]", 1)[1].split("\n## [", 1)[0]
        major, minor, _ = release.split(".")
        following = f"{int(major) + 1}.0.0" if "- **Breaking**" in unreleased else f"{major}.{int(minor) + 1}.0"
        expected = following if f"Module `{module}`" in unreleased else release
        assert {version for _, _, version in pinned} == {expected}, f"modules/{module}/README.md pins another release"


def test_every_readme_usage_and_the_composition_example_validate(snippets_root: Path):
    from workout_local.terraform import PROVIDER_DOWNLOAD_ERRORS, provider_unavailable_reason, run

    init = run(["init", "-backend=false", "-input=false", "-no-color"], cwd=snippets_root, timeout=180, check=False)
    if init.returncode != 0 and any(error in init.stdout + init.stderr for error in PROVIDER_DOWNLOAD_ERRORS):
        pytest.skip(provider_unavailable_reason(init.stdout + init.stderr))
    assert init.returncode == 0, init.stdout + init.stderr
    validated = run(["validate", "-no-color"], cwd=snippets_root, timeout=180, check=False)

    output = validated.stdout + validated.stderr
    assert validated.returncode == 0, output
    assert "Warning" not in output, f"validate warns (deprecated attribute?):\n{output}"


def test_every_readme_usage_is_formatted(snippets_root: Path):
    from workout_local.terraform import run

    formatted = run(["fmt", "-check", "-diff", "-recursive", "readme"], cwd=snippets_root, timeout=60, check=False)

    assert formatted.returncode == 0, f"a README usage is not `terraform fmt` clean:\n{formatted.stdout}"
