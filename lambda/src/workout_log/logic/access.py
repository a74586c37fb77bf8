"""Who may act for a user.

API Gateway's AWS_IAM authorisation proves only that the caller holds valid AWS credentials. USER_BINDING says
how `userId` is tied to the caller:
- `none`: trusted service callers may act for any user.
- `cognito`: the caller's Cognito identity (`requestContext.identity.cognitoIdentityId`, set when the caller uses
  identity-pool credentials) must equal the `userId` of the request.
"""

from __future__ import annotations

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
