"""Who may act for a user.

API Gateway's AWS_IAM authorisation proves only that the caller holds valid AWS credentials. USER_BINDING says
how `userId` is tied to the caller:
- `none`: trusted service callers may act for any user.
- `cognito`: the caller's Cognito identity (`requestContext.identity.cognitoIdentityId`, set when the caller uses
  identity-pool credentials) must equal the `userId` of the request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workout_log.models.errors import NotPermitted


def ensure_may_act_for(user_id: str, request_context: dict[str, Any], binding: str) -> None:
    if binding == "none":
        return
    identity = (request_context or {}).get("identity") or {}
    caller = identity.get("cognitoIdentityId")
    if not caller:
        raise NotPermitted("This API requires Cognito identity credentials.")
    if caller != user_id:
        raise NotPermitted("The caller may not act for this userId.")


def visibility(request_context: dict[str, Any], binding: str) -> Callable[[str], bool]:
    """Whether the caller may see a given user's workouts (the routes by workout id answer 404 otherwise)."""

    def may_see(user_id: str) -> bool:
        try:
            ensure_may_act_for(user_id, request_context, binding)
        except NotPermitted:
            return False
        return True

    return may_see


def ensure_operator(request_context: dict[str, Any], binding: str) -> None:
    """The lookups across users are for operators: IAM principals. Under `cognito`, an end user's identity is
    refused; under `none` every caller is a trusted service (its IAM policy decides which routes it may invoke)."""
    identity = (request_context or {}).get("identity") or {}
    if binding == "cognito" and identity.get("cognitoIdentityId"):
        raise NotPermitted("This route is for operators (IAM principals), not for Cognito identities.")
