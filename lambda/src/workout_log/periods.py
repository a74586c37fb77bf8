"""Calendar arithmetic of the statistics' periods: local dates, and the day, ISO week (from Monday) or month that
holds one. Pure functions, shared by the logic (which periods a query spans) and the store (which totals a
workout counts in)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

Granularity = Literal["day", "week", "month"]


def parse_offset(text: str) -> timedelta:
    """ "+05:30" -> timedelta(hours=5, minutes=30)."""
    sign = -1 if text.startswith("-") else 1
    hours, minutes = text[1:].split(":")
    return sign * timedelta(hours=int(hours), minutes=int(minutes))


def utc_instant(text: str) -> datetime:
    """Stored UTC text -> an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def local_date(utc: str, offset: str) -> date:
    """The date where the workout happened: its UTC time shifted by the offset it was sent with."""
    return (utc_instant(utc) + parse_offset(offset)).date()


def period_start(day: date, granularity: Granularity) -> date:
    """The first date of the period that holds `day`: itself, its week's Monday, or its month's first."""
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def next_start(start: date, granularity: Granularity) -> date:
    """The first date of the period after the one starting on `start` (date.max's period has none: OverflowError)."""
    if granularity == "week":
        return start + timedelta(days=7)
    if granularity == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=1)
