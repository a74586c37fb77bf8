"""The embedded emulator: atomic requests, item-level transaction rollback, each gap it fills for the aws provider,
and the least-privilege suite's extension for IAM decisions per resource (tests/support/iam.py), all pinned to moto
5.2.5."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError


@pytest.fixture(scope="module")
def emulator():
    """In this process (unlike `make run`'s child process), so that tests can look at moto's state."""
    from support import iam
    from workout_local.emulator import Emulator

    running = Emulator(extensions=[iam.EXTENSION]).start()
    yield running
    running.stop()


@pytest.fixture
def dynamodb(emulator):
    client = emulator.client("dynamodb")
    client.create_table(
        TableName="emulator-check",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    yield client
    client.delete_table(TableName="emulator-check")


def _put(pk: str, **extra) -> dict:
    return {"Put": {"TableName": "emulator-check", "Item": {"pk": {"S": pk}, **extra}}}


def _add(pk: str, amount: int, condition: str | None = None) -> dict:
    update = {
        "TableName": "emulator-check",
        "Key": {"pk": {"S": pk}},
        "UpdateExpression": "ADD n :n",
        "ExpressionAttributeValues": {":n": {"N": str(amount)}},
    }
    if condition:
        update["ConditionExpression"] = condition
    return {"Update": update}


def test_a_cancelled_transaction_leaves_every_item_as_it_was(dynamodb):
    dynamodb.transact_write_items(TransactItems=[_put("existing", n={"N": "1"})])

    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(
            TransactItems=[_put("new"), _add("existing", 5), _add("other", 1, "attribute_exists(pk)")]
        )

    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    items = {i["pk"]["S"]: i for i in dynamodb.scan(TableName="emulator-check")["Items"]}
    assert set(items) == {"existing"}
    assert items["existing"]["n"] == {"N": "1"}


def test_a_cancelled_transaction_leaves_no_stream_records(dynamodb):
    from moto.dynamodb.models import dynamodb_backends

    table = dynamodb_backends["123456789012"]["us-east-1"].tables["emulator-check"]
    before = len(table.stream_shard.items)
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=[_put("a"), _add("b", 1, "attribute_exists(pk)")])

    assert len(table.stream_shard.items) == before


def test_transactions_never_copy_whole_tables(dynamodb, monkeypatch):
    """If moto changes how it snapshots, this fails instead of silently slowing the local stack down."""
    from moto.dynamodb.models.table import Table

    def refuse(self, memo):
        raise AssertionError("a whole table was deep-copied")

    monkeypatch.setattr(Table, "__deepcopy__", refuse, raising=False)
    dynamodb.transact_write_items(TransactItems=[_put("x"), _add("y", 2)])

    assert dynamodb.get_item(TableName="emulator-check", Key={"pk": {"S": "y"}})["Item"]["n"] == {"N": "2"}


def test_the_patch_refuses_another_moto_version(monkeypatch):
    import moto

    from workout_local import emulator

    monkeypatch.setattr(moto, "__version__", "9.9.9")
    monkeypatch.setattr(emulator.install_item_level_rollback, "__wrapped__", None, raising=False)
    from moto.dynamodb import models

    monkeypatch.setattr(models.DynamoDBBackend.transact_write_items, "item_level_rollback", False)
    with pytest.raises(RuntimeError, match=r"moto 5\.2\.5"):
        emulator.install_item_level_rollback()


def test_concurrent_transactions_are_atomic(dynamodb):
    """20 threads x 50 transactions, each a conditional Put plus an aggregate ADD: with moto 5.2.5 unserialised this
    gave HTTP 500s and a half-applied transaction (see local/workout_local/emulator.py)."""

    def worker(thread: int) -> int:
        failures = 0
        for n in range(50):
            try:
                dynamodb.transact_write_items(
                    TransactItems=[
                        {**_put(f"item-{thread}-{n}"), "Put": {**_put(f"item-{thread}-{n}")["Put"],
                                                            "ConditionExpression": "attribute_not_exists(pk)"}},
                        _add("total", 1),
                    ]
                )  # fmt: skip
            except ClientError:
                failures += 1
        return failures

    with ThreadPoolExecutor(max_workers=20) as pool:
        failures = sum(pool.map(worker, range(20)))

    items = dynamodb.scan(TableName="emulator-check")["Items"]
    total = next(i for i in items if i["pk"]["S"] == "total")
    assert failures == 0
    assert len(items) == 1001
    assert total["n"] == {"N": "1000"}


# -- the gaps filled for the hashicorp/aws provider (emulator.py, 3-5) and IAM per resource (support/iam.py) ------


def test_gap_3_scalable_targets_keep_their_tags(emulator):
    """moto 5.2.5: ListTagsForResource -> HTTP 500, and RegisterScalableTarget drops its Tags."""
    scaling = emulator.client("application-autoscaling")
    arn = scaling.register_scalable_target(
        ServiceNamespace="dynamodb",
        ResourceId="table/tagged",
        ScalableDimension="dynamodb:table:ReadCapacityUnits",
        MinCapacity=1,
        MaxCapacity=5,
        Tags={"Environment": "dev"},
    )["ScalableTargetARN"]

    scaling.tag_resource(ResourceARN=arn, Tags={"Owner": "platform", "Temporary": "yes"})
    scaling.untag_resource(ResourceARN=arn, TagKeys=["Temporary"])

    assert scaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Environment": "dev", "Owner": "platform"}


def _function(emulator, name: str, **extra):
    import io
    import zipfile

    iam = emulator.client("iam")
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return {}\n")
    return emulator.client("lambda").create_function(
        FunctionName=name, Runtime="python3.13", Role=role, Handler="handler.handler",
        Code={"ZipFile": code.getvalue()}, **extra,
    )  # fmt: skip


def test_gap_4_functions_keep_their_logging_config(emulator):
    """moto 5.2.5 neither stores nor returns LoggingConfig; AWS's default is Text into /aws/lambda/<name>."""
    created = _function(emulator, "logged", LoggingConfig={"LogFormat": "JSON", "LogGroup": "/custom/group"})
    plain = _function(emulator, "plain")
    client = emulator.client("lambda")
    client.update_function_configuration(FunctionName="plain", LoggingConfig={"LogFormat": "JSON"})

    assert created["LoggingConfig"] == {"LogFormat": "JSON", "LogGroup": "/custom/group"}
    assert plain["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/aws/lambda/plain"}
    assert client.get_function(FunctionName="plain")["Configuration"]["LoggingConfig"] == {
        "LogFormat": "JSON",
        "LogGroup": "/aws/lambda/plain",
    }


def test_gap_5_aws_managed_policies_exist(emulator):
    """moto 5.2.5 knows no AWS managed policy unless MOTO_IAM_LOAD_MANAGED_POLICIES is set."""
    arn = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"

    assert emulator.client("iam").get_policy(PolicyArn=arn)["Policy"]["PolicyName"] == arn.rsplit("/", 1)[1]


def test_gap_6_a_stream_with_an_event_source_mapping_keeps_its_writes_and_records(emulator, dynamodb):
    """moto 5.2.5 invokes a mapping's function inside every write to its table (through Docker, absent here: the
    write fails) and then drops the stream's records; the local stack's pollers deliver them instead."""
    stream = dynamodb.describe_table(TableName="emulator-check")["Table"]["LatestStreamArn"]
    function = _function(emulator, "stream-reader")
    emulator.client("lambda").create_event_source_mapping(
        EventSourceArn=stream, FunctionName=function["FunctionArn"], StartingPosition="TRIM_HORIZON"
    )

    for n in range(3):
        dynamodb.put_item(TableName="emulator-check", Item={"pk": {"S": f"mapped-{n}"}})

    streams = emulator.client("dynamodbstreams")
    (shard,) = streams.describe_stream(StreamArn=stream)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(StreamArn=stream, ShardId=shard["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]  # fmt: skip
    keys = [r["dynamodb"]["Keys"]["pk"]["S"] for r in streams.get_records(ShardIterator=iterator)["Records"]]
    assert keys[-3:] == ["mapped-0", "mapped-1", "mapped-2"]


def test_gap_8_a_mapping_of_an_alias_keeps_the_alias(emulator, dynamodb):
    """moto 5.2.5 records the version an alias points at as the mapping's FunctionArn; Lambda keeps the alias, which
    is what makes a rollback of the alias reach the stream's records too."""
    stream = dynamodb.describe_table(TableName="emulator-check")["Table"]["LatestStreamArn"]
    lambda_client = emulator.client("lambda")
    function = _function(emulator, "aliased-reader", Publish=True)
    alias = lambda_client.create_alias(FunctionName="aliased-reader", Name="live",
                                       FunctionVersion=function["Version"])["AliasArn"]  # fmt: skip

    created = lambda_client.create_event_source_mapping(EventSourceArn=stream, FunctionName=alias,
                                                        StartingPosition="LATEST")  # fmt: skip
    updated = lambda_client.update_event_source_mapping(UUID=created["UUID"], FunctionName="aliased-reader:live")
    unqualified = lambda_client.update_event_source_mapping(UUID=created["UUID"], FunctionName="aliased-reader")

    assert created["FunctionArn"] == updated["FunctionArn"] == alias
    assert unqualified["FunctionArn"] == function["FunctionArn"].removesuffix(f":{function['Version']}")
    assert lambda_client.get_event_source_mapping(UUID=created["UUID"])["FunctionArn"] == unqualified["FunctionArn"]


def test_gap_7_events_a_rule_delivers_carry_the_account(emulator):
    import json

    events, sqs = emulator.client("events"), emulator.client("sqs")
    events.create_event_bus(Name="envelope-check")
    queue = sqs.create_queue(QueueName="envelope-check")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="all", EventBusName="envelope-check", EventPattern=json.dumps({"version": ["0"]}))
    events.put_targets(Rule="all", EventBusName="envelope-check", Targets=[{"Id": "q", "Arn": arn}])

    events.put_events(Entries=[{"EventBusName": "envelope-check", "Source": "s", "DetailType": "D", "Detail": "{}"}])

    (message,) = sqs.receive_message(QueueUrl=queue)["Messages"]
    assert json.loads(message["Body"])["account"] == "123456789012"


def test_iam_stream_and_bus_requests_are_authorised_per_stream_and_bus():
    from support.iam import events_authorizations, streams_authorizations

    stream = "arn:aws:dynamodb:r:1:table/t/stream/2026"
    assert streams_authorizations("GetShardIterator", {"StreamArn": stream}) == [("GetShardIterator", stream)]
    assert streams_authorizations("GetRecords", {"ShardIterator": f"{stream}|1|abc"}) == [("GetRecords", stream)]
    entries = {"Entries": [{"EventBusName": "b"}, {"EventBusName": "arn:aws:events:r:1:event-bus/c"}, {}]}
    assert events_authorizations("PutEvents", entries, "arn:aws:events:r:1") == [
        ("PutEvents", "arn:aws:events:r:1:event-bus/b"),
        ("PutEvents", "arn:aws:events:r:1:event-bus/c"),
        ("PutEvents", "arn:aws:events:r:1:event-bus/default"),
    ]


@pytest.mark.parametrize(
    ("action", "body", "expected"),
    [
        ("GetItem", {"TableName": "t"}, [("GetItem", "arn:aws:dynamodb:r:1:table/t")]),
        ("Query", {"TableName": "t", "IndexName": "i"}, [("Query", "arn:aws:dynamodb:r:1:table/t/index/i")]),
        ("TransactWriteItems", {"TransactItems": [{"Put": {"TableName": "a"}}, {"Update": {"TableName": "b"}},
                                                  {"ConditionCheck": {"TableName": "a"}}]},
         [("PutItem", "arn:aws:dynamodb:r:1:table/a"), ("UpdateItem", "arn:aws:dynamodb:r:1:table/b"),
          ("ConditionCheckItem", "arn:aws:dynamodb:r:1:table/a")]),
        ("BatchWriteItem", {"RequestItems": {"a": [], "b": []}},
         [("BatchWriteItem", "arn:aws:dynamodb:r:1:table/a"), ("BatchWriteItem", "arn:aws:dynamodb:r:1:table/b")]),
        ("ListTables", {}, [("ListTables", "*")]),
    ],
)  # fmt: skip
def test_iam_dynamodb_requests_are_authorised_per_resource_and_item(action, body, expected):
    from support.iam import dynamodb_authorizations

    assert dynamodb_authorizations(action, body, "arn:aws:dynamodb:r:1") == expected


def test_iam_ssm_requests_are_authorised_per_parameter():
    from support.iam import ssm_authorizations

    prefix = "arn:aws:ssm:r:1"
    assert ssm_authorizations("GetParameter", {"Name": "/a/b"}, prefix) == [("GetParameter", f"{prefix}:parameter/a/b")]
    assert ssm_authorizations("GetParameters", {"Names": ["/a", "b"]}, prefix) == [
        ("GetParameters", f"{prefix}:parameter/a"),
        ("GetParameters", f"{prefix}:parameter/b"),
    ]


def test_iam_an_enforcing_emulator_decides_on_the_table_arn(emulator, dynamodb):
    """A role allowed GetItem on one table reads it, and is denied the same action on another table and the
    transaction item it has no action for; moto 5.2.5 alone would deny the first read too (resource "*")."""
    import json

    import boto3
    import urllib3

    iam = emulator.client("iam")
    role = iam.create_role(RoleName="reader", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    table = "arn:aws:dynamodb:us-east-1:123456789012:table/emulator-check"
    iam.put_role_policy(RoleName="reader", PolicyName="read", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:ConditionCheckItem"],
                       "Resource": [table]}],
    }))  # fmt: skip
    credentials = emulator.client("sts").assume_role(RoleArn=role, RoleSessionName="reader-session")["Credentials"]
    reader = boto3.client(
        "dynamodb", endpoint_url=emulator.endpoint, region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )  # fmt: skip
    http = urllib3.PoolManager()
    http.request("POST", f"{emulator.endpoint}/moto-api/reset-auth", body=b"0")
    try:
        reader.get_item(TableName="emulator-check", Key={"pk": {"S": "x"}})
        with pytest.raises(ClientError, match="not authorized to perform: dynamodb:GetItem"):
            reader.get_item(TableName="another-table", Key={"pk": {"S": "x"}})
        with pytest.raises(ClientError, match="not authorized to perform: dynamodb:PutItem"):
            reader.transact_write_items(TransactItems=[
                {"ConditionCheck": {"TableName": "emulator-check", "Key": {"pk": {"S": "x"}},
                                    "ConditionExpression": "attribute_not_exists(pk)"}},
                _put("y"),
            ])  # fmt: skip
    finally:
        http.request("POST", f"{emulator.endpoint}/moto-api/reset-auth", body=b"inf")
