"""The DynamoDB store: the sharded type index read page by page, one user's pages, and totals that follow every
change (lifetime and per period), in-process on moto."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import boto3
import pytest

from workout_log.dal.base import StaleWrite, WorkoutRecord
from workout_log.dal.dynamodb import DynamoDBWorkoutStore, shard_of


def record(n: int, workout_type: str = "running", day: int = 1, user: str | None = None) -> WorkoutRecord:
    return WorkoutRecord(
        workout_id=f"00000000-0000-4000-8000-{n:012d}",
        user_id=user or f"user-{n % 7}",
        workout_type=workout_type,
        timestamp=f"2026-03-{day:02d}T{n % 24:02d}:{n % 60:02d}:00.000000Z",
        duration_minutes=Decimal(30),
        calories_burned=Decimal(100),
        created_at="2026-03-01T00:00:00.000000Z",
    )


@pytest.fixture
def store(aws):
    return DynamoDBWorkoutStore(boto3.client("dynamodb"), aws.workouts_table, aws.stats_table, aws.shards)


def test_shards_are_stable_and_spread():
    shards = {shard_of(f"w-{n}", 4) for n in range(100)}

    assert shard_of("w-1", 4) == shard_of("w-1", 4)
    assert shards == {0, 1, 2, 3}


def test_type_pages_read_every_shard_and_merge_newest_first(store, aws):
    records = [record(n, day=1 + n % 20) for n in range(60)] + [record(100 + n, "yoga") for n in range(5)]
    for item in records:
        store.add_workout(item)

    pages, after = [], None
    while True:
        page = store.type_workouts("running", "2026-03-05", "2026-03-11", 7, after)
        pages.append(page.records)
        if page.after is None:
            break
        after = page.after

    expected = sorted(
        (r for r in records if r.workout_type == "running" and "2026-03-05" <= r.timestamp[:10] <= "2026-03-10"),
        key=lambda r: (r.timestamp, r.workout_id),
        reverse=True,
    )
    assert [r.workout_id for page in pages for r in page] == [r.workout_id for r in expected]
    assert all(len(page) == 7 for page in pages[:-1]), "a page is short only when it is the last"
    assert len({shard_of(r.workout_id, aws.shards) for r in expected}) > 1


def test_user_pages_are_newest_first_and_short_only_at_the_end(store):
    for n in range(23):
        store.add_workout(record(n, day=1 + n, user="pager"))

    seen, after = [], None
    while True:
        page = store.user_workouts("pager", "0", "~", None, 10, after)
        seen.append(len(page.records))
        after = page.after
        if after is None:
            break

    assert seen == [10, 10, 3]


def test_totals_follow_a_workout_through_a_correction_and_a_deletion(store):
    first = record(1, user="mover", day=2)
    store.add_workout(first)
    moved = dataclasses.replace(first, workout_type="yoga", timestamp="2026-04-30T23:00:00.000000Z",
                                utc_offset="+02:00", calories_burned=Decimal("12.5"), version=2)  # fmt: skip
    store.replace_workout(first, moved)

    lifetime = store.user_aggregate("mover")
    assert (lifetime.workouts, lifetime.calories_burned, set(lifetime.by_type)) == (1, Decimal("12.5"), {"yoga"})
    months = {p.start: p.totals.workouts for p in store.period_aggregates("mover", "month", "2026-01-01", "2026-12-01")}
    assert {start: count for start, count in months.items() if count} == {"2026-05-01": 1}, "local date: May 1"
    assert store.user_workouts("mover#type#running", "0", "~", None, 10, None).records == []
    assert store.get_workout(first.workout_id) == moved

    with pytest.raises(StaleWrite):
        store.remove_workout(first)  # the version read is no longer the stored one
    store.remove_workout(moved)

    assert store.user_aggregate("mover").workouts == 0
    assert store.get_workout(first.workout_id) is None
    assert store.user_workouts("mover", "0", "~", None, 10, None).records == []


def test_the_workout_and_its_totals_are_written_together(store, aws):
    client = boto3.client("dynamodb")
    store.add_workout(record(7))

    aggregate = store.user_aggregate("user-0")

    assert (aggregate.workouts, aggregate.duration_minutes, aggregate.calories_burned) == (1, 30, 100)
    assert aggregate.by_type["running"].workouts == 1
    items = client.scan(TableName=aws.workouts_table)["Items"]
    kinds = sorted(item["itemType"]["S"] for item in items)
    assert kinds == ["period", "period", "period", "workout", "workoutById", "workoutOfType"]
    (workout,) = [item for item in items if item["itemType"]["S"] == "workout"]
    assert workout["workoutTypeShard"]["S"] == f"running#{shard_of(record(7).workout_id, aws.shards)}"
    assert all("workoutTypeShard" not in item for item in items if item is not workout), "only workouts are indexed"


def test_every_read_a_user_makes_right_after_a_change_is_consistent(store):
    """Read your writes: GSIs are eventually consistent and a plain read may miss a write just made, so every read
    of the user routes (by id, pages with or without a type, totals, periods, newest) asks for a consistent read;
    only the operator lookup reads the index."""
    reads = []
    store._client.meta.events.register(
        "provide-client-params.dynamodb", lambda params, model, **_: reads.append((model.name, params))
    )
    first = record(1, user="reader")
    store.add_workout(first)
    reads.clear()

    store.get_workout(first.workout_id)
    store.user_workouts("reader", "0", "~", None, 10, None)
    store.user_workouts("reader", "0", "~", "running", 10, None)
    store.user_aggregate("reader")
    store.recent_workouts("reader", 10)
    store.period_aggregates("reader", "week", "2026-01-01", "2026-12-31")
    store.type_workouts("running", "0", "~", 10, None)

    user_reads = [(name, params) for name, params in reads if "IndexName" not in params]
    assert {name for name, _ in user_reads} == {"GetItem", "Query"} and len(user_reads) >= 6
    assert all(params.get("ConsistentRead") is True for _, params in user_reads), user_reads
    assert {params.get("IndexName") for _, params in reads} == {None, "byTypeAndTime"}
