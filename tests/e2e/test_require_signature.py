"""With --require-signature the local gateway refuses unsigned requests, as AWS_IAM does."""

from __future__ import annotations

from support.handlers import workout
from support.http_client import request
from support.stack import running_local_stack
from workout_local.gateway import LOCAL_CALLERS


def test_unsigned_requests_are_refused_and_signed_ones_served(emulated):
    key = "AKIALOCALSERVICE0001"
    with running_local_stack(emulated["dev"], require_signature=True, log_level="WARNING") as stack:
        unsigned = request("POST", f"{stack.url}/workouts", workout())
        signed = request("POST", f"{stack.url}/workouts", workout(), sign_with=(key, LOCAL_CALLERS[key].secret_key))

    assert unsigned.status == 403
    assert unsigned.body["error"]["code"] == "MISSING_AUTHENTICATION_TOKEN"
    assert signed.status == 201
