"""Terraform and the package agree: handlers, environment variables, routes, table keys and SSM names.

Everything Terraform-side is read from what `terraform apply` deployed to the emulator (`terraform show -json`
of the state, tests/conftest.py `emulated`): names, ARNs and values exactly as created, not a re-reading of HCL.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import subprocess
import sys
import zipfile

import pytest

from support.terraform import ENVIRONMENTS, ROOT
from workout_log import api
from workout_log.dal import dynamodb as schema
from workout_log.logic.config import parameter_names
from workout_log.models.settings import env_var_names


def handler_module(handler: str):
    module_name, _, function_name = handler.rpartition(".")
    return importlib.import_module(module_name), function_name


def tables_by_variable(deployment) -> dict[str, dict]:
    """The applied table each table-name variable of any function names."""
    tables = {table["values"]["name"]: table["values"] for table in deployment.resources("aws_dynamodb_table")}
    named = {}
    for function in deployment.functions().values():
        for variable, value in function.environment.items():
            if variable.endswith("_TABLE_NAME"):
                assert value in tables, f"{function.name}: {variable}={value} names no table that was created"
                named[variable] = tables[value]
    return named


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_handler_is_in_the_deployable_zip(env, emulated, built_zips):
    names = set(zipfile.ZipFile(built_zips["target"]).namelist())

    for function in emulated[env].deployment.functions().values():
        module_name, _, _ = function.handler.rpartition(".")
        assert module_name.replace(".", "/") + ".py" in names, f"{env}: {function.handler} is not in the zip"
    # Binary wheels are the Lambda platform's (CPython 3.13 on aarch64), not this machine's.
    assert any("pydantic_core/_pydantic_core.cpython-313-aarch64-linux-gnu.so" in n for n in names)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_deployed_code_is_the_built_zip(env, emulated, built_zips):
    """source_code_hash in the state is the zip's base64 SHA-256, so Lambda runs exactly what `make build` made."""
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(built_zips["target"].read_bytes()).digest()).decode()
    for function in emulated[env].deployment.resources("aws_lambda_function"):
        assert function["values"]["source_code_hash"] == digest
        assert function["values"]["runtime"] == "python3.13"
        assert function["values"]["architectures"] == ["arm64"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_handler_imports_from_the_zip_alone(env, emulated, built_zips):
    """A fresh interpreter without site-packages imports each handler from the zip's contents and finds it
    callable (boto3 is not needed at import: the handlers create AWS clients on first use)."""
    for function in emulated[env].deployment.functions().values():
        module_name, _, function_name = function.handler.rpartition(".")
        code = (
            f"import sys; sys.path.insert(0, {str(built_zips['host_extracted'])!r}); import importlib; "
            f"m = importlib.import_module({module_name!r}); assert callable(getattr(m, {function_name!r})); "
            f"assert m.__file__.startswith({str(built_zips['host_extracted'])!r})"
        )
        result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{env}: {function.handler}: {result.stderr[-2000:]}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_function_gets_exactly_the_variables_its_code_reads(env, emulated):
    for function in emulated[env].deployment.functions().values():
        module, _ = handler_module(function.handler)

        assert set(function.environment) == env_var_names(module.SETTINGS), f"{env}: {function.name}"
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
def test_routes_in_terraform_are_the_routes_the_package_serves(env, emulated):
    deployment = emulated[env].deployment
    deployed = deployment.routes()
    served = {f"{method} {path}" for path, methods in api.ROUTES.items() for method in methods}
    document = json.loads((ROOT / "docs" / "openapi.json").read_text())
    documented = {f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item}

    assert set(deployed) == served == documented
    for route, function in deployed.items():
        method, path = route.split(" ", 1)
        module, _ = handler_module(function.handler)
        handled = {(rule.replace("<", "{").replace(">", "}"), methods) for rule, methods, *_ in module.router._routes}
        assert any(rule == path and method in methods for rule, methods in handled), f"{env}: {route} -> {function}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_api_gateway_may_invoke_each_function_for_its_routes_only(env, emulated):
    deployment = emulated[env].deployment
    (rest_api,) = deployment.resources("aws_api_gateway_rest_api")
    granted = {
        (p["values"]["function_name"], p["values"]["qualifier"], p["values"]["source_arn"])
        for p in deployment.resources("aws_lambda_permission")
    }

    expected = set()
    for route, function in deployment.routes().items():
        method, path = route.split(" ", 1)
        wildcard_path = "/".join("*" if part.startswith("{") else part for part in path.split("/"))
        expected.add((function.name, "live", f"{rest_api['values']['execution_arn']}/*/{method}{wildcard_path}"))
    # Granted on the alias the integrations invoke, never on the unqualified function ($LATEST).
    assert granted == expected


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_api_and_the_stream_invoke_each_functions_alias_on_the_version_terraform_published(env, emulated):
    """A bad release is rolled back by pointing the alias at the previous version: that works only if every caller
    invokes the alias, and the alias is where Terraform left it (Lambda's own answer, not the state's)."""
    deployment = emulated[env].deployment
    lambda_client = emulated[env].emulator.client("lambda")
    functions = {f["values"]["function_name"]: f["values"] for f in deployment.resources("aws_lambda_function")}
    aliases = {a["values"]["function_name"]: a["values"] for a in deployment.resources("aws_lambda_alias")}
    (rest_api,) = deployment.resources("aws_api_gateway_rest_api")
    invoked = {
        operation["x-amazon-apigateway-integration"]["uri"]
        for methods in json.loads(rest_api["values"]["body"])["paths"].values()
        for operation in methods.values()
    }
    (mapping,) = deployment.resources("aws_lambda_event_source_mapping")

    assert set(aliases) == set(functions)
    routed = {function.name for function in deployment.routes().values()}
    assert invoked == {aliases[name]["invoke_arn"] for name in routed}
    assert mapping["values"]["function_arn"] == aliases[f"workout-log-{env}-publish"]["arn"]
    for name, alias in aliases.items():
        published = functions[name]["version"]
        assert published.isdigit() and alias["function_version"] == published, name
        assert lambda_client.get_alias(FunctionName=name, Name="live")["FunctionVersion"] == published
    assert {p["values"]["principal"] for p in deployment.resources("aws_lambda_permission")} == {
        "apigateway.amazonaws.com"
    }


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_writes_go_to_the_write_function_and_reads_to_the_read_only_one(env, emulated):
    for route, function in emulated[env].deployment.routes().items():
        method = route.split(" ", 1)[0]
        assert function.call == ("workout_stats" if method == "GET" else "process_workout"), route


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_invoke_policies_grant_exactly_their_routes(env, emulated):
    """user_invoke_policy_json: every route but the operator lookup; operator_invoke_policy_json: that one only;
    each route's ARN in this stage, path parameters as *."""
    from workout_log import api

    deployment = emulated[env].deployment
    outputs = deployment.outputs["workout_log"]
    (rest_api,) = deployment.resources("aws_api_gateway_rest_api")
    (stage,) = deployment.resources("aws_api_gateway_stage")

    def arn(route: str) -> str:
        method, path = route.split(" ", 1)
        wildcard = "/".join("*" if part.startswith("{") else part for part in path.split("/"))
        return f"{rest_api['values']['execution_arn']}/{stage['values']['stage_name']}/{method}{wildcard}"

    def granted(document: str) -> set[str]:
        (statement,) = json.loads(document)["Statement"]
        assert statement["Effect"] == "Allow" and statement["Action"] == "execute-api:Invoke"
        return set(statement["Resource"]) if isinstance(statement["Resource"], list) else {statement["Resource"]}

    operator = {f"GET {api.TYPE_WORKOUTS_PATH}"}
    every = {f"{method} {path}" for path, methods in api.ROUTES.items() for method in methods}
    assert granted(outputs["user_invoke_policy_json"]) == {arn(route) for route in every - operator}
    assert granted(outputs["operator_invoke_policy_json"]) == {arn(route) for route in operator}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_table_keys_index_and_types_are_the_ones_the_package_uses(env, emulated):
    tables = tables_by_variable(emulated[env].deployment)
    workouts, stats, idempotency = (
        tables[v] for v in ("WORKOUTS_TABLE_NAME", "STATS_TABLE_NAME", "IDEMPOTENCY_TABLE_NAME")
    )
    attribute_types = {a["name"]: a["type"] for a in workouts["attribute"]}
    (index,) = workouts["global_secondary_index"]

    assert (workouts["hash_key"], workouts["range_key"]) == (schema.WORKOUTS_PARTITION_KEY, schema.WORKOUTS_SORT_KEY)
    assert index["name"] == schema.TYPE_INDEX_NAME
    assert (index["hash_key"], index["range_key"]) == (schema.TYPE_INDEX_PARTITION_KEY, schema.WORKOUTS_SORT_KEY)
    assert attribute_types == {
        schema.WORKOUTS_PARTITION_KEY: "S",
        schema.WORKOUTS_SORT_KEY: "S",
        schema.TYPE_INDEX_PARTITION_KEY: "S",
    }
    assert stats["hash_key"] == schema.STATS_PARTITION_KEY
    persistence = inspect.signature(
        importlib.import_module("aws_lambda_powertools.utilities.idempotency").DynamoDBPersistenceLayer.__init__
    ).parameters
    assert idempotency["hash_key"] == persistence["key_attr"].default
    assert idempotency["ttl"] == [{"attribute_name": persistence["expiry_attr"].default, "enabled": True}]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_both_functions_name_the_same_tables_and_shards(env, emulated):
    deployment = emulated[env].deployment
    functions = deployment.functions()
    tables_by_variable(deployment)  # every *_TABLE_NAME names a created table

    for variable in ("WORKOUTS_TABLE_NAME", "STATS_TABLE_NAME"):
        named = [f.environment[variable] for f in functions.values() if variable in f.environment]
        assert len(named) >= 2 and len(set(named)) == 1, variable
    shards = {
        f.environment["WORKOUT_TYPE_SHARDS"] for f in functions.values() if "WORKOUT_TYPE_SHARDS" in f.environment
    }
    assert shards, "no function learns the index's shard count"
    assert shards == {str(deployment.module_input("workout_log", "type_index_shards"))}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_ssm_parameters_are_the_ones_the_code_fetches(env, emulated):
    deployment = emulated[env].deployment
    created = {parameter["values"]["name"] for parameter in deployment.resources("aws_ssm_parameter")}
    prefixes = {f.environment["CONFIG_PARAMETER_PREFIX"] for f in deployment.functions().values()
                if "CONFIG_PARAMETER_PREFIX" in f.environment}  # fmt: skip

    (prefix,) = prefixes
    assert created == set(parameter_names(prefix))


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_change_events_flow_from_the_workouts_stream_to_the_bus_and_failures_to_an_alarmed_queue(env, emulated):
    deployment = emulated[env].deployment
    ((mapping, publisher),) = deployment.stream_mappings()
    workouts = next(
        t["values"] for t in deployment.resources("aws_dynamodb_table") if t["values"]["name"].endswith("-workouts")
    )
    (queue,) = [q["values"] for q in deployment.resources("aws_sqs_queue") if q["values"]["arn"] == mapping.on_failure]
    (alarm,) = [a["values"] for a in deployment.resources("aws_cloudwatch_metric_alarm")
                if a["values"]["dimensions"] == {"QueueName": queue["name"]}]  # fmt: skip
    (topic,) = [t["values"]["arn"] for t in deployment.resources("aws_sns_topic")]

    assert mapping.stream_arn == workouts["stream_arn"] and workouts["stream_view_type"] == "NEW_AND_OLD_IMAGES"
    assert (mapping.report_failures, mapping.bisect, mapping.maximum_retry_attempts > 0) == (True, True, True)
    assert publisher.environment["EVENT_BUS_NAME"] in deployment.event_buses()
    assert publisher.environment["EVENT_SOURCE"] == f"workout-log.{env}"
    assert queue["sqs_managed_sse_enabled"] or queue["kms_master_key_id"], "the dead-letter queue is encrypted"
    assert alarm["alarm_actions"] == [topic] and alarm["threshold"] == 0
