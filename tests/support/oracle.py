"""What the tests check the service against, defined here from the standard library alone, never with the
service's own code: the local period a workout counts in, and a list of workouts' totals."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any


def period_of(utc_time: str, utc_offset: str, granularity: str) -> str:
    """The first local date (YYYY-MM-DD) of the day, ISO week (from Monday) or month a workout at `utc_time` sent
    with `utc_offset` ("+05:30") counts in."""
    sign = -1 if utc_offset.startswith("-") else 1
    hours, minutes = (int(part) for part in utc_offset[1:].split(":"))
    zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    day = datetime.fromisoformat(utc_time.replace("Z", "+00:00")).astimezone(zone).date()
    if granularity == "week":
        day -= timedelta(days=day.isocalendar().weekday - 1)
    elif granularity == "month":
        day = day.replace(day=1)
    return day.isoformat()


def totals(workouts: list[dict[str, Any]]) -> dict[str, Any]:
    """What a totals answer should say of `workouts` (as the API shows them), as exact decimals."""

    def total(name: str, among: list[dict[str, Any]]) -> Decimal:
        return sum((Decimal(str(w.get(name, 0))) for w in among), Decimal(0))

    by_type = defaultdict(list)
    for w in workouts:
        by_type[w["workoutType"]].append(w)
    return {
        "workouts": len(workouts),
        "durationMinutes": total("durationMinutes", workouts),
        "caloriesBurned": total("caloriesBurned", workouts),
        "distanceKm": total("distanceKm", workouts),
        "byType": {
            t: (len(ws), total("durationMinutes", ws), total("caloriesBurned", ws)) for t, ws in sorted(by_type.items())
        },
    }


def answered_totals(answer: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A totals answer (lifetime: prefix "total"; a period: no prefix) in the shape of `totals`."""

    def field(name: str) -> str:
        return f"{prefix}{name[0].upper()}{name[1:]}" if prefix else name

    return {
        "workouts": answer[field("workouts")],
        "durationMinutes": Decimal(str(answer[field("durationMinutes")])),
        "caloriesBurned": Decimal(str(answer[field("caloriesBurned")])),
        "distanceKm": Decimal(str(answer[field("distanceKm")])),
        "byType": {
            t: (v["workouts"], Decimal(str(v["durationMinutes"])), Decimal(str(v["caloriesBurned"])))
            for t, v in sorted(answer["byType"].items())
        },
    }
