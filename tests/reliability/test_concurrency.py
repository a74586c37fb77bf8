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
from support.oracle import answered_totals, period_of, totals
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


def every_workout(stack, user: str) -> list[dict]:
    listed, token = [], None
    while True:
        page = request(
            "GET", f"{stack.url}/workouts?userId={user}&limit=100" + (f"&nextToken={token}" if token else "")
        )
        assert page.status == 200, page.body
        listed += page.body["items"]
        token = page.body["nextToken"]
        if token is None:
            return listed


def test_racing_patches_with_one_etag_one_wins_the_others_get_412(stack):
    user = f"race-{uuid.uuid4().hex[:8]}"
    created = request("POST", f"{stack.url}/workouts", workout(userId=user)).body

    def correct(minutes: int):
        return request("PATCH", f"{stack.url}/workouts/{created['workoutId']}", {"durationMinutes": minutes},
                       headers={"If-Match": '"1"'})  # fmt: skip

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(correct, range(31, 39)))

    winners = [a for a in answers if a.status == 200]
    assert len(winners) == 1 and sorted(a.status for a in answers) == [200] + [412] * 7, [a.status for a in answers]
    final = request("GET", f"{stack.url}/workouts/{created['workoutId']}")
    assert final.body == winners[0].body and final.headers["ETag"] == '"2"'
    assert (
        request("GET", f"{stack.url}/stats/{user}").body["totalDurationMinutes"] == winners[0].body["durationMinutes"]
    )


def test_concurrent_posts_corrections_and_deletions_keep_every_total_exact(stack):
    """POSTs, PATCHes without If-Match (the service retries a lost race) and DELETEs, at once, on the same users
    and the same workouts: afterwards the lifetime totals, the totals by type and every day's totals are the sums
    of what GET /workouts lists."""
    import random

    rng = random.Random(7)
    users = [f"mixed-log-{uuid.uuid4().hex[:6]}-{n}" for n in range(3)]
    moments = [f"2026-11-{day:02d}T{hour:02d}:30:00{offset}" for day in (10, 11) for hour in (0, 12, 23)
               for offset in ("Z", "+05:30", "-05:00")]  # fmt: skip
    seeded = [request("POST", f"{stack.url}/workouts", workout(userId=users[n % 3], workoutTimestamp=moments[n % 18]))
              .body["workoutId"] for n in range(30)]  # fmt: skip

    patches = [{"caloriesBurned": 77}, {"workoutType": "yoga"}, {"distanceKm": 4.5}, {"distanceKm": None}]

    def plan(n: int) -> tuple[str, str, dict | None, tuple[int, ...]]:
        """The n-th operation, drawn before any runs: method, path, body, the answers it may get."""
        target = f"{stack.url}/workouts/{seeded[n % len(seeded)]}"
        if n % 4 == 0:
            body = workout(userId=users[n % 3], caloriesBurned=n, workoutTimestamp=rng.choice(moments))
            return "POST", f"{stack.url}/workouts", body, (201,)
        if n % 4 == 3:
            return "DELETE", target, None, (204, 404)
        patch = rng.choice([*patches, {"workoutTimestamp": rng.choice(moments)}])
        return "PATCH", target, patch, (200, 404)

    operations = [plan(n) for n in range(160)]

    def perform(operation: tuple[str, str, dict | None, tuple[int, ...]]) -> bool:
        method, url, body, allowed = operation
        return request(method, url, body).status in allowed

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(perform, operations))

    assert all(outcomes), "an operation got an answer other than success or (after a delete) 404"
    for user in users:
        listed = every_workout(stack, user)
        stats = request("GET", f"{stack.url}/stats/{user}")
        assert answered_totals(stats.body, prefix="total") == totals(listed)
        for granularity in ("day", "week", "month"):
            month = f"from=2026-10-01T00:00:00Z&to=2027-01-01T00:00:00Z&period={granularity}"
            periods = request("GET", f"{stack.url}/stats/{user}?{month}").body["periods"]
            grouped: dict[str, list[dict]] = {}
            for w in listed:
                grouped.setdefault(period_of(w["workoutTimestamp"], w["utcOffset"], granularity), []).append(w)
            assert [(p["start"], answered_totals(p)) for p in periods] == [
                (start, totals(ws)) for start, ws in sorted(grouped.items())
            ], granularity
