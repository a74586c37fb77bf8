"""The local API over real HTTP: every route, every error class, idempotent retries, SigV4, correct totals."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from support.handlers import workout
from support.http_client import request
from support.stack import running_local_stack
from workout_local.gateway import LOCAL_CALLERS

SERVICE = ("AKIALOCALSERVICE0001", LOCAL_CALLERS["AKIALOCALSERVICE0001"].secret_key)
COGNITO = ("ASIALOCALCOGNITO0001", LOCAL_CALLERS["ASIALOCALCOGNITO0001"].secret_key)


def user() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}"


def test_post_then_get(stack):
    alice = user()
    created = request("POST", f"{stack.url}/workouts", workout(userId=alice, distanceKm=3))
    stats = request("GET", f"{stack.url}/stats/{alice}")

    assert created.status == 201
    assert created.headers["Content-Type"] == "application/json"
    assert stats.status == 200
    assert stats.body["totalWorkouts"] == 1
    assert stats.body["recentWorkouts"][0]["workoutId"] == created.body["workoutId"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("POST", "/workouts", {"raw": "{not json", "headers": {"Content-Type": "application/json"}}, 400,
         "validation_error"),
        ("POST", "/workouts", {"body": workout(durationMinutes=-1)}, 400, "validation_error"),
        ("POST", "/workouts", {"raw": "x" * 20_000, "headers": {"Content-Type": "application/json"}}, 413,
         "payload_too_large"),
        ("POST", "/workouts", {"raw": "userId=a", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
         415, "unsupported_media_type"),
        ("GET", "/stats/a?recent=500", {}, 400, "validation_error"),
        ("GET", "/nowhere", {}, 404, "not_found"),
        ("DELETE", "/stats/someone", {}, 405, "method_not_allowed"),
        ("PUT", "/workouts", {"body": workout()}, 405, "method_not_allowed"),
    ],
)  # fmt: skip
def test_error_classes(stack, method, path, kwargs, status, code):
    answer = request(method, f"{stack.url}{path}", **kwargs)

    assert answer.status == status
    assert answer.body["error"]["code"] == code
    assert answer.body["requestId"]


def test_idempotent_retries_store_once(stack):
    alice = user()
    headers = {"Idempotency-Key": f"k-{alice}"}
    answers = [request("POST", f"{stack.url}/workouts", workout(userId=alice), headers=headers) for _ in range(3)]
    changed = request("POST", f"{stack.url}/workouts", workout(userId=alice, caloriesBurned=1), headers=headers)

    assert {a.status for a in answers} == {201}
    assert len({json.dumps(a.body, sort_keys=True) for a in answers}) == 1
    assert changed.status == 409
    assert request("GET", f"{stack.url}/stats/{alice}").body["totalWorkouts"] == 1


class TestSigV4:
    def test_a_signed_request_is_accepted_and_the_identity_reaches_the_handler(self, emulated):
        """prod binds users to their Cognito identity (user_binding = "cognito" in environments/prod/main.tf)."""
        cognito_id = LOCAL_CALLERS["ASIALOCALCOGNITO0001"].cognito_identity_id
        if "prod" not in emulated:
            pytest.skip("prod is not among TEST_ENVIRONMENTS")
        assert {f.environment["USER_BINDING"] for f in emulated["prod"].deployment.functions().values()} == {"cognito"}
        with running_local_stack(emulated["prod"], log_level="WARNING") as bound:
            mine = request("POST", f"{bound.url}/workouts", workout(userId=cognito_id), sign_with=COGNITO)
            someone_else = request("POST", f"{bound.url}/workouts", workout(userId="us-east-1:x"), sign_with=COGNITO)
            service = request("GET", f"{bound.url}/stats/{cognito_id}", sign_with=SERVICE)

        assert mine.status == 201
        assert someone_else.status == 403
        assert service.status == 403  # an IAM user has no Cognito identity

    def test_a_wrong_secret_is_refused(self, stack):
        answer = request("GET", f"{stack.url}/stats/a", sign_with=(SERVICE[0], "not-the-secret"))

        assert answer.status == 403
        assert answer.body["error"]["code"] == "INVALID_SIGNATURE"

    def test_an_unknown_key_is_refused(self, stack):
        answer = request("GET", f"{stack.url}/stats/a", sign_with=("AKIAUNKNOWN000000000", "x"))

        assert answer.status == 403
        assert answer.body["error"]["code"] == "UNAUTHORIZED"

    def test_a_body_changed_after_signing_is_refused(self, stack):
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        url = f"{stack.url}/workouts"
        signed = AWSRequest("POST", url, data=json.dumps(workout()), headers={"Content-Type": "application/json"})
        SigV4Auth(Credentials(*SERVICE), "execute-api", "us-east-1").add_auth(signed)
        tampered = json.dumps(workout(caloriesBurned=9999))

        answer = request("POST", url, raw=tampered, headers=dict(signed.headers.items()))

        assert answer.status == 403


def test_many_concurrent_writes_give_exact_totals(stack):
    users = [user() for _ in range(8)]
    sent = [workout(userId=users[i % 8], caloriesBurned=i % 97, durationMinutes=1 + i % 60) for i in range(240)]

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda body: request("POST", f"{stack.url}/workouts", body).status, sent))

    assert statuses.count(201) == len(sent)
    for name in users:
        mine = [body for body in sent if body["userId"] == name]
        stats = request("GET", f"{stack.url}/stats/{name}").body
        assert stats["totalWorkouts"] == len(mine)
        assert stats["totalCaloriesBurned"] == sum(b["caloriesBurned"] for b in mine)
        assert stats["totalDurationMinutes"] == sum(b["durationMinutes"] for b in mine)


def test_the_served_openapi_document_is_the_committed_one(stack):
    from support.terraform import ROOT

    served = request("GET", f"{stack.url}/openapi.json").body
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())

    assert served == committed, "docs/openapi.json is stale: run `make openapi`"
