"""Module wiring of every environment and module example, checked by Terraform itself, offline."""

from __future__ import annotations

import pytest

from tfconfig import (
    ALL_ENVIRONMENTS as ENVIRONMENTS,
)
from tfconfig import (
    MODULE_NAMES,
    MODULES,
    environment_dir,
    load_root,
    module_outputs,
    module_source,
    module_variables,
    traversals,
)

META_ARGUMENTS = {"source", "version", "providers", "count", "for_each", "depends_on"}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_module_call_passes_declared_and_required_variables(env: str):
    config = load_root(environment_dir(env))

    assert set(config["ModuleCalls"]) == {"config", "dynamodb", "process_workout", "workout_stats", "api", "monitoring"}
    for name, call in config["ModuleCalls"].items():
        module = module_source(call, environment_dir(env))
        declared = module_variables(module)
        passed = set(call["Config"]["Attributes"]) - {
            "source",
            "version",
            "providers",
            "count",
            "for_each",
            "depends_on",
        }
        assert passed - set(declared) == set(), f"{env}: module {name} passes undeclared variables"
        missing = {v for v, required in declared.items() if required} - passed
        assert missing == set(), f"{env}: module {name} misses required variables"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_module_output_an_environment_uses_exists(env: str):
    config = load_root(environment_dir(env))
    sources = {name: module_source(call, environment_dir(env)) for name, call in config["ModuleCalls"].items()}

    used = {(ref[1], ref[2]) for ref in traversals(config) if len(ref) >= 3 and ref[0] == "module"}

    assert used, "no module output is referenced at all"
    for call, output in sorted(used):
        assert call in sources, f"{env}: module.{call} is not declared"
        assert output in module_outputs(sources[call]), f"{env}: module.{call}.{output} does not exist"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_environment_outputs_include_what_users_need(env: str):
    outputs = set(load_root(environment_dir(env))["Outputs"])

    assert {
        "post_workouts_url",
        "get_stats_url",
        "workouts_table_name",
        "process_workout_function_arn",
        "workout_stats_function_arn",
        "dashboard_url",
    } <= outputs


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_every_module_has_the_standard_files_and_documents_each_variable(module: str):
    folder = MODULES / module
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md", "examples/basic/main.tf"):
        assert (folder / name).is_file(), f"{module} lacks {name}"
    readme = (folder / "README.md").read_text()
    assert "<!-- BEGIN_TF_DOCS -->" in readme
    for variable in module_variables(module):
        assert f"`{variable}`" in readme, f"{module}/README.md does not document {variable}"
    for output in module_outputs(module):
        assert f"`{output}`" in readme, f"{module}/README.md does not document output {output}"
