"""Change events of `make run`'s stack, end to end: workouts created, corrected and deleted over HTTP; the stream
Terraform enabled, delivered by the mapping Terraform applied (its filters, retries and queue, read from the
state) to the function Terraform deployed; the events read from the bus Terraform created, through a rule."""

from __future__ import annotations

import json
import uuid

import pytest

from support.handlers import workout
from support.http_client import request
from support.stack import running_local_stack


@pytest.fixture(scope="module")
def stack(emulated):
    with running_local_stack(emulated["dev"], log_level="WARNING") as local:
        yield local


def per_workout(events: list[dict], user: str) -> dict[str, list[tuple[str, int, list[str] | None]]]:
    """Each of the user's workouts' events in arrival order, repeats (same version) dropped."""
    seen: dict[str, list[tuple[str, int, list[str] | None]]] = {}
    for event in events:
        detail = event["detail"]
        if detail["userId"] != user:
            continue
        arrived = seen.setdefault(detail["workoutId"], [])
        if detail["version"] not in [version for _, version, _ in arrived]:
            arrived.append((event["detail-type"], detail["version"], detail.get("changedFields")))
    return seen


def test_changes_over_http_are_exactly_their_events_in_order_per_workout(stack):
    from jsonschema import Draft202012Validator

    from support.terraform import ROOT
    from workout_local.event_docs import file_name

    user = f"events-{uuid.uuid4().hex[:8]}"
    url = f"{stack.url}/workouts"
    first = request("POST", url, workout(userId=user, workoutTimestamp="2026-11-20T07:00:00+01:00")).body
    second = request("POST", url, workout(userId=user, workoutType="yoga")).body
    request("PATCH", f"{url}/{first['workoutId']}", {"workoutType": "cycling"}, headers={"If-Match": '"1"'})
    refused = [
        request("PATCH", f"{url}/{first['workoutId']}", {"notes": "x"}, headers={"If-Match": '"1"'}),
        request("POST", url, workout(userId=user, durationMinutes=-1)),
        request("DELETE", f"{url}/{second['workoutId']}", headers={"If-Match": '"9"'}),
    ]
    request("PATCH", f"{url}/{first['workoutId']}", {"distanceKm": 4, "workoutTimestamp": "2026-11-20T07:00:00Z"})
    request("DELETE", f"{url}/{second['workoutId']}")

    events = stack.events()

    assert [answer.status for answer in refused] == [412, 400, 412]
    assert per_workout(events, user) == {
        first["workoutId"]: [("Workout Created", 1, None), ("Workout Updated", 2, ["workoutType"]),
                             ("Workout Updated", 3, ["workoutTimestamp", "utcOffset", "distanceKm"])],
        second["workoutId"]: [("Workout Created", 1, None), ("Workout Deleted", 2, None)],
    }  # fmt: skip
    mine = [e for e in events if e["detail"]["userId"] == user]
    assert {e["source"] for e in mine} == {"workout-log.dev"}
    for event in mine:
        schema = json.loads((ROOT / "docs" / "events" / file_name(event["detail-type"])).read_text())
        Draft202012Validator(schema).validate(event)


def test_make_runs_output_has_a_line_per_event(stack):
    from workout_local.streams import event_line

    user = f"lines-{uuid.uuid4().hex[:8]}"
    stored = request("POST", f"{stack.url}/workouts", workout(userId=user)).body
    (event,) = [e for e in stack.events() if e["detail"]["userId"] == user]

    line = event_line(event)

    assert line.startswith("event  ") and f"Workout Created {stored['workoutId']} v1 of {user} (running)" in line
