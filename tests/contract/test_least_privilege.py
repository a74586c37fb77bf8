"""Each function's permissions, exactly as Terraform attached them to its role, proven sufficient and minimal with
the emulator enforcing IAM, and scoped to exact resources of the environment.

How: the handlers run in this process with the credentials of the function's own role (STS AssumeRole on the
role `terraform apply` created), against the emulator the environment was applied to, with IAM enforcement on.
The emulator decides as AWS does for DynamoDB and SSM: each request against the table, index or parameter ARN it
names, a transaction item by item (local/workout_local/emulator.py, gap 6). To prove an action is needed, it is
removed from the role's policy in the emulator, the scenario must then fail, and the policy Terraform wrote is put
back (the empty second plan of tests/terraform/test_apply.py would notice a leftover).

KMS (the tables' key), CloudWatch Logs and X-Ray are not called by the code here (the emulator encrypts nothing
on the caller's behalf); their statements are checked statically, on the applied policy documents.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import urllib3
from botocore.exceptions import ClientError

from support.handlers import workout
from support.inprocess import reset_process_state
from support.terraform import ENVIRONMENTS
from workout_local.events import LambdaContext, api_event, identity
from workout_local.server import emulator_environment

DATA_SERVICES = ("dynamodb:", "ssm:")


def admin(emulated, service: str) -> Any:
    return emulated.emulator.client(service)


@contextlib.contextmanager
def iam_enforced(emulated) -> Iterator[None]:
    http = urllib3.PoolManager()
    http.request("POST", f"{emulated.emulator.endpoint}/moto-api/reset-auth", body=b"0")
    try:
        yield
    finally:
        http.request("POST", f"{emulated.emulator.endpoint}/moto-api/reset-auth", body=b"inf")


@contextlib.contextmanager
def policy_of(emulated, function, document: dict[str, Any] | None) -> Iterator[None]:
    """The function's role holds `document` instead of its applied policy (None: unchanged) for the block."""
    if document is None:
        yield
        return
    iam = admin(emulated, "iam")
    (name,) = function.policies
    iam.put_role_policy(RoleName=function.role, PolicyName=name, PolicyDocument=json.dumps(document))
    try:
        yield
    finally:
        iam.put_role_policy(RoleName=function.role, PolicyName=name, PolicyDocument=json.dumps(function.policies[name]))


@contextlib.contextmanager
def acting_as(emulated, function) -> Iterator[None]:
    """The function's environment and its role's temporary credentials, as Lambda gives them."""
    role_arn = next(r["values"]["arn"] for r in emulated.deployment.resources("aws_iam_role")
                    if r["values"]["name"] == function.role)  # fmt: skip
    credentials = admin(emulated, "sts").assume_role(RoleArn=role_arn, RoleSessionName=function.name)["Credentials"]
    saved = dict(os.environ)
    os.environ.update(
        {
            **emulator_environment(emulated.emulator.endpoint, emulated.emulator.region),
            **function.environment,
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": credentials["SessionToken"],
        }
    )
    reset_process_state()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        reset_process_state()


def invoke(handler: Any, user: str, method: str, path: str, body: Any = None, headers: dict | None = None):
    event = api_event(
        method,
        path,
        body=json.dumps(body) if body is not None else None,
        headers={"Content-Type": "application/json", **(headers or {})},
        caller=identity(cognito_identity_id=user),
    )
    result = handler(event, LambdaContext(function_name="least-privilege"))
    return result["statusCode"], json.loads(result["body"])


def process_scenario(user: str) -> list[str]:
    """Happy paths, an idempotent retry, and a keyed request rejected inside the idempotent section."""
    from workout_log.handlers.process_workout import handler

    keyed = "Idempotency-Key"
    outcomes = [
        invoke(handler, user, "POST", "/workouts", workout(userId=user)),
        invoke(handler, user, "POST", "/workouts", workout(userId=user, caloriesBurned=120), {keyed: "k-1"}),
        invoke(handler, user, "POST", "/workouts", workout(userId=user, caloriesBurned=120), {keyed: "k-1"}),
        invoke(handler, user, "POST", "/workouts", workout(userId=user, workoutType="curling"), {keyed: "k-2"}),
    ]
    expected = [201, 201, 201, 400]
    problems = [f"step {i}: {status} {body}" for i, ((status, body), want) in enumerate(
        zip(outcomes, expected, strict=True)) if status != want]  # fmt: skip
    if not problems and outcomes[1][1] != outcomes[2][1]:
        problems.append("the retry did not return the first answer")
    return problems


def stats_scenario(user: str) -> list[str]:
    from workout_log.handlers.workout_stats import handler

    status, body = invoke(handler, user, "GET", f"/stats/{user}")
    if status != 200:
        return [f"{status} {body}"]
    if body["totalWorkouts"] != 2 or body["totalCaloriesBurned"] != 420:
        return [f"wrong totals: {body}"]
    return []


SCENARIOS = {"process_workout": process_scenario, "workout_stats": stats_scenario}


def run(emulated, call: str, document: dict[str, Any] | None = None) -> list[str]:
    """The scenario of `call` under its role (holding `document` if given) for a new user; for the stats function,
    the process scenario runs first, under its own applied policy, to store that user's workouts."""
    functions = emulated.deployment.functions()
    user = f"us-east-1:{uuid.uuid4()}"  # a Cognito identity id: valid under either user binding
    if call == "workout_stats":
        with acting_as(emulated, functions["process_workout"]), iam_enforced(emulated):
            assert process_scenario(user) == []
    with policy_of(emulated, functions[call], document), acting_as(emulated, functions[call]), iam_enforced(emulated):
        return SCENARIOS[call](user)


def without(document: dict[str, Any], sid: str, action: str) -> dict[str, Any]:
    statements = []
    for statement in document["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        kept = [a for a in actions if not (statement.get("Sid") == sid and a == action)]
        if kept:
            statements.append({**statement, "Action": kept})
    return {**document, "Statement": statements}


def is_denied(error: ClientError) -> bool:
    """moto answers a denial in IAM's XML shape even for DynamoDB's JSON protocol, so botocore sees only the
    status; AWS would send AccessDeniedException, also with 403."""
    return error.response["ResponseMetadata"]["HTTPStatusCode"] == 403 and "not authorized" in str(error)


def allows(statements: list[dict[str, Any]], action: str, resource: str) -> bool:
    return any(
        any(fnmatch.fnmatchcase(action, a) for a in s["Action"])
        and any(fnmatch.fnmatchcase(resource, r) for r in s["Resource"])
        for s in statements
        if s["Effect"] == "Allow"
    )


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("call", ["process_workout", "workout_stats"])
def test_the_applied_policy_is_enough(env, call, emulated):
    assert run(emulated[env], call) == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("call", ["process_workout", "workout_stats"])
def test_every_data_action_is_needed(env, call, emulated):
    function = emulated[env].deployment.functions()[call]
    (document,) = function.policies.values()
    unneeded = []
    for statement in function.statements:
        for action in statement["Action"]:
            if action.startswith(DATA_SERVICES) and not run(
                emulated[env], call, without(document, statement["Sid"], action)
            ):
                unneeded.append(f"{statement['Sid']}: {action}")

    assert unneeded == [], f"{env} {call}: the scenario passes without these actions"


def test_iam_enforcement_denies_what_no_policy_allows(emulated):
    """The proof above means something only if the emulator really denies: a role with no policy may not read."""
    (env,) = ENVIRONMENTS[:1]
    function = emulated[env].deployment.functions()["workout_stats"]
    with (
        policy_of(emulated[env], function, {"Version": "2012-10-17", "Statement": [
            {"Sid": "Nothing", "Effect": "Allow", "Action": ["xray:PutTraceSegments"], "Resource": ["*"]}]}),
        acting_as(emulated[env], function),
        iam_enforced(emulated[env]),
    ):  # fmt: skip
        from workout_log.aws import dynamodb_client

        with pytest.raises(ClientError) as denied:
            dynamodb_client().get_item(TableName=function.environment["STATS_TABLE_NAME"], Key={"userId": {"S": "u"}})
    assert is_denied(denied.value)


@pytest.mark.parametrize(
    ("call", "forbidden"),
    [
        ("process_workout", [("scan", "workouts"), ("query", "workouts"), ("get_item", "stats"),
                             ("delete_item", "workouts"), ("delete_item", "stats"), ("put_item", "stats"),
                             ("update_item", "workouts")]),
        ("workout_stats", [("put_item", "workouts"), ("update_item", "stats"), ("delete_item", "workouts"),
                           ("delete_item", "stats"), ("scan", "workouts"), ("transact_write_items", "workouts"),
                           ("get_item", "workouts"), ("query", "stats")]),
    ],
)  # fmt: skip
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_what_each_function_cannot_do(env, call, forbidden, emulated):
    deployment = emulated[env].deployment
    process = deployment.functions()["process_workout"].environment
    tables = {"workouts": process["WORKOUTS_TABLE_NAME"], "stats": process["STATS_TABLE_NAME"]}
    user = "us-east-1:11111111-2222-3333-4444-555555555555"
    key = {"userId": {"S": user}, "workoutTimestamp": {"S": "2026-01-01T00:00:00.000000Z#x"}}
    keys = {tables["workouts"]: key, tables["stats"]: {"userId": {"S": user}}}
    requests = {
        "scan": lambda t: {"TableName": t},
        "query": lambda t: {"TableName": t, "KeyConditionExpression": "userId = :u",
                            "ExpressionAttributeValues": {":u": {"S": user}}},
        "get_item": lambda t: {"TableName": t, "Key": keys[t]},
        "delete_item": lambda t: {"TableName": t, "Key": keys[t]},
        "put_item": lambda t: {"TableName": t, "Item": {**keys[t], "workoutTypeShard": {"S": "running#0"}}},
        "update_item": lambda t: {"TableName": t, "Key": keys[t], "UpdateExpression": "ADD n :n",
                                  "ExpressionAttributeValues": {":n": {"N": "1"}}},
        "transact_write_items": lambda t: {"TransactItems": [{"Put": {"TableName": t, "Item": keys[t]}}]},
    }  # fmt: skip
    allowed = []
    with acting_as(emulated[env], deployment.functions()[call]), iam_enforced(emulated[env]):
        from workout_log.aws import dynamodb_client

        for operation, table in forbidden:
            try:
                getattr(dynamodb_client(), operation)(**requests[operation](tables[table]))
                allowed.append(f"{operation} on {table}")
            except ClientError as error:
                assert is_denied(error), error

    assert allowed == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_statement_names_exact_resources_of_this_environment(env, emulated):
    deployment = emulated[env].deployment
    tables = {t["values"]["arn"] for t in deployment.resources("aws_dynamodb_table")}
    parameters = {p["values"]["arn"] for p in deployment.resources("aws_ssm_parameter")}
    table_keys = {k["values"]["arn"] for k in deployment.resources("aws_kms_key")
                  if "DynamoDB" in k["values"]["description"]}  # fmt: skip
    for function in deployment.functions().values():
        log_group = next(g["values"]["arn"] for g in deployment.resources("aws_cloudwatch_log_group")
                         if g["values"]["name"] == f"/aws/lambda/{function.name}")  # fmt: skip
        for statement in function.statements:
            where = f"{env} {function.name} {statement.get('Sid')}"
            assert statement["Effect"] == "Allow" and statement["Resource"], where
            services = {a.split(":")[0] for a in statement["Action"]}
            assert len(services) == 1, f"{where} mixes services"
            (service,) = services
            if service == "dynamodb":
                assert set(statement["Resource"]) <= tables, where
            elif service == "ssm":
                assert set(statement["Resource"]) <= parameters, where
                assert set(statement["Action"]) <= {"ssm:GetParameter"}, where
            elif service == "kms":
                assert len(table_keys) == 1 and set(statement["Resource"]) == table_keys, where
                assert set(statement["Action"]) <= {"kms:Decrypt", "kms:GenerateDataKey"}, where
                assert statement["Condition"] == {
                    "StringEquals": {"kms:ViaService": f"dynamodb.{next(iter(tables)).split(':')[3]}.amazonaws.com"}
                }, where
            elif service == "logs":
                assert statement["Resource"] == [f"{log_group}:*"], where
                assert sorted(statement["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"], where
            elif service == "xray":
                # X-Ray's write actions support no resource-level scoping: "*" is their only valid resource.
                assert statement["Resource"] == ["*"], where
                assert sorted(statement["Action"]) == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], where
            else:
                pytest.fail(f"{where}: unexpected service {service}")
            if service != "xray":
                assert not any("*" in r.removesuffix(":*") for r in statement["Resource"]), f"{where}: wildcard"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_reads_and_writes_are_split_between_the_functions(env, emulated):
    functions = emulated[env].deployment.functions()
    tables = [t["values"]["arn"] for t in emulated[env].deployment.resources("aws_dynamodb_table")]
    process, reader = functions["process_workout"].statements, functions["workout_stats"].statements
    writes = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem")

    for table in tables:
        assert not any(allows(reader, action, table) for action in writes)
        for statements in (process, reader):
            assert not allows(statements, "dynamodb:Scan", table)
            assert not allows(statements, "dynamodb:GetItem", table) or statements is reader
            assert not allows(statements, "dynamodb:Query", table) or statements is reader
