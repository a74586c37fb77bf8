"""The embedded emulator: atomic requests, item-level transaction rollback pinned to moto 5.2.5."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError


@pytest.fixture(scope="module")
def emulator():
    """In this process (unlike `make run`'s child process), so that tests can look at moto's state."""
    from workout_local.emulator import Emulator

    running = Emulator().start()
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
    """The FACTS.md scenario: 20 threads x 50 transactions, each a conditional Put plus an aggregate ADD."""

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
