"""Errors with an HTTP answer, raised by the HTTP layer only (request checks, the resolver and the handlers'
header checks); logic/ and dal/ raise the domain errors of `workout_log.models.errors`, which `workout_log.api` maps
to these."""

from __future__ import annotations

from dataclasses import dataclass, field

from workout_log.models.errors import FieldProblem


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
