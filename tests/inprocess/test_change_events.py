"""Change events through the real path, in this process: the handlers write, moto's stream holds the records, the
mapping's stand-in (workout_local.streams) delivers them to the change-events handler, which puts them on a moto
EventBridge bus, where a rule copies them into a queue the test reads. Each test reads Given / When / Then.
(tests/inprocess/test_state_machine.py proves the exact events of any history; this file the cases and faults.)"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import boto3
from hypothesis import given, settings
from hypothesis import strategies as st

from support.handlers import workout
from support.inprocess import EVENT_SOURCE
from support.terraform import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

USER = "us-east-1:eve"


def of_workout(events: list[dict[str, Any]], workout_id: str) -> list[tuple[str, int, list[str] | None]]:
    return [
        (e["detail-type"], e["detail"]["version"], e["detail"].get("changedFields"))
        for e in events
        if e["detail"]["workoutId"] == workout_id
    ]


def validate(event: dict[str, Any]) -> None:
    """Against its detail-type's JSON Schema in docs/events and its message's payload in docs/asyncapi.json (both
    written by `make schemas`)."""
    from jsonschema import Draft202012Validator

    from workout_local.event_docs import file_name

    schema = json.loads((ROOT / "docs" / "events" / file_name(event["detail-type"])).read_text())
    Draft202012Validator(schema).validate(event)
    asyncapi = json.loads((ROOT / "docs" / "asyncapi.json").read_text())
    (message,) = [m for m in asyncapi["components"]["messages"].values() if m["name"] == event["detail-type"]]
    Draft202012Validator({**message["payload"], "components": asyncapi["components"]}).validate(event)


def test_the_asyncapi_document_is_asyncapi_3_naming_the_bus_and_every_detail_type():
    from pydantic_asyncapi.v3 import AsyncAPI

    from workout_log.models.events import DETAIL_TYPES

    document = json.loads((ROOT / "docs" / "asyncapi.json").read_text())
    AsyncAPI.model_validate(document)

    def refs(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            yield from ([node["$ref"]] if "$ref" in node else [])
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(document):
        target: Any = document
        for step in ref.removeprefix("#/").split("/"):
            target = target[step]  # a reference that does not resolve fails here
    assert document["asyncapi"] == "3.0.0"
    assert document["channels"]["changes"]["address"] == "workout-log-{environment}"
    assert {m["name"] for m in document["components"]["messages"].values()} == set(DETAIL_TYPES)


def test_a_workouts_life_is_three_kinds_of_event_each_at_the_version_after_its_change(api, changes):
    stored = api.post(workout(userId=USER, workoutTimestamp="2026-03-01T07:00:00+02:00", notes="private")).body
    workout_id = stored["workoutId"]
    api.patch(workout_id, {"durationMinutes": 45, "workoutTimestamp": "2026-03-01T07:00:00+01:00"}, if_match='"1"')
    api.patch(workout_id, {"notes": "still private"})
    api.delete(workout_id, if_match='"3"')

    events = changes.published()

    assert of_workout(events, workout_id) == [
        ("Workout Created", 1, None),
        ("Workout Updated", 2, ["workoutTimestamp", "utcOffset", "durationMinutes"]),
        ("Workout Updated", 3, ["notes"]),
        ("Workout Deleted", 4, None),
    ]
    created = events[0]
    assert (created["source"], created["detail"]) == (EVENT_SOURCE, {
        "userId": USER, "workoutId": workout_id, "workoutType": "running",
        "workoutTimestamp": "2026-03-01T05:00:00.000000Z", "utcOffset": "+02:00", "version": 1,
    })  # fmt: skip
    when = datetime.fromisoformat(created["time"].replace("Z", "+00:00"))
    assert abs(datetime.now(UTC) - when) < timedelta(minutes=1), "an event's time is its change's (the record's)"
    assert all("notes" not in e["detail"] for e in events), "free text stays out unless the environment opts in"
    for event in events:
        validate(event)


def test_rejected_and_empty_changes_make_no_event(api, changes):
    stored = api.post(workout(userId=USER)).body
    workout_id = stored["workoutId"]

    answers = [
        api.post(workout(userId=USER, workoutType="curling")),
        api.patch(workout_id, {"durationMinutes": 0}),
        api.patch(workout_id, {"notes": "late"}, if_match='"7"'),
        api.patch(workout_id, {}),
        api.patch(workout_id, {"durationMinutes": 30}),
        api.delete(workout_id, if_match='"2"'),
        api.delete("00000000-0000-4000-8000-000000000000"),
    ]

    assert [a.status for a in answers] == [400, 400, 412, 200, 200, 412, 404]
    assert of_workout(changes.published(), workout_id) == [("Workout Created", 1, None)]


def test_notes_are_published_only_where_the_environment_opts_in(api, changes, monkeypatch):
    from support.inprocess import reset_process_state

    monkeypatch.setenv("PUBLISH_NOTES", "true")
    reset_process_state()
    stored = api.post(workout(userId=USER, notes="tempo run")).body
    api.patch(stored["workoutId"], {"notes": None})

    events = changes.published()

    assert [e["detail"].get("notes") for e in events] == ["tempo run", None]
    assert events[1]["detail"]["changedFields"] == ["notes"]


def test_an_idempotent_retry_makes_no_second_event(api, changes):
    headers = {"Content-Type": "application/json", "Idempotency-Key": "once"}
    first = api.post(workout(userId=USER), headers=headers).body
    again = api.post(workout(userId=USER), headers=headers).body

    assert first == again
    assert of_workout(changes.published(), first["workoutId"]) == [("Workout Created", 1, None)]


def test_the_totals_the_other_copies_and_the_backfill_make_no_event(api, aws, changes):
    """Only by-id copies pass the mapping's filters; the copy the backfill makes for a workout of 1.0 is marked."""
    from backfill import backfill
    from workout_log.dal.base import WorkoutRecord
    from workout_log.dal.dynamodb import DynamoDBWorkoutStore, _to_item

    old = WorkoutRecord("00000000-0000-4000-8000-000000000001", USER, "yoga", "2026-01-01T08:00:00.000000Z",
                        Decimal(20), Decimal(90), "2026-01-01T08:00:00.000000Z")  # fmt: skip
    legacy = {
        k: v for k, v in _to_item(old, aws.shards).items() if k not in ("itemType", "ownerId", "utcOffset", "version")
    }
    client = boto3.client("dynamodb", region_name="us-east-1")
    client.put_item(TableName=aws.workouts_table, Item=legacy)

    backfill(DynamoDBWorkoutStore(client, aws.workouts_table, aws.stats_table, aws.shards), report=lambda _: None)
    new = api.post(workout(userId=USER)).body

    events = changes.published()

    assert [(e["detail-type"], e["detail"]["workoutId"]) for e in events] == [("Workout Created", new["workoutId"])]
    assert changes.poller.invocations == 1, "records that match no filter never invoke the function"


@contextlib.contextmanager
def put_events_failing(answers: Iterator[Any]) -> Iterator[list[Any]]:
    """Answer the change-events handler's PutEvents calls from `answers` ("throttle": the call fails after the
    SDK's retries; a set of entry positions: those entries are refused; None: moto answers), as EventBridge would."""
    from botocore.awsrequest import AWSResponse
    from moto.core.models import botocore_stubber

    from workout_log.aws import events_client

    client, calls = events_client(), []

    class Body:
        def __init__(self, payload: bytes) -> None:
            self.payload = payload

        def stream(self, **_: Any) -> Iterator[bytes]:
            yield self.payload

    def dispatch(event_name: str, request: Any, **kwargs: Any) -> Any:
        if not request.headers.get("X-Amz-Target", b"").endswith(b"PutEvents"):
            return botocore_stubber(event_name=event_name, request=request, **kwargs)
        answer = next(answers, None)
        calls.append(answer)
        if answer is None:
            return botocore_stubber(event_name=event_name, request=request, **kwargs)
        if answer == "throttle":
            body = json.dumps({"__type": "ThrottlingException", "message": "injected"}).encode()
            return AWSResponse(request.url, 400, {"x-amzn-ErrorType": "ThrottlingException"}, Body(body))
        entries = json.loads(request.body)["Entries"]
        results = [{"ErrorCode": "InternalFailure", "ErrorMessage": "injected"} if i in answer else {"EventId": f"e{i}"}
                   for i in range(len(entries))]  # fmt: skip
        accepted = [entry for i, entry in enumerate(entries) if i not in answer]
        if accepted:  # the entries EventBridge did accept reach the bus (sent by a client without this injection)
            boto3.client("events", region_name="us-east-1").put_events(Entries=accepted)
        body = json.dumps({"FailedEntryCount": len(answer), "Entries": results}).encode()
        return AWSResponse(request.url, 200, {}, Body(body))

    client.meta.events.unregister("before-send", botocore_stubber)
    client.meta.events.register("before-send", dispatch)
    try:
        yield calls
    finally:
        client.meta.events.unregister("before-send", dispatch)
        client.meta.events.register("before-send", botocore_stubber)


def changes_made(api, count: int) -> dict[str, list[int]]:
    """`count` workouts stored, each corrected once and every third deleted: workout -> its versions."""
    versions = {}
    for n in range(count):
        workout_id = api.post(workout(userId=USER, caloriesBurned=100 + n)).body["workoutId"]
        api.patch(workout_id, {"caloriesBurned": 200 + n})
        versions[workout_id] = [1, 2]
        if n % 3 == 0:
            api.delete(workout_id)
            versions[workout_id].append(3)
    return versions


def versions_on_the_bus(events: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Each workout's versions in arrival order, repeats dropped (a consumer's dedupe)."""
    seen: dict[str, list[int]] = {}
    for event in events:
        versions = seen.setdefault(event["detail"]["workoutId"], [])
        if event["detail"]["version"] not in versions:
            versions.append(event["detail"]["version"])
    return seen


def test_a_refused_entry_is_retried_from_there_and_nothing_overtakes_it(api, changes):
    """EventBridge refuses the second entry of the second call (another workout's than the first entry's): the
    handler reports that record, the mapping retries from it on, and every version arrives, in order per
    workout (some twice, with the same version)."""
    made = changes_made(api, 3)
    with put_events_failing(iter([None, {1}])) as calls:
        events = changes.published()

    assert calls[1] == {1} and len(calls) > 2, "the refusal was made, and the retry followed"
    assert versions_on_the_bus(events) == made
    assert changes.dead_letters() == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("abcdef"), max_size=40))
def test_a_put_events_call_never_holds_two_changes_of_one_workout(workouts):
    """So that a refused entry can never be overtaken by a later change of its workout in the same call."""
    from workout_log.logic.changes import ENTRIES_PER_CALL, _calls

    pending = [(str(n), {"Detail": json.dumps({"workoutId": w})}) for n, w in enumerate(workouts)]

    calls = _calls(pending)

    assert [item for call in calls for item in call] == pending, "in order, nothing lost"
    for call in calls:
        ids = [json.loads(entry["Detail"])["workoutId"] for _, entry in call]
        assert 1 <= len(call) <= ENTRIES_PER_CALL and len(set(ids)) == len(ids)


def test_when_the_bus_stays_down_the_batch_goes_to_the_dead_letter_queue_and_nothing_is_lost(api, changes):
    """Every PutEvents fails (after the SDK's retries) for as long as the mapping retries: the batch lands in the
    dead-letter queue. What reached the bus plus what the queue describes is every change; the redrive (the
    README's procedure) then publishes the rest, and every version arrives exactly once after dedupe."""
    from redrive_events import redrive

    made = changes_made(api, 6)
    changes_in_order = [(w, v) for w, vs in made.items() for v in vs]
    with put_events_failing(iter(["throttle"] * 100)):
        events = changes.published()
    dead = changes.dead_letters()

    assert events == [] and len(dead) == 1
    info = dead[0]["DDBStreamBatchInfo"]
    assert dead[0]["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert info["batchSize"] == len(changes_in_order), "the queue describes every change the bus did not get"

    def publish(records: list[dict[str, Any]]) -> bool:
        answer = changes.poller._invoke({"Records": records})
        return not answer["batchItemFailures"]

    sqs, streams = (
        boto3.client("sqs", region_name="us-east-1"),
        boto3.client("dynamodbstreams", region_name="us-east-1"),
    )
    done = redrive(sqs, streams, changes.dead_letters_url, publish, "us-east-1", report=lambda _: None)

    assert (done.batches, done.failed) == (1, []) and done.records >= len(changes_in_order)
    assert versions_on_the_bus(changes.published()) == made
