"""Each function's permissions, exactly as Terraform attached them to its role, proven sufficient and minimal with
the emulator enforcing IAM, and scoped to exact resources of the environment.

How: the handlers run in this process with the credentials of the function's own role (STS AssumeRole on the
role `terraform apply` created), against the emulator the environment was applied to, with IAM enforcement on.
The emulator decides as AWS does for DynamoDB and SSM: each request against the table, index or parameter ARN it
names, a transaction item by item (local/workout_local/emulator.py, gap 6). To prove an action is needed, it is
removed from the role's policy in the emulator, the scenario must then fail, and the policy Terraform wrote is put
back (the empty second plan of tests/terraform/test_apply.py would notice a leftover).

KMS's GenerateMac (the page tokens' key) is called by the read function and proven like the data actions. The
tables' key, CloudWatch Logs and X-Ray are not called by the code here (the emulator encrypts nothing on the
caller's behalf); their statements are checked statically, on the applied policy documents.

The change-events function's role is used twice, as in AWS: by the event source mapping, which reads the stream
and sends failed batches to the dead-letter queue (here workout_local.streams, with the role's credentials), and
by the function, which puts events on the bus. dynamodb:ListStreams is granted as AWS documents for stream
readers (DynamoDB developer guide, "IAM policy to allow an AWS Lambda function to access DynamoDB stream
records"), but the local poller never lists streams, so it is checked statically.
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


def proven_by_scenario(action: str) -> bool:
    """The actions the code (or the stream poller) itself calls, so that removing one must make its scenario fail."""
    if action == "dynamodb:ListStreams":
        return False
    return action.startswith(("dynamodb:", "ssm:")) or action in (
        "kms:GenerateMac",
        "events:PutEvents",
        "sqs:SendMessage",
    )


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


def invoke(
    handler: Any, user: str, method: str, path: str, body: Any = None, headers: dict | None = None, query: str = "",
    operator: bool = False,
):  # fmt: skip
    """One request as API Gateway sends it, from the user's Cognito identity (or an IAM principal: `operator`)."""
    caller = identity(user_arn="arn:aws:iam::123456789012:user/ops") if operator else identity(cognito_identity_id=user)
    event = api_event(
        method,
        path,
        body=json.dumps(body) if body is not None else None,
        headers={"Content-Type": "application/json", **(headers or {})},
        caller=caller,
        query=query,
    )
    result = handler(event, LambdaContext(function_name="least-privilege"))
    return result["statusCode"], json.loads(result["body"]) if result.get("body") else None


def problems_of(outcomes: list[tuple[int, Any]], expected: list[int]) -> list[str]:
    return [f"step {i}: {status} {body}" for i, ((status, body), want) in enumerate(
        zip(outcomes, expected, strict=True)) if status != want]  # fmt: skip


def process_scenario(user: str) -> list[str]:
    """Happy paths, an idempotent retry, a keyed request rejected inside the idempotent section, a correction and
    a deletion. Leaves two workouts: running 310 kcal and running 120 kcal."""
    from workout_log.handlers.process_workout import handler

    keyed = "Idempotency-Key"
    outcomes = [
        invoke(handler, user, "POST", "/workouts", workout(userId=user)),
        invoke(handler, user, "POST", "/workouts", workout(userId=user, caloriesBurned=120), {keyed: "k-1"}),
        invoke(handler, user, "POST", "/workouts", workout(userId=user, caloriesBurned=120), {keyed: "k-1"}),
        invoke(handler, user, "POST", "/workouts", workout(userId=user, workoutType="curling"), {keyed: "k-2"}),
        invoke(handler, user, "POST", "/workouts", workout(userId=user, workoutType="yoga", caloriesBurned=50)),
    ]
    problems = problems_of(outcomes, [201, 201, 201, 400, 201])
    if problems:
        return problems
    if outcomes[1][1] != outcomes[2][1]:
        return ["the retry did not return the first answer"]
    first, yoga = outcomes[0][1]["workoutId"], outcomes[4][1]["workoutId"]
    changes = [
        invoke(handler, user, "PATCH", f"/workouts/{first}", {"caloriesBurned": 310}, {"If-Match": '"1"'}),
        invoke(handler, user, "DELETE", f"/workouts/{yoga}"),
    ]
    return problems_of(changes, [200, 204])


def stats_scenario(user: str) -> list[str]:
    """Every read route on the process scenario's two workouts: totals, periods, both pages of a list, a type
    filter, one workout by id, and the operator lookup (as an IAM principal)."""
    from datetime import UTC, datetime, timedelta

    from workout_log.handlers.workout_stats import handler

    around = [(datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ") for days in (-2, 2)]
    status, stats = invoke(
        handler, user, "GET", f"/stats/{user}", query=f"from={around[0]}&to={around[1]}&period=month"
    )
    if status != 200:
        return [f"stats: {status} {stats}"]
    if stats["totalWorkouts"] != 2 or stats["totalCaloriesBurned"] != 430 or len(stats["periods"]) != 1:
        return [f"wrong totals: {stats}"]
    first = invoke(handler, user, "GET", "/workouts", query=f"userId={user}&limit=1")
    if first[0] != 200 or not first[1]["nextToken"]:
        return [f"list: {first}"]
    steps = [
        invoke(handler, user, "GET", "/workouts", query=f"userId={user}&limit=1&nextToken={first[1]['nextToken']}"),
        invoke(handler, user, "GET", "/workouts", query=f"userId={user}&type=running"),
        invoke(handler, user, "GET", f"/workouts/{first[1]['items'][0]['workoutId']}"),
        invoke(handler, user, "GET", "/types/running/workouts", query="limit=1", operator=True),
    ]
    problems = problems_of(steps, [200, 200, 200, 200])
    if not problems and (len(steps[1][1]["items"]) != 2 or not steps[3][1]["items"]):
        problems.append(f"wrong lists: {steps}")
    return problems


SCENARIOS = {"process_workout": process_scenario, "workout_stats": stats_scenario}
# The process scenario's changes, as the change-events function must publish them.
PROCESS_SCENARIO_EVENTS = ["Workout Created"] * 3 + ["Workout Updated", "Workout Deleted"]


def publisher_scenario(emulated, user: str, document: dict[str, Any] | None) -> list[str]:
    """The process scenario's changes, then a record nothing can read (a by-id copy without its fields), delivered
    under the publisher's role: five events reach the bus, and the unreadable record's batch goes to the
    dead-letter queue."""
    import boto3

    from workout_local.streams import BusWatch, StreamPoller, last_sequence_number
    from workout_log.handlers.publish_changes import handler

    deployment, functions = emulated.deployment, emulated.deployment.functions()
    ((mapping, publisher),) = [(m, f) for m, f in deployment.stream_mappings() if f.call == "publisher"]
    start = last_sequence_number(admin(emulated, "dynamodbstreams"), mapping.stream_arn) or "TRIM_HORIZON"
    with acting_as(emulated, functions["process_workout"]), iam_enforced(emulated):
        assert process_scenario(user) == []
    table = functions["process_workout"].environment["WORKOUTS_TABLE_NAME"]
    unreadable = {
        "userId": {"S": f"#id#{uuid.uuid4()}"},
        "workoutTimestamp": {"S": "#"},
        "itemType": {"S": "workoutById"},
    }
    admin(emulated, "dynamodb").put_item(TableName=table, Item=unreadable)
    watch = BusWatch(admin(emulated, "events"), admin(emulated, "sqs"), publisher.environment["EVENT_BUS_NAME"])
    try:
        with policy_of(emulated, publisher, document), acting_as(emulated, publisher), iam_enforced(emulated):

            def invoke(event: dict[str, Any]) -> dict[str, Any]:
                return handler(event, LambdaContext(function_name=publisher.name))

            region = emulated.emulator.region
            clients = {name: boto3.client(name, endpoint_url=emulated.emulator.endpoint, region_name=region)
                       for name in ("dynamodbstreams", "sqs")}  # fmt: skip
            poller = StreamPoller(mapping, clients["dynamodbstreams"], clients["sqs"], invoke, region, start_at=start)
            try:
                poller.poll()
            except ClientError as error:
                return [f"the mapping could not read the stream or send a failed batch: {error}"]
        published = [e["detail-type"] for e in watch.drain() if e["detail"]["userId"] == user]
    finally:
        watch.stop()
    problems = [] if published == PROCESS_SCENARIO_EVENTS else [f"published {published}"]
    failed = [m["DDBStreamBatchInfo"]["batchSize"] for m in poller.dead_lettered]
    return problems + ([] if failed == [1] else [f"dead-lettered batches of {failed}"])


def run(emulated, call: str, document: dict[str, Any] | None = None) -> list[str]:
    """The scenario of `call` under its role (holding `document` if given) for a new user; for the stats function,
    the process scenario runs first, under its own applied policy, to store that user's workouts."""
    functions = emulated.deployment.functions()
    user = f"us-east-1:{uuid.uuid4()}"  # a Cognito identity id: valid under either user binding
    if call == "publisher":
        return publisher_scenario(emulated, user, document)
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


CALLS = ["process_workout", "workout_stats", "publisher"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("call", CALLS)
def test_the_applied_policy_is_enough(env, call, emulated):
    assert run(emulated[env], call) == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("call", CALLS)
def test_every_data_action_is_needed(env, call, emulated):
    function = emulated[env].deployment.functions()[call]
    (document,) = function.policies.values()
    unneeded = []
    for statement in function.statements:
        for action in statement["Action"]:
            if proven_by_scenario(action) and not run(emulated[env], call, without(document, statement["Sid"], action)):
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
        ("process_workout", [("scan", "workouts"), ("query", "workouts"), ("query_index", "workouts"),
                             ("get_item", "stats"), ("delete_item", "stats"), ("put_item", "stats"),
                             ("scan", "stats")]),
        ("workout_stats", [("put_item", "workouts"), ("update_item", "workouts"), ("update_item", "stats"),
                           ("delete_item", "workouts"), ("delete_item", "stats"), ("scan", "workouts"),
                           ("transact_write_items", "workouts"), ("query", "stats")]),
        ("publisher", [("get_item", "workouts"), ("query", "workouts"), ("scan", "workouts"), ("put_item", "workouts"),
                       ("get_item", "stats"), ("update_item", "stats")]),
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
        "query_index": lambda t: {"TableName": t, "IndexName": "byTypeAndTime",
                                  "KeyConditionExpression": "workoutTypeShard = :s",
                                  "ExpressionAttributeValues": {":s": {"S": "running#0"}}},
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
                getattr(dynamodb_client(), operation.removesuffix("_index"))(**requests[operation](tables[table]))
                allowed.append(f"{operation} on {table}")
            except ClientError as error:
                assert is_denied(error), error

    assert allowed == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_statement_names_exact_resources_of_this_environment(env, emulated):
    deployment = emulated[env].deployment
    tables = {t["values"]["arn"] for t in deployment.resources("aws_dynamodb_table")}
    streams = {
        t["values"]["stream_arn"] for t in deployment.resources("aws_dynamodb_table") if t["values"]["stream_arn"]
    }
    buses = {b["values"]["arn"] for b in deployment.resources("aws_cloudwatch_event_bus")}
    queues = {q["values"]["arn"] for q in deployment.resources("aws_sqs_queue")}
    indexes = {f"{t['values']['arn']}/index/{i['name']}" for t in deployment.resources("aws_dynamodb_table")
               for i in t["values"]["global_secondary_index"]}  # fmt: skip
    parameters = {p["values"]["arn"] for p in deployment.resources("aws_ssm_parameter")}
    table_keys = {k["values"]["arn"] for k in deployment.resources("aws_kms_key")
                  if "DynamoDB" in k["values"]["description"]}  # fmt: skip
    token_keys = {k["values"]["arn"] for k in deployment.resources("aws_kms_key")
                  if k["values"]["key_usage"] == "GENERATE_VERIFY_MAC"}  # fmt: skip
    for function in deployment.functions().values():
        log_group = next(g["values"]["arn"] for g in deployment.resources("aws_cloudwatch_log_group")
                         if g["values"]["name"] == f"/aws/lambda/{function.name}")  # fmt: skip
        for statement in function.statements:
            where = f"{env} {function.name} {statement.get('Sid')}"
            assert statement["Effect"] == "Allow" and statement["Resource"], where
            services = {a.split(":")[0] for a in statement["Action"]}
            assert len(services) == 1, f"{where} mixes services"
            (service,) = services
            if service == "dynamodb" and set(statement["Resource"]) <= streams:
                assert function.call == "publisher", f"{where}: only the change-events function reads the stream"
                assert sorted(statement["Action"]) == [
                    "dynamodb:DescribeStream",
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:ListStreams",
                ], where
            elif service == "dynamodb":
                assert set(statement["Resource"]) <= tables | indexes, where
            elif service == "events":
                assert function.call == "publisher" and len(buses) == 1, where
                assert (statement["Action"], set(statement["Resource"])) == (["events:PutEvents"], buses), where
            elif service == "sqs":
                assert function.call == "publisher" and len(queues) == 1, where
                assert (statement["Action"], set(statement["Resource"])) == (["sqs:SendMessage"], queues), where
            elif service == "ssm":
                assert set(statement["Resource"]) <= parameters, where
                assert set(statement["Action"]) <= {"ssm:GetParameter"}, where
            elif service == "kms" and set(statement["Resource"]) == token_keys:
                assert len(token_keys) == 1 and statement["Action"] == ["kms:GenerateMac"], where
                assert function.call == "workout_stats", f"{where}: only the read function signs page tokens"
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

    workouts = functions["process_workout"].environment["WORKOUTS_TABLE_NAME"]
    publisher = functions["publisher"].statements
    for table in tables:
        assert not any(allows(publisher, action, table) for action in (*writes, "dynamodb:GetItem", "dynamodb:Query"))
        assert not any(allows(reader, action, table) for action in writes)
        for statements in (process, reader):
            assert not allows(statements, "dynamodb:Scan", table)
            assert not allows(statements, "dynamodb:Query", table) or statements is reader
        # The write function reads only the workout it changes (its by-id copy), never the totals.
        assert not allows(process, "dynamodb:GetItem", table) or table.endswith(f"/{workouts}")
