"""Reading the log: one user's workouts page by page (a date range, a type), and every user's workouts of one type
(the operator lookup). Each page costs at most `limit + 1` workouts read per partition it queries, whatever the
history; where it stopped travels in a page token (workout_log.logic.tokens)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

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


def _shard_positions(text: str, workout_type: str, shards: int, start: str, end: str) -> dict[int, str | None]:
    """The per-shard positions of a type page token, each checked against this query."""
    try:
        positions: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError:
        raise _stale() from None
    if not isinstance(positions, dict) or set(positions) != {str(shard) for shard in range(shards)}:
        raise _stale("was issued before the type index changed: start again without it")
    checked: dict[int, str | None] = {}
    for shard_text, position in positions.items():
        shard = int(shard_text)
        if position:
            try:
                key = json.loads(position)
                fits = key["workoutTypeShard"] == {"S": f"{workout_type}#{shard}"}
                _position(key["workoutTimestamp"]["S"], start, end)
            except (ValueError, KeyError, TypeError):
                raise _stale() from None
            if not fits:
                raise _stale()
        checked[shard] = position
    return checked


def type_workouts(
    workout_type: str,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    token: str | None,
    store: WorkoutStore,
    key_arn: str,
    shards: int,
) -> WorkoutPage:
    low, high = time_range(start, end)
    query = {"route": "type", "type": workout_type, "from": low, "to": high}
    after: dict[int, str | None] = {}
    if token is not None:
        after = _shard_positions(tokens.read(key_arn, query, token), workout_type, shards, low, high)
    page = store.type_workouts(workout_type, low, high, limit, after)
    return WorkoutPage(
        items=[workout_view(record) for record in page.records],
        nextToken=tokens.issue(key_arn, query, page.after) if page.after else None,
    )
