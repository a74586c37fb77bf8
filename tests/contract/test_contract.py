"""Terraform and the package agree: handlers, environment variables, routes, table keys and SSM names."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import subprocess
import sys
import zipfile

import pytest
from rendering import environment, module_locals, module_resources

from tfconfig import ENVIRONMENTS, ROOT, unquote
from workout_log import api
from workout_log.dal import dynamodb as schema
from workout_log.logic.config import parameter_names
from workout_log.models.settings import env_var_names


def handler_module(handler: str):
    module_name, _, function_name = handler.rpartition(".")
    return importlib.import_module(module_name), function_name


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_handler_is_in_the_deployable_zip(env, built_zips):
    names = set(zipfile.ZipFile(built_zips["target"]).namelist())

    for function in environment(env).functions().values():
        module_name, _, _ = function.handler.rpartition(".")
        assert module_name.replace(".", "/") + ".py" in names, f"{env}: {function.handler} is not in the zip"
    # Binary wheels are the Lambda platform's (CPython 3.13 on aarch64), not this machine's.
    assert any("pydantic_core/_pydantic_core.cpython-313-aarch64-linux-gnu.so" in n for n in names)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_handler_imports_from_the_zip_alone(env, built_zips):
    """A fresh interpreter without site-packages imports each handler from the zip's contents and finds it
    callable (boto3 is not needed at import: the handlers create AWS clients on first use)."""
    for function in environment(env).functions().values():
        module_name, _, function_name = function.handler.rpartition(".")
        code = (
            f"import sys; sys.path.insert(0, {str(built_zips['host_extracted'])!r}); import importlib; "
            f"m = importlib.import_module({module_name!r}); assert callable(getattr(m, {function_name!r})); "
            f"assert m.__file__.startswith({str(built_zips['host_extracted'])!r})"
        )
        result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{env}: {function.handler}: {result.stderr[-2000:]}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_function_gets_exactly_the_variables_its_code_reads(env):
    for function in environment(env).functions().values():
        module, _ = handler_module(function.handler)

        assert set(function.environment) == env_var_names(module.SETTINGS), f"{env}: {function.call}"
        module.SETTINGS.model_validate(function.environment)  # and the values parse


def test_the_package_reads_no_other_environment_variable():
    """Settings models are the only place the package reads the environment (plus the local tracing switch)."""
    allowed_outside_settings = {"POWERTOOLS_TRACE_DISABLED"}
    package = ROOT / "lambda" / "src" / "workout_log"
    read = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
                target = ast.unparse(node.func)
                if target in ("os.environ.get", "os.getenv") and isinstance(node.args[0], ast.Constant):
                    read.add((path.name, node.args[0].value))
            if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
                read.add((path.name, ast.unparse(node.slice)))

    assert {name for _, name in read} <= allowed_outside_settings


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_routes_in_terraform_are_the_routes_the_package_serves(env):
    rendered = environment(env)
    served = {f"{method} {path}" for path, methods in api.ROUTES.items() for method in methods}
    document = json.loads((ROOT / "docs" / "openapi.json").read_text())
    documented = {f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item}

    assert set(rendered.routes()) == served == documented
    functions = rendered.functions()
    for route, call in rendered.routes().items():
        method, path = route.split(" ", 1)
        module, _ = handler_module(functions[call].handler)
        handled = {(rule.replace("<", "{").replace(">", "}"), methods) for rule, methods, *_ in module.router._routes}
        assert any(rule == path and method in methods for rule, methods in handled), f"{env}: {route} -> {call}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_table_keys_index_and_types_are_the_ones_the_package_uses(env):
    tables = module_resources(environment(env).module_folder("dynamodb"))
    workouts, stats, idempotency = (
        tables[("aws_dynamodb_table", label)] for label in ("workouts", "user_stats", "idempotency")
    )
    attribute_types = {unquote(a["name"]): unquote(a["type"]) for a in workouts["attribute"]}
    index = workouts["global_secondary_index"][0]
    index_name = unquote(module_locals("dynamodb")["type_index_name"])

    assert (unquote(workouts["hash_key"]), unquote(workouts["range_key"])) == (
        schema.WORKOUTS_PARTITION_KEY,
        schema.WORKOUTS_SORT_KEY,
    )
    assert index_name == schema.TYPE_INDEX_NAME
    assert (unquote(index["hash_key"]), unquote(index["range_key"])) == (
        schema.TYPE_INDEX_PARTITION_KEY,
        schema.WORKOUTS_SORT_KEY,
    )
    assert attribute_types == {
        schema.WORKOUTS_PARTITION_KEY: "S",
        schema.WORKOUTS_SORT_KEY: "S",
        schema.TYPE_INDEX_PARTITION_KEY: "S",
    }
    assert unquote(stats["hash_key"]) == schema.STATS_PARTITION_KEY
    persistence = inspect.signature(
        importlib.import_module("aws_lambda_powertools.utilities.idempotency").DynamoDBPersistenceLayer.__init__
    ).parameters
    assert unquote(idempotency["hash_key"]) == persistence["key_attr"].default
    assert unquote(idempotency["ttl"][0]["attribute_name"]) == persistence["expiry_attr"].default


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_table_variable_names_the_table_with_those_keys(env):
    rendered = environment(env)
    prefix = rendered.module_arguments("dynamodb")["name_prefix"]
    expected = {
        "WORKOUTS_TABLE_NAME": f"{prefix}-workouts",
        "STATS_TABLE_NAME": f"{prefix}-user-stats",
        "IDEMPOTENCY_TABLE_NAME": f"{prefix}-idempotency",
    }
    tables = module_resources("dynamodb")
    assert {unquote(tables[("aws_dynamodb_table", t)]["name"]) for t in ("workouts", "user_stats", "idempotency")} == {
        "${var.name_prefix}-workouts",
        "${var.name_prefix}-user-stats",
        "${var.name_prefix}-idempotency",
    }
    for function in rendered.functions().values():
        for variable, table in expected.items():
            if variable in function.environment:
                assert function.environment[variable] == table, f"{env}: {function.call} {variable}"
        if "WORKOUT_TYPE_SHARDS" in function.environment:
            shards = rendered.module_arguments("dynamodb").get("type_index_shards")
            assert function.environment["WORKOUT_TYPE_SHARDS"] == str(shards)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_ssm_parameters_are_the_ones_the_code_fetches(env):
    rendered = environment(env)
    prefix = rendered.module_arguments("config")["parameter_prefix"]
    created = {
        rendered.resource_name("config", "aws_ssm_parameter", label)
        for (kind, label) in module_resources("config")
        if kind == "aws_ssm_parameter"
    }
    process = rendered.functions()["process_workout"]

    assert process.environment["CONFIG_PARAMETER_PREFIX"] == prefix
    assert created == set(parameter_names(prefix))
