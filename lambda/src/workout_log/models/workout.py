"""The API's request and response bodies and query values. OpenAPI is generated from these models."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

# ":" is allowed too: under USER_BINDING=cognito the userId is a Cognito identity id, "region:GUID".
USER_ID_PATTERN = r"^[A-Za-z0-9_.@:-]{1,128}$"
# Workout ids are the UUIDs the service makes (lower-case, canonical form).
WORKOUT_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
# Workout types as the config module accepts them (modules/workout-log, variable workout_types).
WORKOUT_TYPE_PATTERN = r"^[a-z0-9_-]{1,64}$"
MAX_BODY_BYTES = 16 * 1024
MAX_CALORIES = 10_000
MAX_DISTANCE_KM = 1_000
MAX_NOTES_CHARS = 1_000
# The offsets of real time zones: from UTC-12:00 (Baker Island) to UTC+14:00 (Line Islands).
MOST_WEST, MOST_EAST = timedelta(hours=-12), timedelta(hours=14)

UserId = Annotated[str, Field(pattern=USER_ID_PATTERN, description="Letters, digits and _ . @ : -, 1-128 characters.")]
WorkoutId = Annotated[str, Field(pattern=WORKOUT_ID_PATTERN, description="The workoutId POST /workouts answered.")]


# Numbers are kept to this many decimal places (the API's documented precision). It keeps every stored value
# inside DynamoDB's number range (magnitudes from 1E-130, 38 significant digits) and in plain decimal notation.
DECIMAL_PLACES = 6
_ISO_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}")
_ISO_TEXT = "an ISO 8601 date and time with a time zone, e.g. 2026-11-24T20:09:00Z"


def _iso_text_or_null(value: object) -> object:
    # pydantic alone would read a number, or a string of digits, as Unix seconds; the API promises ISO 8601 text.
    if value is None:
        return None
    if not isinstance(value, str) or not _ISO_DATE_TIME.match(value):
        raise ValueError(f"must be {_ISO_TEXT}")
    return value


def _real_offset(value: datetime | None) -> datetime | None:
    offset = None if value is None else value.utcoffset()
    if offset is not None and (offset % timedelta(minutes=1) or not MOST_WEST <= offset <= MOST_EAST):
        raise ValueError("must have a UTC offset in whole minutes from -12:00 to +14:00")
    if value is not None:
        try:
            value.astimezone(UTC)
        except OverflowError:
            raise ValueError("must be between years 0001 and 9999 in UTC") from None
    return value


def _no_control_characters(value: str | None) -> str | None:
    if value is not None and any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise ValueError("must not contain control characters")
    return value


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMAL_PLACES) + 0.0


def _positive_when_rounded(value: float | None) -> float | None:
    if value is not None and value <= 0:
        raise ValueError(f"must be at least {10**-DECIMAL_PLACES:.{DECIMAL_PLACES}f}")
    return value


Rounded = AfterValidator(_rounded)

# The fields a workout is made of, shared by POST (WorkoutIn) and PATCH (WorkoutPatch), so both validate alike.
WorkoutType = Annotated[str, Field(min_length=1, max_length=64, description="One of the types configured in SSM.")]
Duration = Annotated[
    float,
    Field(strict=True, gt=0, description="Minutes, up to the maximum in SSM; kept to 6 decimal places."),
    Rounded,
    AfterValidator(_positive_when_rounded),
]
Calories = Annotated[float, Field(strict=True, ge=0, le=MAX_CALORIES, description="Kept to 6 decimal places."), Rounded]
Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_text_or_null),
    AfterValidator(_real_offset),
    Field(description="ISO 8601 with a zone; defaults to now. At most 5 minutes ahead, not before 2000."),
]
Distance = Annotated[
    float, Field(strict=True, ge=0, le=MAX_DISTANCE_KM, description="Kept to 6 decimal places."), Rounded
]
HeartRate = Annotated[int, Field(strict=True, ge=30, le=250)]
Notes = Annotated[str, Field(max_length=MAX_NOTES_CHARS), AfterValidator(_no_control_characters)]


class WorkoutIn(BaseModel):
    """POST /workouts body. Unknown fields are rejected so that a typo never silently drops data."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    userId: UserId
    workoutType: WorkoutType
    durationMinutes: Duration
    caloriesBurned: Calories
    workoutTimestamp: Moment | None = None
    distanceKm: Distance | None = None
    heartRateAvg: HeartRate | None = None
    notes: Notes | None = None


# Fields a merge patch may remove with null (RFC 7396); null on any other field is refused.
REMOVABLE = ("distanceKm", "heartRateAvg", "notes")


def _not_removable(value: object) -> object:
    if value is None:
        raise ValueError(f"cannot be removed (null removes only {', '.join(REMOVABLE)})")
    return value


Kept = BeforeValidator(_not_removable)


class WorkoutPatch(BaseModel):
    """PATCH /workouts/{workoutId} body, a JSON merge patch (RFC 7396): the fields present replace the stored ones,
    null removes an optional field, `{}` changes nothing. workoutId, userId and createdAt cannot be changed."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    workoutType: Annotated[WorkoutType | None, Kept] = None
    durationMinutes: Annotated[Duration | None, Kept] = None
    caloriesBurned: Annotated[Calories | None, Kept] = None
    workoutTimestamp: Annotated[Moment | None, Kept] = None
    distanceKm: Distance | None = None
    heartRateAvg: HeartRate | None = None
    notes: Notes | None = None


def plain_number(value: Decimal) -> int | float:
    """A stored amount as JSON shows it: 30, not 30.0 or Decimal("30")."""
    return int(value) if value == value.to_integral_value() else float(value)


# Amounts in answers: exact Decimals inside (as DynamoDB stores them), plain JSON numbers outside.
Amount = Annotated[Decimal, PlainSerializer(plain_number), WithJsonSchema({"type": "number"})]


def _absent(value: object) -> bool:
    return value is None


# An optional field of an answer: left out when the workout does not have it.
LEFT_OUT_WHEN_ABSENT = Field(default=None, exclude_if=_absent)


class Workout(BaseModel):
    """A stored workout, as the API returns it; optional fields the workout does not have are left out."""

    workoutId: str
    userId: str
    workoutType: str
    workoutTimestamp: str = Field(description="Normalised UTC time, e.g. 2026-11-24T20:09:00.000000Z.")
    utcOffset: str = Field(
        default="+00:00", description='The offset workoutTimestamp was sent with ("+00:00" when none was sent).'
    )
    durationMinutes: Amount
    caloriesBurned: Amount
    distanceKm: Amount | None = LEFT_OUT_WHEN_ABSENT
    heartRateAvg: int | None = LEFT_OUT_WHEN_ABSENT
    notes: str | None = LEFT_OUT_WHEN_ABSENT
    createdAt: str


class WorkoutPage(BaseModel):
    """One page of a list, newest first. `nextToken` continues the same query; null on the last page."""

    items: list[Workout]
    nextToken: str | None


class TypeTotals(BaseModel):
    workouts: int
    durationMinutes: Amount
    caloriesBurned: Amount


class PeriodTotals(BaseModel):
    """The workouts of one period (local dates, see GET /stats/{userId}), with their totals by type."""

    start: str = Field(description="First local date of the period, YYYY-MM-DD (a Monday for weeks).")
    workouts: int
    durationMinutes: Amount
    caloriesBurned: Amount
    distanceKm: Amount
    byType: dict[str, TypeTotals]


class UserStats(BaseModel):
    userId: str
    totalWorkouts: int
    totalDurationMinutes: Amount
    totalCaloriesBurned: Amount
    totalDistanceKm: Amount
    byType: dict[str, TypeTotals]
    recentWorkouts: list[Workout]
    lastWorkoutAt: str | None
    periods: list[PeriodTotals] | None = Field(
        default=None,
        exclude_if=_absent,
        description="With from, to and period: each period that holds a workout in [from, to), oldest first.",
    )


Period = Literal["day", "week", "month"]


class ErrorDetail(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorResponse(BaseModel):
    error: ErrorBody
    requestId: str | None


def utc_text(moment: datetime) -> str:
    """Fixed-width UTC text, so that string order is time order (the table's sort key relies on it). Written out
    field by field: strftime drops the zeros of years before 1000 on some platforms."""
    u = moment.astimezone(UTC)
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond:06d}Z"


def offset_text(moment: datetime) -> str:
    """The UTC offset of an aware time as "+05:30" ("+00:00" for UTC)."""
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
