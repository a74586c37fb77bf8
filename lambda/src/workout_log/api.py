"""The HTTP surface shared by both handlers: the resolver, request pre-checks and the mapping of every error to
one JSON shape, in one place:

    {"error": {"code": ..., "message": ..., "details": [{"field": ..., "message": ...}]}, "requestId": ...}
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import (
        OpenAPIResponse,
        OpenAPIResponseContentModel,
        OpenAPIResponseContentSchema,
    )

from workout_log.http_errors import ApiError
from workout_log.models.errors import (
    ChangeContended,
    ConfigurationError,
    DependencyUnavailable,
    DomainError,
    FieldProblem,
    IdempotencyKeyReused,
    InvalidRequest,
    NotFound,
    NotPermitted,
    PreconditionFailed,
    RequestInProgress,
    Retryable,
)
from workout_log.observability import logger
from workout_log.request import capped, echo, normalise

# Every route the service serves, in API Gateway's path syntax, so that a known path with another method is a 405,
# not a 404. The handlers register these paths (route_rule); Terraform's routes are checked against them on the
# applied API (tests/contract/test_contract.py). The write function serves POST, PATCH and DELETE, the read-only
# function every GET.
WORKOUTS_PATH = "/workouts"
WORKOUT_PATH = "/workouts/{workoutId}"
STATS_PATH = "/stats/{userId}"
TYPE_WORKOUTS_PATH = "/types/{workoutType}/workouts"
ROUTES: dict[str, tuple[str, ...]] = {
    WORKOUTS_PATH: ("GET", "POST"),
    WORKOUT_PATH: ("DELETE", "GET", "PATCH"),
    STATS_PATH: ("GET",),
    TYPE_WORKOUTS_PATH: ("GET",),
}
_ROUTE_PATTERNS = [(re.compile(re.sub(r"\{[^/]+\}", "[^/]+", path)), methods) for path, methods in ROUTES.items()]

# DynamoDB error codes that mean "slow down": answered 503 with Retry-After once the SDK's own retries are spent.
THROTTLING_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TransactionConflictException",
    "TransactionInProgressException",
}
_RETRYABLE_CANCELLATION_REASONS = {"ThrottlingError", "TransactionConflict", "ProvisionedThroughputExceeded"}


# The one mapping of domain errors (workout_log.models.errors) to HTTP: status and error code. A Retryable error
# also sends Retry-After. The most specific class listed for an error's type wins.
DOMAIN_ANSWERS: dict[type[DomainError], tuple[int, str]] = {
    InvalidRequest: (400, "validation_error"),
    NotPermitted: (403, "forbidden"),
    NotFound: (404, "not_found"),
    IdempotencyKeyReused: (409, "conflict"),
    RequestInProgress: (409, "conflict"),
    ChangeContended: (409, "conflict"),
    PreconditionFailed: (412, "precondition_failed"),
    DependencyUnavailable: (503, "service_unavailable"),
}


def answer_for(error: DomainError) -> ApiError:
    """The HTTP answer to a domain error."""
    kind = next((cls for cls in type(error).__mro__ if cls in DOMAIN_ANSWERS), None)
    if kind is None:  # a domain error without an answer is a bug here: a 500, logged
        logger.error("no HTTP answer for a domain error", extra={"error": type(error).__name__})
        return ApiError(500, "internal_error", "An internal error occurred.")
    status, code = DOMAIN_ANSWERS[kind]
    details = error.problems if isinstance(error, InvalidRequest) else []
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, Retryable) else {}
    return ApiError(status, code, error.message, details, headers)


def route_rule(path: str) -> str:
    """A path in Powertools' rule syntax: "/stats/{userId}" -> "/stats/<userId>"."""
    return re.sub(r"\{([^/]+)\}", r"<\1>", path)


def error_responses(descriptions: dict[int, str]) -> dict[int, OpenAPIResponse]:
    """OpenAPI entries for error statuses, all in the shared error shape."""
    from workout_log.models.workout import ErrorResponse

    content: dict[str, OpenAPIResponseContentSchema | OpenAPIResponseContentModel] = {
        "application/json": {"schema": ErrorResponse.model_json_schema()}
    }
    return {status: {"description": text, "content": content} for status, text in descriptions.items()}


def error_body(error: ApiError, request_id: str | None) -> dict[str, Any]:
    return {
        "error": {
            "code": error.code,
            "message": error.message,
            "details": [{"field": p.field, "message": p.message} for p in error.details],
        },
        "requestId": request_id,
    }


def _request_id(event: dict[str, Any]) -> str | None:
    context = event.get("requestContext")
    request_id = context.get("requestId") if isinstance(context, dict) else None
    return request_id if isinstance(request_id, str) else None


def _error_response(error: ApiError, request_id: str | None) -> Response[str]:
    return Response(
        status_code=error.status,
        content_type="application/json",
        body=json.dumps(error_body(error, request_id)),
        headers=error.headers,
    )


def _field_name(location: tuple[Any, ...]) -> str:
    # ("body", "durationMinutes") -> "durationMinutes"; ("query", "recent") -> "recent"; ("body",) -> "body"
    parts = [echo(str(part)) for part in location[1:] if not isinstance(part, int)] or [str(location[0])]
    return ".".join(parts)


def _validation_problems(exc: RequestValidationError) -> list[FieldProblem]:
    problems = []
    for err in exc.errors():
        location = tuple(err.get("loc", ("body",)))
        if err.get("type") == "json_invalid":
            problems.append(FieldProblem("body", "is not valid JSON"))
        elif err.get("type") == "missing" and location == ("body",):
            problems.append(FieldProblem("body", "is required (a JSON object)"))
        elif err.get("type") == "extra_forbidden":
            problems.append(FieldProblem(_field_name(location), "is not a known field"))
        elif err.get("type") == "model_attributes_type":
            problems.append(FieldProblem("body", "must be a JSON object"))
        else:
            problems.append(FieldProblem(_field_name(location), str(err.get("msg", "is invalid"))))
    return capped(problems)


def _is_throttling(exc: Exception) -> bool:
    response = getattr(exc, "response", None) or {}
    code = (response.get("Error") or {}).get("Code")
    if code in THROTTLING_CODES:
        return True
    if code == "TransactionCanceledException":
        reasons = {reason.get("Code") for reason in response.get("CancellationReasons") or []}
        return bool(reasons & _RETRYABLE_CANCELLATION_REASONS)
    return False


def build_app(router: Router) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True)
    app.include_router(router)

    def request_id() -> str | None:
        return _request_id(app.current_event.raw_event)

    @app.exception_handler(RequestValidationError)
    def on_validation_error(exc: RequestValidationError) -> Response[str]:
        error = ApiError(400, "validation_error", "The request is invalid.", _validation_problems(exc))
        return _error_response(error, request_id())

    def answer(error: ApiError) -> Response[str]:
        if error.status >= 500:
            logger.warning("request failed", extra={"status": error.status, "code": error.code})
        return _error_response(error, request_id())

    @app.exception_handler(ApiError)
    def on_api_error(exc: ApiError) -> Response[str]:
        return answer(exc)

    @app.exception_handler(DomainError)
    def on_domain_error(exc: DomainError) -> Response[str]:
        return answer(answer_for(exc))

    @app.exception_handler(Exception)
    def on_unexpected(exc: Exception) -> Response[str]:
        if _is_throttling(exc):
            logger.warning("DynamoDB throttled after retries", extra={"error": str(exc)})
            error = ApiError(
                503, "service_unavailable", "The service is busy; retry later.", headers={"Retry-After": "1"}
            )
        else:
            level = "configuration" if isinstance(exc, ConfigurationError) else "unexpected"
            logger.exception(f"{level} error")
            error = ApiError(500, "internal_error", "An internal error occurred.")
        return _error_response(error, request_id())

    @app.not_found
    def on_not_found(_: Exception) -> Response[str]:
        path, method = app.current_event.path, app.current_event.http_method
        for pattern, methods in _ROUTE_PATTERNS:
            if pattern.fullmatch(path) and method not in methods:
                error = ApiError(
                    405, "method_not_allowed", f"{method} is not allowed here.", headers={"Allow": ", ".join(methods)}
                )
                return _error_response(error, request_id())
        return _error_response(ApiError(404, "not_found", "No such route."), request_id())

    return app


def resolve(app: APIGatewayRestResolver, event: Any, context: Any) -> dict[str, Any]:
    """Answer one proxy event. Whatever the event holds, the answer is a proxy response, never an exception."""
    try:
        event = normalise(event, ROUTES)
    except ApiError as error:
        logger.info("request refused before routing", extra={"status": error.status, "code": error.code})
        headers = {"Content-Type": "application/json", **error.headers}
        return {
            "statusCode": error.status,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "body": json.dumps(error_body(error, _request_id(event if isinstance(event, dict) else {}))),
            "isBase64Encoded": False,
        }
    return app.resolve(event, context)
