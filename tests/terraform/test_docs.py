"""Module READMEs carry current inputs and outputs tables."""

from __future__ import annotations

import subprocess
import sys

from support.terraform import ROOT


def test_module_readme_tables_are_current():
    result = subprocess.run(
        [sys.executable, "scripts/module_docs.py", "--check"], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, f"run `python scripts/module_docs.py`:\n{result.stdout}"


def test_terraform_files_are_formatted():
    from workout_local.terraform import run

    result = run(["fmt", "-check", "-recursive", "modules", "environments"], cwd=ROOT, timeout=60, check=False)

    assert result.returncode == 0, f"run `make fmt`:\n{result.stdout}{result.stderr}"


def test_terraform_fmt_check_fails_on_an_unformatted_file(tmp_path):
    from workout_local.terraform import run

    (tmp_path / "main.tf").write_text("locals {\n  a = 1\n  bb    = 2\n}\n")

    assert run(["fmt", "-check", "-recursive", str(tmp_path)], cwd=ROOT, timeout=60, check=False).returncode != 0


def test_every_make_command_the_readme_shows_exists():
    """Each `make <target> [VAR=value]` in the README resolves (make -n: the commands are printed, not run)."""
    import re

    readme = (ROOT / "README.md").read_text()
    commands = set(re.findall(r"\bmake ((?:[a-z0-9-]+)(?: [A-Z]+=[^ `.]+)*)", readme))

    assert {"run", "test"} <= {command.split()[0] for command in commands}
    for command in sorted(commands):
        dry = subprocess.run(["make", "-n", *command.split()], cwd=ROOT, capture_output=True, text=True, check=False)
        assert dry.returncode == 0, f"make {command}: {dry.stderr}"


def test_make_help_runs_and_lists_every_target_the_readme_shows():
    import re

    readme = (ROOT / "README.md").read_text()
    shown = {command.split()[0] for command in re.findall(r"\bmake ([a-z0-9-]+)", readme)}
    listed = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    targets = {line.split()[0] for line in listed.splitlines() if line.strip()}

    assert shown <= targets, f"the README shows targets `make help` does not list: {sorted(shown - targets)}"


def test_make_schemas_gives_the_committed_openapi_document():
    """What `make schemas` writes (its recipe, run here with stdout captured) is docs/openapi.json as committed."""
    generated = subprocess.run(
        [sys.executable, "-m", "workout_local.openapi"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert generated == (ROOT / "docs" / "openapi.json").read_text(), "run `make schemas` and commit the result"


def test_make_schemas_gives_the_committed_event_documents():
    from workout_local.event_docs import documents

    for path, text in documents().items():
        assert path.read_text() == text, f"{path.relative_to(ROOT)} is stale: run `make schemas` and commit it"
