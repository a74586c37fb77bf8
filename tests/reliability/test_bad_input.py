"""The bad input catalogue: every malformed request gets its documented 4xx, names the bad field, and leaves every
table exactly as it was."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from support.handlers import JSON, workout

ABSENT = None  # workout(field=None) leaves the field out


def post(body: Any = ABSENT, raw: str | bytes | None = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"method": "POST", "path": "/workouts", "body": body, "raw": raw, "headers": headers or JSON}


def get(path: str, query: str = "") -> dict[str, Any]:
    return {"method": "GET", "path": path, "query": query}


def patch(
    path: str, body: Any = ABSENT, raw: str | None = None, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    return {"method": "PATCH", "path": path, "body": body, "raw": raw, "headers": headers or JSON}


UNKNOWN_ID = "/workouts/00000000-0000-4000-8000-000000000000"


def after_required_fields(members: str) -> str:
    """A JSON object text: userId, workoutType and durationMinutes written out, then `members` as given."""
    return '{"userId": "u", "workoutType": "running", "durationMinutes": 30, ' + members + "}"


SIX_MINUTES_AHEAD = "six-minutes-ahead"  # resolved when the case runs

# (case id, request, status, error code, named fields)
CATALOGUE = [
    ("broken-json", post(raw='{"userId": '), 400, "validation_error", ["body"]),
    ("json-array", post(raw="[]"), 400, "validation_error", ["body"]),
    ("json-string", post(raw='"hello"'), 400, "validation_error", ["body"]),
    ("json-null", post(raw="null"), 400, "validation_error", ["body"]),
    ("missing-userId", post(workout(userId=ABSENT)), 400, "validation_error", ["userId"]),
    ("missing-workoutType", post(workout(workoutType=ABSENT)), 400, "validation_error", ["workoutType"]),
    ("missing-durationMinutes", post(workout(durationMinutes=ABSENT)), 400, "validation_error", ["durationMinutes"]),
    ("missing-caloriesBurned", post(workout(caloriesBurned=ABSENT)), 400, "validation_error", ["caloriesBurned"]),
    ("userId-empty", post(workout(userId="")), 400, "validation_error", ["userId"]),
    ("userId-129-chars", post(workout(userId="u" * 129)), 400, "validation_error", ["userId"]),
    ("userId-space", post(workout(userId="a b")), 400, "validation_error", ["userId"]),
    ("userId-control-char", post(workout(userId="a\u0000b")), 400, "validation_error", ["userId"]),
    ("userId-path-traversal", post(workout(userId="../../etc/passwd")), 400, "validation_error", ["userId"]),
    ("userId-number", post(workout(userId=123)), 400, "validation_error", ["userId"]),
    ("workoutType-unknown-in-ssm", post(workout(workoutType="curling")), 400, "validation_error", ["workoutType"]),
    ("workoutType-empty", post(workout(workoutType="")), 400, "validation_error", ["workoutType"]),
    ("workoutType-65-chars", post(workout(workoutType="r" * 65)), 400, "validation_error", ["workoutType"]),
    ("durationMinutes-zero", post(workout(durationMinutes=0)), 400, "validation_error", ["durationMinutes"]),
    ("durationMinutes-negative", post(workout(durationMinutes=-1)), 400, "validation_error", ["durationMinutes"]),
    ("durationMinutes-above-ssm-max", post(workout(durationMinutes=240.01)), 400, "validation_error",
     ["durationMinutes"]),
    ("durationMinutes-string", post(workout(durationMinutes="30")), 400, "validation_error", ["durationMinutes"]),
    ("durationMinutes-boolean", post(workout(durationMinutes=True)), 400, "validation_error", ["durationMinutes"]),
    ("caloriesBurned-negative", post(workout(caloriesBurned=-0.1)), 400, "validation_error", ["caloriesBurned"]),
    ("caloriesBurned-above-max", post(workout(caloriesBurned=10000.1)), 400, "validation_error", ["caloriesBurned"]),
    ("caloriesBurned-NaN", post(raw=after_required_fields('"caloriesBurned": NaN')), 400, "validation_error", ["body"]),
    ("caloriesBurned-Infinity", post(raw=after_required_fields('"caloriesBurned": Infinity')), 400,
     "validation_error", ["body"]),
    ("duplicate-userId", post(raw='{"userId": "a", "userId": "b", "workoutType": "running", "durationMinutes": 30, '
                                  '"caloriesBurned": 1}'), 400, "validation_error", ["userId"]),
    ("duplicate-nested-key", post(raw=after_required_fields('"caloriesBurned": 1, "x": {"k": 1, "k": 2}')), 400,
     "validation_error", ["k"]),
    ("invalid-utf8-in-string", post(raw=b'{"userId": "u\xff", "workoutType": "running", "durationMinutes": 30, '
                                        b'"caloriesBurned": 1}'), 400, "validation_error", ["body"]),
    ("utf8-byte-order-mark", post(raw=b'\xef\xbb\xbf{"userId": "u", "workoutType": "running", "durationMinutes": 30, '
                                      b'"caloriesBurned": 1}'), 400, "validation_error", ["body"]),
    ("lone-surrogate", post(raw=after_required_fields('"caloriesBurned": 1, "notes": "\\ud800"')), 400,
     "validation_error", ["notes"]),
    ("leading-zero", post(raw='{"userId": "u", "workoutType": "running", "durationMinutes": 030, '
                              '"caloriesBurned": 1}'), 400, "validation_error", ["body"]),
    ("trailing-dot", post(raw='{"userId": "u", "workoutType": "running", "durationMinutes": 30., '
                              '"caloriesBurned": 1}'), 400, "validation_error", ["body"]),
    ("caloriesBurned-1e400", post(raw=after_required_fields('"caloriesBurned": 1e400')), 400,
     "validation_error", ["caloriesBurned"]),
    ("caloriesBurned-huge-integer", post(workout(caloriesBurned=10**30)), 400, "validation_error", ["caloriesBurned"]),
    ("distanceKm-negative", post(workout(distanceKm=-1)), 400, "validation_error", ["distanceKm"]),
    ("distanceKm-above-max", post(workout(distanceKm=1000.5)), 400, "validation_error", ["distanceKm"]),
    ("heartRateAvg-below-min", post(workout(heartRateAvg=29)), 400, "validation_error", ["heartRateAvg"]),
    ("heartRateAvg-above-max", post(workout(heartRateAvg=251)), 400, "validation_error", ["heartRateAvg"]),
    ("heartRateAvg-fraction", post(workout(heartRateAvg=120.5)), 400, "validation_error", ["heartRateAvg"]),
    ("notes-1001-chars", post(workout(notes="n" * 1001)), 400, "validation_error", ["notes"]),
    ("notes-control-char", post(workout(notes="bell\u0007")), 400, "validation_error", ["notes"]),
    ("notes-number", post(workout(notes=5)), 400, "validation_error", ["notes"]),
    ("timestamp-without-zone", post(workout(workoutTimestamp="2026-01-01T10:00:00")), 400, "validation_error",
     ["workoutTimestamp"]),
    ("timestamp-far-future", post(workout(workoutTimestamp=SIX_MINUTES_AHEAD)), 400, "validation_error",
     ["workoutTimestamp"]),
    ("timestamp-ancient", post(workout(workoutTimestamp="1999-12-31T23:59:59Z")), 400, "validation_error",
     ["workoutTimestamp"]),
    ("timestamp-words", post(workout(workoutTimestamp="yesterday")), 400, "validation_error", ["workoutTimestamp"]),
    ("timestamp-epoch-number", post(workout(workoutTimestamp=1767225600)), 400, "validation_error",
     ["workoutTimestamp"]),
    ("unknown-field", post(workout(calories=300)), 400, "validation_error", ["calories"]),
    ("several-bad-fields", post(workout(durationMinutes=-5, heartRateAvg=400, notes="x" * 2000)), 400,
     "validation_error", ["durationMinutes", "heartRateAvg", "notes"]),
    ("oversized-body", post(workout(notes="x" * 17_000)), 413, "payload_too_large", []),
    ("text-plain", post(workout(), headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type", []),
    ("form-encoded", post(raw="userId=u&workoutType=running", headers={
        "Content-Type": "application/x-www-form-urlencoded"}), 415, "unsupported_media_type", []),
    ("no-content-type", post(workout(), headers={"Accept": "application/json"}), 415, "unsupported_media_type", []),
    ("idempotency-key-too-long", post(workout(), headers={**JSON, "Idempotency-Key": "k" * 129}), 400,
     "validation_error", ["Idempotency-Key"]),
    ("idempotency-key-spaces", post(workout(), headers={**JSON, "Idempotency-Key": "a key"}), 400,
     "validation_error", ["Idempotency-Key"]),
    ("stats-path-traversal", get("/stats/..%2F..%2Fetc"), 400, "validation_error", ["userId"]),
    ("stats-userId-space", get("/stats/a b"), 400, "validation_error", ["userId"]),
    ("stats-userId-129-chars", get("/stats/" + "u" * 129), 400, "validation_error", ["userId"]),
    ("stats-recent-zero", get("/stats/u", "recent=0"), 400, "validation_error", ["recent"]),
    ("stats-recent-101", get("/stats/u", "recent=101"), 400, "validation_error", ["recent"]),
    ("stats-recent-words", get("/stats/u", "recent=ten"), 400, "validation_error", ["recent"]),
    ("stats-recent-negative", get("/stats/u", "recent=-1"), 400, "validation_error", ["recent"]),
    ("delete-workouts", {"method": "DELETE", "path": "/workouts"}, 405, "method_not_allowed", []),
    ("put-stats", {"method": "PUT", "path": "/stats/u", "body": workout(), "headers": JSON}, 405,
     "method_not_allowed", []),
    ("unknown-route", get("/admin"), 404, "not_found", []),
    ("nested-stats-path", get("/stats/u/extra"), 404, "not_found", []),
    ("list-without-userId", get("/workouts"), 400, "validation_error", ["userId"]),
    ("list-userId-space", get("/workouts", "userId=a%20b"), 400, "validation_error", ["userId"]),
    ("list-from-after-to", get("/workouts", "userId=u&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"), 400,
     "validation_error", ["from"]),
    ("list-from-without-zone", get("/workouts", "userId=u&from=2026-02-01T00:00:00"), 400, "validation_error",
     ["from"]),
    ("list-to-as-epoch", get("/workouts", "userId=u&to=1767225600"), 400, "validation_error", ["to"]),
    ("list-offset-out-of-range", get("/workouts", "userId=u&to=2026-01-01T00:00:00%2B15:00"), 400,
     "validation_error", ["to"]),
    ("list-limit-zero", get("/workouts", "userId=u&limit=0"), 400, "validation_error", ["limit"]),
    ("list-limit-huge", get("/workouts", "userId=u&limit=1" + "0" * 40), 400, "validation_error", ["limit"]),
    ("list-type-unknown", get("/workouts", "userId=u&type=curling"), 400, "validation_error", ["type"]),
    ("list-token-not-base64", get("/workouts", "userId=u&nextToken=%25%25%25.%25"), 400, "validation_error",
     ["nextToken"]),
    ("list-token-overlong", get("/workouts", "userId=u&nextToken=" + "a" * 5000), 400, "validation_error",
     ["nextToken"]),
    ("get-id-malformed", get("/workouts/not-an-id"), 400, "validation_error", ["workoutId"]),
    ("get-id-overlong", get("/workouts/" + "a" * 300), 400, "validation_error", ["workoutId"]),
    ("get-id-unknown", get(UNKNOWN_ID), 404, "not_found", []),
    ("patch-id-unknown", patch(UNKNOWN_ID, {"notes": "x"}), 404, "not_found", []),
    ("patch-id-encoded", patch("/workouts/%2E%2E%2Fx", {"notes": "x"}), 400, "validation_error", ["workoutId"]),
    ("patch-type-null", patch(UNKNOWN_ID, raw='{"workoutType": null}'), 400, "validation_error", ["workoutType"]),
    ("patch-userId", patch(UNKNOWN_ID, {"userId": "other"}), 400, "validation_error", ["userId"]),
    ("patch-workoutId", patch(UNKNOWN_ID, {"workoutId": "other"}), 400, "validation_error", ["workoutId"]),
    ("patch-createdAt", patch(UNKNOWN_ID, {"createdAt": "2026-01-01T00:00:00Z"}), 400, "validation_error",
     ["createdAt"]),
    ("patch-unknown-field", patch(UNKNOWN_ID, {"calories": 1}), 400, "validation_error", ["calories"]),
    ("patch-not-an-object", patch(UNKNOWN_ID, raw="[]"), 400, "validation_error", ["body"]),
    ("patch-if-match-malformed", patch(UNKNOWN_ID, {"notes": "x"}, headers={**JSON, "If-Match": "1"}), 400,
     "validation_error", ["If-Match"]),
    ("patch-text-plain", patch(UNKNOWN_ID, {"notes": "x"}, headers={"Content-Type": "text/plain"}), 415,
     "unsupported_media_type", []),
    ("delete-id-unknown", {"method": "DELETE", "path": UNKNOWN_ID}, 404, "not_found", []),
    ("put-workout", {"method": "PUT", "path": UNKNOWN_ID, "body": workout(), "headers": JSON}, 405,
     "method_not_allowed", []),
    ("stats-period-without-to", get("/stats/u", "from=2026-01-01T00:00:00Z&period=day"), 400, "validation_error",
     ["to"]),
    ("stats-period-unknown", get("/stats/u", "from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&period=year"), 400,
     "validation_error", ["period"]),
    ("stats-367-days", get("/stats/u", "from=2026-01-01T00:00:00Z&to=2027-01-03T00:00:00Z&period=day"), 400,
     "validation_error", ["period"]),
    ("type-route-unknown-type", get("/types/curling/workouts"), 400, "validation_error", ["workoutType"]),
    ("type-route-bad-type", get("/types/Running!/workouts"), 400, "validation_error", ["workoutType"]),
    ("type-route-limit", get("/types/running/workouts", "limit=101"), 400, "validation_error", ["limit"]),
]  # fmt: skip


def everything_stored(names) -> dict[str, Any]:
    client = boto3.client("dynamodb", region_name="us-east-1")
    return {
        table: sorted(json.dumps(item, sort_keys=True) for item in client.scan(TableName=table)["Items"])
        for table in (names.workouts_table, names.stats_table, names.idempotency_table)
    }


def test_the_catalogue_is_large_and_distinct():
    assert len(CATALOGUE) >= 40
    assert len({case[0] for case in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize(("case", "request_", "status", "code", "fields"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_malformed_request(api, aws, case, request_, status, code, fields):
    api.post(workout(userId="existing"), headers={**JSON, "Idempotency-Key": "seed"})
    before = everything_stored(aws)
    body = request_.get("body")
    if isinstance(body, dict) and body.get("workoutTimestamp") == SIX_MINUTES_AHEAD:
        body = {**body, "workoutTimestamp": (datetime.now(UTC) + timedelta(minutes=6)).isoformat()}
    raw = request_.get("raw")
    text = raw if raw is not None else (json.dumps(body) if body is not None else None)

    answer = api.call(request_["method"], request_["path"], body=text, headers=request_.get("headers"),
                      query=request_.get("query", ""))  # fmt: skip

    assert answer.status == status, answer.body
    assert answer.body["error"]["code"] == code
    assert sorted(answer.error_fields) == sorted(fields)
    assert answer.body["requestId"]
    assert len(json.dumps(answer.body)) < 2_000, "the error echoes the input back"
    assert everything_stored(aws) == before


def test_the_reliability_document_quotes_this_catalogue():
    from support.terraform import ROOT

    document = (ROOT / "docs" / "RELIABILITY.md").read_text()

    assert f"{len(CATALOGUE)} malformed requests" in document
    assert f"{len(CATALOGUE)} distinct malformed requests" in document
