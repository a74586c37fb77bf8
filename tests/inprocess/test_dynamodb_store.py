"""The DynamoDB data layer: sharded type index, merged reads, aggregates."""

from __future__ import annotations

from decimal import Decimal

import boto3

from workout_log.dal.base import WorkoutRecord
from workout_log.dal.dynamodb import DynamoDBWorkoutStore, shard_of


def record(n: int, workout_type: str = "running", day: int = 1) -> WorkoutRecord:
    return WorkoutRecord(
        workout_id=f"w-{n:04d}",
        user_id=f"user-{n % 7}",
        workout_type=workout_type,
        timestamp=f"2026-03-{day:02d}T{n % 24:02d}:{n % 60:02d}:00.000000Z",
        duration_minutes=Decimal(30),
        calories_burned=Decimal(100),
        created_at="2026-03-01T00:00:00.000000Z",
    )


def test_shards_are_stable_and_spread():
    shards = {shard_of(f"w-{n}", 4) for n in range(100)}

    assert shard_of("w-1", 4) == shard_of("w-1", 4)
    assert shards == {0, 1, 2, 3}


def test_a_type_query_reads_every_shard_and_merges_newest_first(aws):
    store = DynamoDBWorkoutStore(boto3.client("dynamodb"), aws.workouts_table, aws.stats_table, aws.shards)
    records = [record(n, day=1 + n % 20) for n in range(60)] + [record(100 + n, "yoga") for n in range(5)]
    for item in records:
        store.add_workout(item)

    found = store.workouts_by_type("running", "2026-03-05", "2026-03-10T23:59:59.999999Z", limit=500)

    expected = sorted(
        (r for r in records if r.workout_type == "running" and "2026-03-05" <= r.timestamp[:10] <= "2026-03-10"),
        key=lambda r: (r.timestamp, r.workout_id),
        reverse=True,
    )
    assert [r.workout_id for r in found] == [r.workout_id for r in expected]
    assert len({shard_of(r.workout_id, aws.shards) for r in found}) > 1


def test_a_type_query_stops_at_the_limit_newest_first(aws):
    store = DynamoDBWorkoutStore(boto3.client("dynamodb"), aws.workouts_table, aws.stats_table, aws.shards)
    for n in range(40):
        store.add_workout(record(n, day=1 + n % 28))

    found = store.workouts_by_type("running", "2026-03-01", "2026-03-31", limit=5)

    assert len(found) == 5
    assert [r.timestamp for r in found] == sorted((r.timestamp for r in found), reverse=True)
    assert found[0].timestamp[:10] == "2026-03-28"


def test_the_workout_and_its_aggregate_are_written_together(aws):
    client = boto3.client("dynamodb")
    store = DynamoDBWorkoutStore(client, aws.workouts_table, aws.stats_table, aws.shards)
    store.add_workout(record(7))

    aggregate = store.user_aggregate("user-0")

    assert (aggregate.workouts, aggregate.duration_minutes, aggregate.calories_burned) == (1, 30, 100)
    assert aggregate.by_type["running"].workouts == 1
    item = client.scan(TableName=aws.workouts_table)["Items"][0]
    assert item["workoutTypeShard"]["S"] == f"running#{shard_of('w-0007', aws.shards)}"
