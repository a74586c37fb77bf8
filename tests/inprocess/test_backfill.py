"""The backfill after an upgrade from 1.0 (scripts/backfill.py), on moto: cut short and resumed, run twice at once,
run again. Each workout 1.0 stored is indexed exactly once, its period totals are exact, its lifetime totals are
left as they were. (tests/terraform/test_upgrade.py runs it on workouts 1.0's own code stored.)"""

from __future__ import annotations

import json
import sys
from decimal import Decimal

import boto3
import pytest

from support.oracle import period_of
from support.terraform import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from backfill import backfill

# What 1.0 never wrote on a workout item.
NEW_IN_1_1 = ("itemType", "ownerId", "utcOffset", "version")


class Crash(Exception):
    pass


@pytest.fixture
def store(aws):
    from workout_log.dal.dynamodb import DynamoDBWorkoutStore

    return DynamoDBWorkoutStore(boto3.client("dynamodb"), aws.workouts_table, aws.stats_table, aws.shards)


def store_as_1_0(aws, count: int) -> list[dict]:
    """`count` workouts of two users as 1.0 stored them: the workout item alone, and the users' lifetime totals."""
    from workout_log.dal.base import WorkoutRecord
    from workout_log.dal.dynamodb import _to_item, increments

    client = boto3.client("dynamodb")
    items, lifetime = [], {}
    for n in range(count):
        record = WorkoutRecord(f"00000000-0000-4000-8000-{n:012d}", f"old-{n % 2}", ("running", "yoga")[n % 3 == 0],
                               f"2026-0{1 + n % 3}-{1 + n % 28:02d}T{n % 24:02d}:15:00.000000Z", Decimal(30 + n),
                               Decimal("10.5") * n, "2026-01-01T00:00:00.000000Z")  # fmt: skip
        item = {k: v for k, v in _to_item(record, aws.shards).items() if k not in NEW_IN_1_1}
        client.put_item(TableName=aws.workouts_table, Item=item)
        items.append(item)
        totals = lifetime.setdefault(record.user_id, {})
        for name, amount in increments(record).items():
            totals[name] = totals.get(name, Decimal(0)) + amount
    for user, totals in lifetime.items():
        values = {name: {"N": str(amount)} for name, amount in totals.items()}
        client.put_item(TableName=aws.stats_table, Item={"userId": {"S": user}, **values})
    return items


def periods_match_the_workouts(api, items: list[dict]) -> None:
    for user in ("old-0", "old-1"):
        mine = [i for i in items if i["userId"]["S"] == user]
        for granularity in ("day", "week", "month"):
            answer = api.stats(user, f"from=2025-12-01T00:00:00Z&to=2026-05-01T00:00:00Z&period={granularity}").body
            expected: dict[str, list] = {}
            for item in mine:  # 1.0 kept no offset: its workouts count in UTC periods
                when = item["workoutTimestamp"]["S"].split("#")[0]
                expected.setdefault(period_of(when, "+00:00", granularity), []).append(item)
            assert {p["start"]: (p["workouts"], Decimal(str(p["caloriesBurned"]))) for p in answer["periods"]} == {
                start: (len(ws), sum(Decimal(w["caloriesBurned"]["N"]) for w in ws)) for start, ws in expected.items()
            }, (user, granularity)


def test_a_run_cut_short_and_resumed_indexes_every_workout_once(api, aws, store):
    items = store_as_1_0(aws, 30)
    before = {user: api.stats(user).body for user in ("old-0", "old-1")}
    lines, indexed = [], []
    real = store.index_legacy_workout

    def dies_after_twelve(item):
        if len(indexed) == 12:
            raise Crash
        indexed.append(item["workoutId"]["S"])
        return real(item)

    store.index_legacy_workout = dies_after_twelve
    with pytest.raises(Crash):
        backfill(store, report=lines.append, page_size=5)
    store.index_legacy_workout = real
    resume = json.loads(lines[-1].rsplit("resume key: ", 1)[1])  # the last key printed before the crash
    resumed = backfill(store, resume, report=lambda line: None, page_size=5)
    again = backfill(store, report=lambda line: None, page_size=5)

    assert len(indexed) == 12 and resumed.indexed == 30 - 12 and again.indexed == again.already == 0
    for item in items:
        answer = api.get(f"/workouts/{item['workoutId']['S']}")
        assert (answer.status, answer.headers["ETag"]) == (200, '"1"'), answer.body
    periods_match_the_workouts(api, items)
    assert {user: api.stats(user).body for user in ("old-0", "old-1")} == before


def test_two_runs_at_once_index_a_workout_once(api, aws, store):
    (item,) = store_as_1_0(aws, 1)

    first, second = store.index_legacy_workout(item), store.index_legacy_workout(item)

    assert (first, second) == (True, False)
    periods_match_the_workouts(api, [item])
