"""Domain errors: what went wrong, in the service's terms, with no HTTP in them. `workout_log.api` gives each kind
one HTTP answer (status, code, headers), in one table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class DomainError(Exception):
    """A failure the caller is told about. `message` is for the caller: it never echoes the caller's values."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(DomainError):
    """The request breaks a rule; `problems` name each offending field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("The request is invalid.")
        self.problems = problems


class NotPermitted(DomainError):
    """The caller may not act for this user."""


class NotFound(DomainError):
    """No such workout for this caller (also when it exists but belongs to a user the caller may not act for)."""


class PreconditionFailed(DomainError):
    """The workout is not at the version the caller's If-Match names: nothing was changed."""


class IdempotencyKeyReused(DomainError):
    """The Idempotency-Key was used before with a different request."""


class Retryable(DomainError):
    """Nothing was done; the same request may succeed after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RequestInProgress(Retryable):
    """A request with the same Idempotency-Key is still running."""


class ChangeContended(Retryable):
    """Other changes of the same workout kept winning the race: nothing was changed; the same request may succeed."""


class DependencyUnavailable(Retryable):
    """A store the service needs cannot answer now (the configuration store, before any good read)."""


class ConfigurationError(RuntimeError):
    """The function's environment is incomplete: a deployment bug, answered with 500 and logged."""
