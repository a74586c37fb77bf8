"""Domain errors. `workout_log.api` maps each to one HTTP response, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


@dataclass
class ApiError(Exception):
    """An error with a defined HTTP answer. `details` name the offending fields, never echo their values."""

    status: int
    code: str
    message: str
    details: list[FieldProblem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


def invalid(field_name: str, message: str) -> ApiError:
    return ApiError(400, "validation_error", "The request is invalid.", [FieldProblem(field_name, message)])


def forbidden(message: str) -> ApiError:
    return ApiError(403, "forbidden", message)


def conflict(message: str, retry_after: int | None = None) -> ApiError:
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    return ApiError(409, "conflict", message, headers=headers)


def unavailable(message: str, retry_after: int = 1) -> ApiError:
    return ApiError(503, "service_unavailable", message, headers={"Retry-After": str(retry_after)})


class ConfigurationError(RuntimeError):
    """The function's environment is incomplete: a deployment bug, answered with 500 and logged."""
