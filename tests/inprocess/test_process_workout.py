"""POST /workouts through the real handler, with API Gateway REST proxy events and moto."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.exceptions import ClientError

from support.handlers import JSON, workout
from support.inprocess import workout_items

UTC_TEXT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def test_stores_a_workout_and_answers_201_with_the_record(api, aws):
    answer = api.post(workout(distanceKm=5.2, heartRateAvg=150, notes="easy run"))

    assert answer.status == 201
    assert answer.body["userId"] == "user-1"
    assert answer.body["durationMinutes"] == 30
    assert answer.body["distanceKm"] == 5.2
    assert UTC_TEXT.match(answer.body["workoutTimestamp"])
    items = workout_items(aws.workouts_table)
    assert len(items) == 1
    assert items[0]["workoutId"]["S"] == answer.body["workoutId"]
    assert items[0]["workoutTimestamp"]["S"] == f"{answer.body['workoutTimestamp']}#{answer.body['workoutId']}"


def test_normalises_a_zoned_timestamp_to_utc(api):
    answer = api.post(workout(workoutTimestamp="2026-11-24T10:00:00+02:00"))

    assert answer.status == 201
    assert answer.body["workoutTimestamp"] == "2026-11-24T08:00:00.000000Z"


def test_defaults_the_timestamp_to_now(api):
    before = datetime.now(UTC)
    answer = api.post(workout())
    stored_at = datetime.strptime(answer.body["workoutTimestamp"], "%Y-%m-%dT%H:%M:%S.%f%z")

    assert before - timedelta(seconds=1) <= stored_at <= datetime.now(UTC)


def test_two_workouts_at_the_same_instant_are_both_stored(api, aws):
    same = "2026-01-01T07:00:00Z"
    first = api.post(workout(workoutTimestamp=same, caloriesBurned=100))
    second = api.post(workout(workoutTimestamp=same, caloriesBurned=200))

    assert (first.status, second.status) == (201, 201)
    assert len(workout_items(aws.workouts_table)) == 2
    assert api.stats("user-1").body["totalCaloriesBurned"] == 300


def test_accepts_a_base64_encoded_body(api):
    answer = api.post(None, raw=json.dumps(workout()), base64_body=True)

    assert answer.status == 201


def test_emits_emf_metrics_for_each_stored_workout(api, capsys):
    api.post(workout(caloriesBurned=250))

    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert emf and emf[-1]["WorkoutsLogged"] == [1.0] and emf[-1]["CaloriesBurned"] == [250.0]
    assert emf[-1]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service"]]


class TestIdempotency:
    def test_a_retry_with_the_same_key_returns_the_first_answer_and_stores_once(self, api, aws):
        headers = {**JSON, "Idempotency-Key": "retry-1"}
        first = api.post(workout(), headers=headers)
        again = api.post(workout(), headers=headers)

        assert (first.status, again.status) == (201, 201)
        assert again.body == first.body
        assert len(workout_items(aws.workouts_table)) == 1
        assert api.stats("user-1").body["totalWorkouts"] == 1

    def test_the_same_key_with_another_body_is_a_conflict(self, api, aws):
        headers = {**JSON, "Idempotency-Key": "retry-2"}
        api.post(workout(), headers=headers)
        other = api.post(workout(durationMinutes=45), headers=headers)

        assert other.status == 409
        assert other.body["error"]["code"] == "conflict"
        assert len(workout_items(aws.workouts_table)) == 1

    def test_keys_are_scoped_to_the_user(self, api, aws):
        headers = {**JSON, "Idempotency-Key": "shared"}
        assert api.post(workout(userId="alice"), headers=headers).status == 201
        assert api.post(workout(userId="bob"), headers=headers).status == 201
        assert len(workout_items(aws.workouts_table)) == 2

    def test_a_malformed_key_is_rejected(self, api, stored):
        answer = api.post(workout(), headers={**JSON, "Idempotency-Key": "x" * 200})

        assert answer.status == 400
        assert answer.error_fields == ["Idempotency-Key"]
        assert stored() == {"test-workouts": 0, "test-user-stats": 0, "test-idempotency": 0}


class TestRejections:
    @pytest.mark.parametrize(
        ("body", "fields"),
        [
            (workout(userId="has space"), ["userId"]),
            (workout(durationMinutes=0), ["durationMinutes"]),
            (workout(durationMinutes="30"), ["durationMinutes"]),
            (workout(caloriesBurned=10_001), ["caloriesBurned"]),
            (workout(heartRateAvg=29), ["heartRateAvg"]),
            (workout(distanceKm=1000.5), ["distanceKm"]),
            (workout(notes="x" * 1001), ["notes"]),
            (workout(workoutTimestamp="2026-01-01T00:00:00"), ["workoutTimestamp"]),
            (workout(workoutTimestamp=1700000000), ["workoutTimestamp"]),
            (workout(unexpected=1), ["unexpected"]),
            ({"userId": "u"}, ["workoutType", "durationMinutes", "caloriesBurned"]),
        ],
    )
    def test_invalid_fields_are_named(self, api, stored, body, fields):
        answer = api.post(body)

        assert answer.status == 400
        assert sorted(answer.error_fields) == sorted(fields)
        assert answer.body["requestId"]
        assert sum(stored().values()) == 0

    def test_types_and_limits_come_from_ssm(self, api, aws, stored):
        boto3.client("ssm").put_parameter(
            Name=f"{aws.parameter_prefix}/max-workout-duration-minutes", Value="60", Type="String", Overwrite=True
        )
        answer = api.post(workout(workoutType="curling", durationMinutes=61))

        assert answer.status == 400
        assert sorted(answer.error_fields) == ["durationMinutes", "workoutType"]
        assert "running" in answer.body["error"]["details"][0]["message"]
        assert sum(stored().values()) == 0

    @pytest.mark.parametrize(
        "moment",
        [
            lambda: datetime.now(UTC) + timedelta(minutes=6),  # computed when the test runs, not when collected
            lambda: datetime(1999, 12, 31, 23, 59, tzinfo=UTC),
        ],
        ids=["six-minutes-ahead", "before-2000"],
    )
    def test_timestamps_outside_the_window_are_rejected(self, api, moment):
        answer = api.post(workout(workoutTimestamp=moment().isoformat()))

        assert answer.status == 400
        assert answer.error_fields == ["workoutTimestamp"]

    def test_broken_json_is_a_400_naming_the_body(self, api, stored):
        answer = api.post(None, raw='{"userId": ')

        assert answer.status == 400
        assert answer.error_fields == ["body"]
        assert sum(stored().values()) == 0

    def test_an_oversized_body_is_a_413(self, api, stored):
        answer = api.post(None, raw=json.dumps(workout(notes="x" * 17_000)))

        assert answer.status == 413
        assert sum(stored().values()) == 0

    def test_a_non_json_content_type_is_a_415(self, api, stored):
        answer = api.post(workout(), headers={"Content-Type": "text/plain"})

        assert answer.status == 415
        assert sum(stored().values()) == 0

    def test_an_unknown_route_is_a_404_and_a_wrong_method_a_405(self, api):
        missing = api.call("GET", "/nothing-here")
        wrong = api.call("DELETE", "/workouts")

        assert missing.status == 404 and missing.body["error"]["code"] == "not_found"
        assert wrong.status == 405 and wrong.headers["Allow"] == "GET, POST"

    def test_the_error_body_does_not_echo_large_inputs(self, api):
        answer = api.post(workout(notes="secret-" * 200))

        assert "secret-" not in json.dumps(answer.body)


class TestUserBinding:
    def test_cognito_binding_requires_the_callers_identity_to_match(self, api, stored, monkeypatch):
        from workout_local.events import identity

        monkeypatch.setenv("USER_BINDING", "cognito")
        other = api.post(workout(userId="us-east-1:abc"), caller=identity(cognito_identity_id="us-east-1:xyz"))
        anonymous = api.post(workout(userId="us-east-1:abc"))
        same = api.post(workout(userId="us-east-1:abc"), caller=identity(cognito_identity_id="us-east-1:abc"))

        assert (other.status, anonymous.status, same.status) == (403, 403, 201)
        assert len(workout_items("test-workouts")) == 1

    def test_none_binding_lets_a_trusted_caller_act_for_any_user(self, api):
        from workout_local.events import identity

        caller = identity(user_arn="arn:aws:iam::123456789012:user/service")
        assert api.post(workout(userId="anyone"), caller=caller).status == 201


class TestFailures:
    def _failing(self, monkeypatch, code: str) -> None:
        from workout_log.dal.dynamodb import DynamoDBWorkoutStore

        def fail(self, record):
            raise ClientError({"Error": {"Code": code, "Message": "injected"}}, "TransactWriteItems")

        monkeypatch.setattr(DynamoDBWorkoutStore, "add_workout", fail)

    def test_throttling_is_a_503_with_retry_after(self, api, monkeypatch, stored):
        self._failing(monkeypatch, "ProvisionedThroughputExceededException")
        answer = api.post(workout())

        assert answer.status == 503
        assert answer.headers["Retry-After"] == "1"
        assert sum(stored().values()) == 0

    def test_an_unexpected_failure_is_a_500_without_internals(self, api, monkeypatch, logs):
        self._failing(monkeypatch, "InternalServerError")
        answer = api.post(workout(), request_id="req-123")

        assert answer.status == 500
        assert answer.body == {
            "error": {"code": "internal_error", "message": "An internal error occurred.", "details": []},
            "requestId": "req-123",
        }
        logged = logs("ERROR")
        assert logged and logged[0]["correlation_id"] == "req-123" and "injected" in logged[0]["exception"]

    def test_a_failed_write_releases_the_idempotency_key(self, api, monkeypatch, aws):
        headers = {**JSON, "Idempotency-Key": "after-failure"}
        self._failing(monkeypatch, "ThrottlingException")
        assert api.post(workout(), headers=headers).status == 503
        monkeypatch.undo()

        assert api.post(workout(), headers=headers).status == 201
        assert len(workout_items(aws.workouts_table)) == 1

    def test_a_missing_environment_variable_is_a_500_naming_it_in_the_log(self, api, monkeypatch, logs):
        monkeypatch.delenv("STATS_TABLE_NAME")
        answer = api.post(workout())

        assert answer.status == 500
        assert "STATS_TABLE_NAME (missing)" in logs("ERROR")[0]["exception"]

    def test_ssm_down_on_a_cold_start_is_a_503(self, api, monkeypatch, stored):
        from aws_lambda_powertools.utilities import parameters

        def down(*args, **kwargs):
            raise parameters.exceptions.GetParameterError("SSM unreachable")

        monkeypatch.setattr(parameters, "get_parameter", down)
        answer = api.post(workout())

        assert answer.status == 503 and "Retry-After" in answer.headers
        assert sum(stored().values()) == 0

    def test_ssm_down_after_a_good_read_serves_the_last_good_config(self, api, monkeypatch):
        from aws_lambda_powertools.utilities import parameters

        assert api.post(workout()).status == 201
        parameters.clear_caches()  # as if max_age had passed

        def down(*args, **kwargs):
            raise parameters.exceptions.GetParameterError("SSM unreachable")

        monkeypatch.setattr(parameters, "get_parameter", down)
        assert api.post(workout()).status == 201


def test_base64_helper_matches_api_gateway_encoding():
    from workout_local.events import api_event

    event = api_event("POST", "/workouts", body=b'{"a": 1}')
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b'{"a": 1}'


def test_a_metrics_failure_after_the_write_still_answers_201(api, aws, monkeypatch, logs):
    from workout_log.observability import metrics

    def broken(**kwargs):
        raise RuntimeError("metrics backend down")

    monkeypatch.setattr(metrics, "add_metric", broken)
    answer = api.post(workout(), headers={**JSON, "Idempotency-Key": "metrics-down"})

    assert answer.status == 201
    assert len(workout_items(aws.workouts_table)) == 1
    assert logs("ERROR")[0]["message"] == "metrics not recorded"


def test_with_metrics_disabled_no_metric_is_printed_or_kept_however_many_workouts(api, capsys, monkeypatch):
    """Powertools 3.37 keeps disabled metrics and prints them once 100 values gathered; the handler forgets them
    after each invocation (workout_log.observability.with_metrics)."""
    from workout_log.observability import metrics

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    for n in range(101):
        assert api.post(workout(caloriesBurned=n)).status == 201

    assert '"_aws"' not in capsys.readouterr().out
    assert not metrics.metric_set
