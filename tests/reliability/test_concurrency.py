"""Concurrency over real HTTP against the local stack: many writers for one user, mixed readers and writers, and
the same Idempotency-Key sent many times at once. Nothing lost, nothing counted twice, no error."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from support.handlers import workout
from support.http_client import request
from support.stack import running_local_stack

CONCURRENT_POSTS = 1_000


@pytest.fixture(scope="module")
def stack(emulated):
    with running_local_stack(emulated["dev"], log_level="WARNING") as local:
        yield local


def stored_for(stack, user: str) -> list[dict]:
    client = stack.emulator.client("dynamodb")
    items, start = [], None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        page = client.query(
            TableName=stack.names.workouts_table,
            KeyConditionExpression="userId = :u",
            ExpressionAttributeValues={":u": {"S": user}},
            **extra,
        )
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def test_a_thousand_concurrent_posts_for_one_user(stack):
    user = f"busy-{uuid.uuid4().hex[:8]}"
    bodies = [
        workout(userId=user, caloriesBurned=n % 500, durationMinutes=1 + n % 120) for n in range(CONCURRENT_POSTS)
    ]

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda b: request("POST", f"{stack.url}/workouts", b).status, bodies))
    stats = request("GET", f"{stack.url}/stats/{user}?recent=100").body

    assert statuses.count(201) == CONCURRENT_POSTS
    assert len(stored_for(stack, user)) == CONCURRENT_POSTS
    assert stats["totalWorkouts"] == CONCURRENT_POSTS
    assert Decimal(str(stats["totalCaloriesBurned"])) == sum(Decimal(b["caloriesBurned"]) for b in bodies)
    assert Decimal(str(stats["totalDurationMinutes"])) == sum(Decimal(b["durationMinutes"]) for b in bodies)
    assert len(stats["recentWorkouts"]) == 100


def test_mixed_readers_and_writers_see_consistent_totals(stack):
    users = [f"mixed-{uuid.uuid4().hex[:8]}" for _ in range(20)]
    writes = [("POST", workout(userId=users[n % 20], workoutType=("running", "yoga", "hiit")[n % 3],
                               caloriesBurned=10 + n % 90)) for n in range(300)]  # fmt: skip
    reads = [("GET", users[n % 20]) for n in range(300)]
    operations = [op for pair in zip(writes, reads, strict=True) for op in pair]

    def perform(operation):
        kind, payload = operation
        if kind == "POST":
            return kind, request("POST", f"{stack.url}/workouts", payload)
        return kind, request("GET", f"{stack.url}/stats/{payload}")

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(perform, operations))

    inconsistent = []
    for kind, answer in results:
        assert answer.status == (201 if kind == "POST" else 200), answer.body
        if kind == "GET":
            body = answer.body
            by_type = body["byType"].values()
            if body["totalWorkouts"] != sum(t["workouts"] for t in by_type) or Decimal(
                str(body["totalCaloriesBurned"])
            ) != sum(Decimal(str(t["caloriesBurned"])) for t in by_type):
                inconsistent.append(body["userId"])
    assert inconsistent == []
    for user in users:
        mine = [body for _, body in writes if body["userId"] == user]
        final = request("GET", f"{stack.url}/stats/{user}").body
        assert final["totalWorkouts"] == len(mine)
        assert Decimal(str(final["totalCaloriesBurned"])) == sum(Decimal(b["caloriesBurned"]) for b in mine)


def test_the_same_idempotency_key_sent_ten_times_at_once_stores_once(stack):
    user = f"retry-{uuid.uuid4().hex[:8]}"
    headers = {"Idempotency-Key": f"once-{user}"}

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda _: request("POST", f"{stack.url}/workouts", workout(userId=user),
                                                  headers=headers), range(10)))  # fmt: skip

    assert [a.status for a in answers] == [201] * 10
    assert len({json.dumps(a.body, sort_keys=True) for a in answers}) == 1
    assert len(stored_for(stack, user)) == 1
    assert request("GET", f"{stack.url}/stats/{user}").body["totalWorkouts"] == 1
