"""Module READMEs carry current inputs and outputs tables."""

from __future__ import annotations

import subprocess
import sys

from tfconfig import ROOT


def test_module_readme_tables_are_current():
    result = subprocess.run(
        [sys.executable, "scripts/module_docs.py", "--check"], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, f"run `python scripts/module_docs.py`:\n{result.stdout}"


def test_terraform_files_are_formatted():
    result = subprocess.run(
        [sys.executable, "scripts/terraform.py", "fmt-check", "modules", "environments"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, f"run `make fmt`:\n{result.stdout}{result.stderr}"
