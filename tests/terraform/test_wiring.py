"""Module wiring of every environment and module example, checked by Terraform itself, offline."""

from __future__ import annotations

import pytest

from support.terraform import (
    ALL_ENVIRONMENTS as ENVIRONMENTS,
)
from support.terraform import (
    COMPOSITION,
    MODULE_NAMES,
    MODULES,
    ROOT,
    environment_dir,
    load_module_calls,
    load_root,
    module_outputs,
    module_source,
    module_variables,
    parse_dir,
    traversals,
    unquote,
)

META_ARGUMENTS = {"source", "version", "providers", "count", "for_each", "depends_on"}


CALLERS = {f"environments/{env}": environment_dir(env) for env in ENVIRONMENTS} | {"modules/workout-log": COMPOSITION}


def load_callers(name: str):
    return load_root(CALLERS[name]) if name.startswith("environments/") else load_module_calls(CALLERS[name])


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_environment_is_one_call_of_the_composition_without_links(env: str):
    config = load_root(environment_dir(env))

    assert {name: module_source(call, environment_dir(env)) for name, call in config["ModuleCalls"].items()} == {
        "workout_log": "workout-log"
    }
    links = [str(p.relative_to(ROOT)) for p in environment_dir(env).iterdir() if p.is_symlink()]
    assert links == [], "environments hold real files: links break on Windows checkouts and in some tools"


def test_the_composition_calls_the_generic_modules():
    config = load_module_calls(COMPOSITION)

    assert {name: module_source(call, COMPOSITION) for name, call in config["ModuleCalls"].items()} == {
        "config": "config",
        "workouts_table": "dynamodb",
        "user_stats_table": "dynamodb",
        "idempotency_table": "dynamodb",
        "process_workout": "lambda",
        "workout_stats": "lambda",
        "api": "api",
        "change_events": "stream-events",
        "monitoring": "monitoring",
    }


@pytest.mark.parametrize("module", ["config", "dynamodb", "stream-events"])
def test_the_generic_modules_know_nothing_of_this_application(module: str):
    for path in (MODULES / module).glob("*.tf"):
        text = path.read_text().lower()
        for word in ("workout", "userid", "stats"):
            assert word not in text, f"{path.relative_to(ROOT)} names {word!r}"


@pytest.mark.parametrize("caller", CALLERS)
def test_every_module_call_passes_declared_and_required_variables(caller: str):
    config = load_callers(caller)

    for name, call in config["ModuleCalls"].items():
        module = module_source(call, CALLERS[caller])
        declared = module_variables(module)
        passed = set(call["Config"]["Attributes"]) - {
            "source",
            "version",
            "providers",
            "count",
            "for_each",
            "depends_on",
        }
        assert passed - set(declared) == set(), f"{caller}: module {name} passes undeclared variables"
        missing = {v for v, required in declared.items() if required} - passed
        assert missing == set(), f"{caller}: module {name} misses required variables"


GUARDRAILS = ("role_permissions_boundary", "role_path")


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_every_role_a_module_creates_takes_the_callers_boundary_and_path(module: str):
    """Organisations whose service control policies demand a permissions boundary can apply every module: each role
    takes both from the module's variables, and a module that calls others passes both to each call that has them,
    so a role added later cannot miss them."""
    roles = [(unquote(label), body) for block in parse_dir(MODULES / module).get("resource", [])
             for kind, resources in block.items() if unquote(kind) == "aws_iam_role"
             for label, body in resources.items()]  # fmt: skip
    for label, body in roles:
        assert (body.get("permissions_boundary"), body.get("path")) == (
            "${var.role_permissions_boundary}", "${var.role_path}"
        ), f"{module}: aws_iam_role.{label} does not take role_permissions_boundary and role_path"  # fmt: skip

    blocks = parse_dir(MODULES / module).get("module", [])
    calls = {unquote(name): body for block in blocks for name, body in block.items()}
    callees = {name: (MODULES / module / unquote(body["source"])).resolve().name for name, body in calls.items()}
    takes_guardrails = {name: set(GUARDRAILS) <= set(module_variables(callee)) for name, callee in callees.items()}
    if roles or any(takes_guardrails.values()):
        assert set(GUARDRAILS) <= set(module_variables(module)), f"{module} makes roles but takes no {GUARDRAILS}"
    for name, body in calls.items():
        if takes_guardrails[name]:
            passed = {variable: body.get(variable) for variable in GUARDRAILS}
            assert passed == {v: f"${{var.{v}}}" for v in GUARDRAILS}, f"{module}: module {name} is not given them"


# The environments refer to their module call as a whole (test_each_environment_outputs_everything_...).
@pytest.mark.parametrize("caller", ["modules/workout-log"])
def test_every_module_output_a_caller_uses_exists(caller: str):
    config = load_callers(caller)
    sources = {name: module_source(call, CALLERS[caller]) for name, call in config["ModuleCalls"].items()}

    used = {(ref[1], ref[2]) for ref in traversals(config) if len(ref) >= 3 and ref[0] == "module"}

    assert used, "no module output is referenced at all"
    for call, output in sorted(used):
        assert call in sources, f"{caller}: module.{call} is not declared"
        assert output in module_outputs(sources[call]), f"{caller}: module.{call}.{output} does not exist"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_environment_outputs_everything_the_composition_outputs(env: str):
    """One output per root, the whole module call: a new output of the composition reaches every environment without
    a copy per environment."""
    config = load_root(environment_dir(env))

    (name,) = config["Outputs"]
    assert name == "workout_log"
    assert [ref[:2] for ref in traversals(config["Outputs"][name])] == [["module", "workout_log"]]
    assert {
        "post_workouts_url",
        "get_stats_url",
        "workouts_table_name",
        "process_workout_function_arn",
        "workout_stats_function_arn",
        "dashboard_url",
    } <= module_outputs("workout-log")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_everything_an_environment_sets_is_in_its_main_tf(env: str):
    """A reader sees how dev, staging and prod differ in one file each: no variables, tfvars or other settings."""
    files = sorted(p.name for p in environment_dir(env).iterdir() if p.name.endswith((".tf", ".tfvars", ".tf.json")))
    config = load_root(environment_dir(env))

    assert files == ["main.tf", "outputs.tf", "variables.tf"]
    assert config["Variables"] == {}
    assert not [line for line in (environment_dir(env) / "variables.tf").read_text().splitlines()
                if line.strip() and not line.startswith("#")]  # fmt: skip


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_every_module_has_the_standard_files_and_documents_each_variable(module: str):
    folder = MODULES / module
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md", "examples/basic/main.tf"):
        assert (folder / name).is_file(), f"{module} lacks {name}"
    assert list((folder / "tests").glob("*.tftest.hcl")), f"{module} has no terraform test"
    readme = (folder / "README.md").read_text()
    assert "<!-- BEGIN_TF_DOCS -->" in readme
    for variable in module_variables(module):
        assert f'<a name="input_{variable}"></a>' in readme, f"{module}/README.md does not document {variable}"
    for output in module_outputs(module):
        assert f'<a name="output_{output}"></a>' in readme, f"{module}/README.md does not document output {output}"
