"""Reading the log: one user's workouts page by page (a date range, a type), and every user's workouts of one type
(the operator lookup). Each page reads at most `limit + 1` workouts of one user's partition, or `limit + 2` of each
shard of the type index, whatever the history; where it stopped (one sort key) travels in a page token
(workout_log.logic.tokens)."""

from __future__ import annotations

import re
from datetime import datetime

from workout_log.dal.base import WorkoutStore
from workout_log.logic import tokens
from workout_log.logic.workouts import workout_view
from workout_log.models.errors import FieldProblem, InvalidRequest
from workout_log.models.workout import WorkoutPage, utc_text

# Bounds that sort before and after every stored time ("<UTC time>#<id>").
LOWEST, HIGHEST = "0", "~"
_SORT_KEY = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#[0-9a-f-]{36}$")


def time_range(start: datetime | None, end: datetime | None) -> tuple[str, str]:
    """[from, to) as stored text; from after to is a 400 naming from."""
    if start is not None and end is not None and start > end:
        raise InvalidRequest([FieldProblem("from", "must not be after to")])
    return (utc_text(start) if start else LOWEST), (utc_text(end) if end else HIGHEST)


def _stale(message: str = "does not fit this query: start again without it") -> InvalidRequest:
    return InvalidRequest([FieldProblem("nextToken", message)])


def _position(text: str, start: str, end: str) -> str:
    if not (_SORT_KEY.match(text) and start <= text < end):
        raise _stale()
    return text


def list_workouts(
    user_id: str,
    start: datetime | None,
    end: datetime | None,
    workout_type: str | None,
    limit: int,
    token: str | None,
    store: WorkoutStore,
    key_arn: str,
) -> WorkoutPage:
    low, high = time_range(start, end)
    query = {"route": "user", "userId": user_id, "from": low, "to": high, "type": workout_type}
    after = None if token is None else _position(tokens.read(key_arn, query, token), low, high)
    page = store.user_workouts(user_id, low, high, workout_type, limit, after)
    return WorkoutPage(
        items=[workout_view(record) for record in page.records],
        nextToken=tokens.issue(key_arn, query, page.after) if page.after else None,
    )


def type_workouts(
    workout_type: str,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    token: str | None,
    store: WorkoutStore,
    key_arn: str,
) -> WorkoutPage:
    low, high = time_range(start, end)
    query = {"route": "type", "type": workout_type, "from": low, "to": high}
    after = None if token is None else _position(tokens.read(key_arn, query, token), low, high)
    page = store.type_workouts(workout_type, low, high, limit, after)
    return WorkoutPage(
        items=[workout_view(record) for record in page.records],
        nextToken=tokens.issue(key_arn, query, page.after) if page.after else None,
    )
