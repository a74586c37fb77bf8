"""GET /stats/{userId} through the real handler."""

from __future__ import annotations

import pytest

from support.handlers import workout


def test_a_user_without_workouts_gets_zeros(api):
    answer = api.stats("nobody")

    assert answer.status == 200
    assert answer.body == {
        "userId": "nobody",
        "totalWorkouts": 0,
        "totalDurationMinutes": 0,
        "totalCaloriesBurned": 0,
        "totalDistanceKm": 0,
        "byType": {},
        "recentWorkouts": [],
        "lastWorkoutAt": None,
    }


def test_totals_by_type_and_newest_first(api):
    api.post(workout(workoutType="running", durationMinutes=30, caloriesBurned=300, distanceKm=5.5,
                     workoutTimestamp="2026-01-01T08:00:00Z"))  # fmt: skip
    api.post(workout(workoutType="yoga", durationMinutes=45.5, caloriesBurned=120,
                     workoutTimestamp="2026-01-03T08:00:00Z"))  # fmt: skip
    api.post(workout(workoutType="running", durationMinutes=20, caloriesBurned=200, distanceKm=4.5,
                     workoutTimestamp="2026-01-02T08:00:00Z"))  # fmt: skip
    api.post(workout(userId="someone-else"))

    body = api.stats("user-1").body

    assert body["totalWorkouts"] == 3
    assert body["totalDurationMinutes"] == 95.5
    assert body["totalCaloriesBurned"] == 620
    assert body["totalDistanceKm"] == 10
    assert body["byType"] == {
        "running": {"workouts": 2, "durationMinutes": 50, "caloriesBurned": 500},
        "yoga": {"workouts": 1, "durationMinutes": 45.5, "caloriesBurned": 120},
    }
    assert [w["workoutTimestamp"][:10] for w in body["recentWorkouts"]] == ["2026-01-03", "2026-01-02", "2026-01-01"]
    assert body["lastWorkoutAt"] == "2026-01-03T08:00:00.000000Z"


def test_recent_limits_the_list_but_not_the_totals(api):
    for day in range(1, 6):
        api.post(workout(workoutTimestamp=f"2026-02-0{day}T08:00:00Z"))

    body = api.stats("user-1", query="recent=2").body

    assert body["totalWorkouts"] == 5
    assert [w["workoutTimestamp"][:10] for w in body["recentWorkouts"]] == ["2026-02-05", "2026-02-04"]


@pytest.mark.parametrize("query", ["recent=0", "recent=101", "recent=abc"])
def test_recent_out_of_range_is_a_400_naming_it(api, query):
    answer = api.stats("user-1", query=query)

    assert answer.status == 400
    assert answer.error_fields == ["recent"]


@pytest.mark.parametrize("user_id", ["a%20b", "x" * 129, "%2E%2E%2Fetc"])
def test_a_malformed_user_id_is_a_400_naming_it(api, user_id):
    answer = api.stats(user_id)

    assert answer.status == 400
    assert answer.error_fields == ["userId"]


def test_cognito_binding_hides_other_users_stats(api, monkeypatch):
    from workout_local.events import identity

    monkeypatch.setenv("USER_BINDING", "cognito")
    mine = api.stats("us-east-1:me", caller=identity(cognito_identity_id="us-east-1:me"))
    theirs = api.stats("us-east-1:them", caller=identity(cognito_identity_id="us-east-1:me"))

    assert (mine.status, theirs.status) == (200, 403)
    assert theirs.body["error"]["code"] == "forbidden"


def test_a_wrong_method_on_stats_is_a_405(api):
    answer = api.call("POST", "/stats/user-1")

    assert answer.status == 405
    assert answer.headers["Allow"] == "GET"
