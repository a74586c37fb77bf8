"""Each function's IAM policy, rendered from Terraform, proven sufficient and minimal under moto's IAM enforcement,
and scoped to exact resources (checked statically).

How the proof maps AWS onto moto (../shared/FACTS.md and moto 5.2.5's access control):
- moto evaluates every request against resource "*", so the policy given to moto keeps the rendered actions with
  resource "*"; resource scoping is checked statically below.
- moto authorises a transaction as one action, dynamodb:TransactWriteItems, which AWS does not have: AWS authorises
  each item as its underlying PutItem/UpdateItem/DeleteItem/ConditionCheckItem on that item's table ("Using IAM
  with DynamoDB transactions", DynamoDB developer guide). So moto's copy also allows that envelope name.
- Because moto ignores resources, a second check wraps botocore's API call: every DynamoDB and SSM request the code
  makes (each transaction item on its own) must be allowed by the rendered statements, action and exact ARN, as
  AWS would decide. Removing an action from one statement is therefore noticed even when another statement grants
  the same action on another table.
- KMS (for the tables' customer-managed key), CloudWatch Logs and X-Ray are not called by the code under moto;
  their statements are checked statically.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from rendering import ACCOUNT_ID, Environment, Unresolved, environment, module_resources

from helpers import workout
from support import reset_process_state
from tfconfig import ENVIRONMENTS, MODULES, parse_dir, unquote
from workout_local.events import api_event, identity
from workout_local.names import StackNames
from workout_local.provision import provision

DATA_SERVICES = ("dynamodb:", "ssm:")
TRANSACTION_ITEM_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}
USER = "us-east-1:11111111-2222-3333-4444-555555555555"  # a Cognito identity id: valid under either binding


def data_statements(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in statements if any(a.startswith(DATA_SERVICES) for a in s["actions"])]


def allows(statements: list[dict[str, Any]], action: str, resource: str) -> bool:
    return any(
        any(fnmatch.fnmatchcase(action, a) for a in s["actions"])
        and any(fnmatch.fnmatchcase(resource, str(r)) for r in s["resources"])
        for s in statements
    )


def moto_policy(statements: list[dict[str, Any]]) -> dict[str, Any]:
    actions = sorted({a for s in data_statements(statements) for a in s["actions"]})
    if set(actions) & set(TRANSACTION_ITEM_ACTIONS.values()):
        actions.append("dynamodb:TransactWriteItems")  # moto's name for the envelope; items are checked by the hook
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}


def requested(service: str, operation: str, params: dict[str, Any], region: str) -> list[tuple[str, str]]:
    """(action, resource ARN) pairs AWS authorises for one call; a transaction is authorised item by item."""
    table_arn = f"arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/{{}}"
    if service == "dynamodb" and operation == "TransactWriteItems":
        return [
            (TRANSACTION_ITEM_ACTIONS[kind], table_arn.format(body["TableName"]))
            for entry in params["TransactItems"]
            for kind, body in entry.items()
        ]
    if service == "dynamodb":
        arn = table_arn.format(params["TableName"])
        return [(f"dynamodb:{operation}", f"{arn}/index/{params['IndexName']}" if "IndexName" in params else arn)]
    if service == "ssm" and operation == "GetParameter":
        return [("ssm:GetParameter", f"arn:aws:ssm:{region}:{ACCOUNT_ID}:parameter{params['Name']}")]
    return [(f"{service}:{operation}", "*")]


@contextlib.contextmanager
def authorized_by(statements: list[dict[str, Any]], region: str) -> Iterator[None]:
    """Every DynamoDB and SSM call the code makes must be allowed by the statements, action and exact resource."""
    from botocore.client import BaseClient

    original = BaseClient._make_api_call

    def checked(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        service = client.meta.service_model.service_name
        if service in ("dynamodb", "ssm"):
            for action, resource in requested(service, operation, params, region):
                if not allows(statements, action, resource):
                    raise ClientError(
                        {
                            "Error": {
                                "Code": "AccessDeniedException",
                                "Message": f"not authorized: {action} on {resource}",
                            }
                        },
                        operation,
                    )
        return original(client, operation, params)

    BaseClient._make_api_call = checked
    try:
        yield
    finally:
        BaseClient._make_api_call = original


@contextlib.contextmanager
def deployed(env: Environment) -> Iterator[dict[str, str]]:
    """moto holding the environment's tables and parameters, under the environment's own names."""
    from moto import mock_aws

    process = env.functions()["process_workout"].environment
    names = StackNames(
        prefix=process["WORKOUTS_TABLE_NAME"].removesuffix("-workouts"),
        parameter_prefix=process["CONFIG_PARAMETER_PREFIX"],
        shards=int(process["WORKOUT_TYPE_SHARDS"]),
    )
    saved = dict(os.environ)
    with mock_aws():
        provision(lambda service: boto3.client(service, region_name=env.region), names)
        try:
            yield process
        finally:
            os.environ.clear()
            os.environ.update(saved)
            reset_process_state()


@contextlib.contextmanager
def acting_as(env: Environment, call: str, statements: list[dict[str, Any]]) -> Iterator[None]:
    """Credentials of an IAM user holding only `statements` (as moto sees them), and the function's environment."""
    from moto.core.authorization import enable_iam_authentication

    iam = boto3.client("iam", region_name=env.region)
    user = f"{call}-{abs(hash(json.dumps(statements, sort_keys=True, default=str)))}"
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="function", PolicyDocument=json.dumps(moto_policy(statements)))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    os.environ.update(env.functions()[call].environment)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
            "AWS_LAMBDA_FUNCTION_NAME": env.functions()[call].environment.get("POWERTOOLS_SERVICE_NAME", call),
        }
    )
    os.environ.pop("AWS_SESSION_TOKEN", None)
    reset_process_state()
    with enable_iam_authentication(), authorized_by(statements, env.region):
        yield


def invoke(handler: Any, method: str, path: str, body: Any = None, headers: dict | None = None) -> tuple[int, Any]:
    from workout_local.events import LambdaContext

    event = api_event(
        method,
        path,
        body=json.dumps(body) if body is not None else None,
        headers={"Content-Type": "application/json", **(headers or {})},
        caller=identity(cognito_identity_id=USER),
    )
    result = handler(event, LambdaContext(function_name="least-privilege"))
    return result["statusCode"], json.loads(result["body"])


def process_scenario() -> list[str]:
    """Happy paths, an idempotent retry, and a keyed request rejected inside the idempotent section."""
    from workout_log.handlers.process_workout import handler

    outcomes = [
        invoke(handler, "POST", "/workouts", workout(userId=USER)),
        invoke(handler, "POST", "/workouts", workout(userId=USER, caloriesBurned=120), {"Idempotency-Key": "k-1"}),
        invoke(handler, "POST", "/workouts", workout(userId=USER, caloriesBurned=120), {"Idempotency-Key": "k-1"}),
        invoke(handler, "POST", "/workouts", workout(userId=USER, workoutType="curling"), {"Idempotency-Key": "k-2"}),
    ]
    expected = [201, 201, 201, 400]
    problems = [f"step {i}: {status} {body}" for i, ((status, body), want) in enumerate(
        zip(outcomes, expected, strict=True)) if status != want]  # fmt: skip
    if not problems and outcomes[1][1] != outcomes[2][1]:
        problems.append("the retry did not return the first answer")
    return problems


def stats_scenario() -> list[str]:
    from workout_log.handlers.workout_stats import handler

    status, body = invoke(handler, "GET", f"/stats/{USER}")
    if status != 200:
        return [f"{status} {body}"]
    if body["totalWorkouts"] != 2 or body["totalCaloriesBurned"] != 420:
        return [f"wrong totals: {body}"]
    return []


SCENARIOS = {"process_workout": process_scenario, "workout_stats": stats_scenario}


def run(env: Environment, call: str, statements: list[dict[str, Any]]) -> list[str]:
    """Fresh tables; the process scenario (with its full policy) first when testing the stats function."""
    with deployed(env):
        if call == "workout_stats":
            with acting_as(env, "process_workout", env.functions()["process_workout"].statements):
                assert process_scenario() == []
        with acting_as(env, call, statements):
            return SCENARIOS[call]()


def without(statements: list[dict[str, Any]], sid: str, action: str) -> list[dict[str, Any]]:
    trimmed = []
    for statement in statements:
        actions = [a for a in statement["actions"] if not (statement["sid"] == sid and a == action)]
        if actions:
            trimmed.append({**statement, "actions": actions})
    return trimmed


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("call", ["process_workout", "workout_stats"])
def test_the_rendered_policy_is_enough(env, call):
    rendered = environment(env)

    assert run(rendered, call, rendered.functions()[call].statements) == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("call", ["process_workout", "workout_stats"])
def test_every_data_action_is_needed(env, call):
    rendered = environment(env)
    statements = rendered.functions()[call].statements
    unneeded = []
    for statement in data_statements(statements):
        for action in statement["actions"]:
            if not run(rendered, call, without(statements, statement["sid"], action)):
                unneeded.append(f"{statement['sid']}: {action}")

    assert unneeded == [], f"{env} {call}: the scenario passes without these actions"


@pytest.mark.parametrize(
    ("call", "forbidden"),
    [
        ("process_workout", [("scan", "workouts"), ("query", "workouts"), ("get_item", "stats"),
                             ("delete_item", "workouts"), ("delete_item", "stats")]),
        ("workout_stats", [("put_item", "workouts"), ("update_item", "stats"), ("delete_item", "workouts"),
                           ("delete_item", "stats"), ("scan", "workouts"), ("transact_write_items", "workouts")]),
    ],
)  # fmt: skip
def test_what_each_function_cannot_do(call, forbidden):
    rendered = environment("dev")
    tables = {
        "workouts": rendered.functions()["process_workout"].environment["WORKOUTS_TABLE_NAME"],
        "stats": rendered.functions()["process_workout"].environment["STATS_TABLE_NAME"],
    }
    key = {"userId": {"S": USER}, "workoutTimestamp": {"S": "2026-01-01T00:00:00.000000Z#x"}}
    requests = {
        "scan": lambda t: {"TableName": t},
        "query": lambda t: {"TableName": t, "KeyConditionExpression": "userId = :u",
                            "ExpressionAttributeValues": {":u": {"S": USER}}},
        "get_item": lambda t: {"TableName": t, "Key": {"userId": {"S": USER}}},
        "delete_item": lambda t: {"TableName": t, "Key": key if t == tables["workouts"] else {"userId": {"S": USER}}},
        "put_item": lambda t: {"TableName": t, "Item": {**key, "workoutTypeShard": {"S": "running#0"}}},
        "update_item": lambda t: {"TableName": t, "Key": {"userId": {"S": USER}}, "UpdateExpression": "ADD n :n",
                                  "ExpressionAttributeValues": {":n": {"N": "1"}}},
        "transact_write_items": lambda t: {"TransactItems": [{"Put": {"TableName": t, "Item": key}}]},
    }  # fmt: skip
    allowed = []
    with deployed(rendered), acting_as(rendered, call, rendered.functions()[call].statements):
        from workout_log.aws import dynamodb_client

        for operation, table in forbidden:
            try:
                getattr(dynamodb_client(), operation)(**requests[operation](tables[table]))
                allowed.append(f"{operation} on {table}")
            except ClientError as error:
                assert error.response["Error"]["Code"] in ("AccessDenied", "AccessDeniedException"), error

    assert allowed == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_statement_names_exact_resources_of_this_environment(env):
    rendered = environment(env)
    tables = {rendered.resource_arn("dynamodb", "aws_dynamodb_table", t) for t in ("workouts", "user_stats",
                                                                                    "idempotency")}  # fmt: skip
    prefix = rendered.module_arguments("config")["parameter_prefix"]
    ssm_scope = f"arn:aws:ssm:{rendered.region}:{ACCOUNT_ID}:parameter{prefix}/"
    for function in rendered.functions().values():
        for statement in function.statements:
            assert statement["resources"], statement
            for resource in statement["resources"]:
                assert "*" not in str(resource), f"{function.call} {statement['sid']}: wildcard {resource}"
            services = {a.split(":")[0] for a in statement["actions"]}
            assert len(services) == 1, f"{statement['sid']} mixes services"
            (service,) = services
            if service == "dynamodb":
                assert set(statement["resources"]) <= tables, statement
            elif service == "ssm":
                assert all(str(r).startswith(ssm_scope) for r in statement["resources"]), statement
                assert set(statement["actions"]) <= {"ssm:GetParameter"}
            elif service == "kms":
                assert statement["resources"] == [Unresolved("module.dynamodb.kms_key_arn")], statement
                assert set(statement["actions"]) <= {"kms:Decrypt", "kms:GenerateDataKey"}
                assert statement["conditions"] == [
                    {"test": "StringEquals", "variable": "kms:ViaService",
                     "values": [f"dynamodb.{rendered.region}.amazonaws.com"]}
                ]  # fmt: skip
            else:
                pytest.fail(f"{function.call}: unexpected service {service}")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_reads_and_writes_are_split_between_the_functions(env):
    rendered = environment(env)
    functions = rendered.functions()
    workouts = rendered.resource_arn("dynamodb", "aws_dynamodb_table", "workouts")
    stats = rendered.resource_arn("dynamodb", "aws_dynamodb_table", "user_stats")
    process, reader = functions["process_workout"].statements, functions["workout_stats"].statements
    writes = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem")

    for table in (workouts, stats):
        assert not any(allows(reader, action, table) for action in writes)
        assert not allows(process, "dynamodb:GetItem", stats) and not allows(process, "dynamodb:Query", workouts)
        for statements in (process, reader):
            assert not allows(statements, "dynamodb:Scan", table)
            assert not allows(statements, "dynamodb:DeleteItem", table)


def test_the_lambda_module_adds_only_its_own_logs_and_traces():
    documents = {
        unquote(label): body
        for block in parse_dir(MODULES / "lambda")["data"]
        for kind, labelled in block.items()
        if unquote(kind) == "aws_iam_policy_document"
        for label, body in labelled.items()
    }
    policy = documents["this"]
    fixed = {unquote(s["sid"]): s for s in policy["statement"]}
    (passed_through,) = [d['"statement"'] for d in policy["dynamic"]]

    assert set(fixed) == {"WriteOwnLogs", "WriteTraces"}
    assert [unquote(a) for a in fixed["WriteOwnLogs"]["actions"]] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert [unquote(r) for r in fixed["WriteOwnLogs"]["resources"]] == ["${aws_cloudwatch_log_group.this.arn}:*"]
    traces = [unquote(a) for a in fixed["WriteTraces"]["actions"]]
    assert traces == ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    log_group = module_resources("lambda")[("aws_cloudwatch_log_group", "this")]
    assert unquote(log_group["name"]) == "/aws/lambda/${var.function_name}"
    # The caller's statements pass through unchanged: what the environment renders is what the role gets.
    content = passed_through["content"][0]
    assert passed_through["for_each"] == "${var.policy_statements}"
    assert (content["sid"], content["actions"], content["resources"]) == (
        "${statement.value.sid}",
        "${statement.value.actions}",
        "${statement.value.resources}",
    )
