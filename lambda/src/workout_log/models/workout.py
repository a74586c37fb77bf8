"""The API's request and response bodies. OpenAPI is generated from these models."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated

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
MAX_BODY_BYTES = 16 * 1024
MAX_CALORIES = 10_000
MAX_DISTANCE_KM = 1_000
MAX_NOTES_CHARS = 1_000

UserId = Annotated[str, Field(pattern=USER_ID_PATTERN, description="Letters, digits and _ . @ : -, 1-128 characters.")]


# Numbers are kept to this many decimal places (the API's documented precision). It keeps every stored value
# inside DynamoDB's number range (magnitudes from 1E-130, 38 significant digits) and in plain decimal notation.
DECIMAL_PLACES = 6
_ISO_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}")


def _iso_text_or_null(value: object) -> object:
    # pydantic alone would read a number, or a string of digits, as Unix seconds; the API promises ISO 8601 text.
    if value is None:
        return None
    if not isinstance(value, str) or not _ISO_DATE_TIME.match(value):
        raise ValueError("must be an ISO 8601 date and time with a time zone, e.g. 2026-11-24T20:09:00Z")
    return value


def _no_control_characters(value: str | None) -> str | None:
    if value is not None and any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise ValueError("must not contain control characters")
    return value


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMAL_PLACES) + 0.0


def _positive_when_rounded(value: float) -> float:
    if value <= 0:
        raise ValueError(f"must be at least {10**-DECIMAL_PLACES:.{DECIMAL_PLACES}f}")
    return value


Rounded = AfterValidator(_rounded)


class WorkoutIn(BaseModel):
    """POST /workouts body. Unknown fields are rejected so that a typo never silently drops data."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    userId: UserId
    workoutType: Annotated[str, Field(min_length=1, max_length=64, description="One of the types configured in SSM.")]
    durationMinutes: Annotated[
        float,
        Field(strict=True, gt=0, description="Minutes, up to the maximum in SSM; kept to 6 decimal places."),
        Rounded,
        AfterValidator(_positive_when_rounded),
    ]
    caloriesBurned: Annotated[
        float, Field(strict=True, ge=0, le=MAX_CALORIES, description="Kept to 6 decimal places."), Rounded
    ]
    workoutTimestamp: Annotated[
        AwareDatetime | None,
        BeforeValidator(_iso_text_or_null),
        Field(description="ISO 8601 with a zone; defaults to now. At most 5 minutes ahead, not before 2000."),
    ] = None
    distanceKm: Annotated[
        float | None, Field(strict=True, ge=0, le=MAX_DISTANCE_KM, description="Kept to 6 decimal places."), Rounded
    ] = None
    heartRateAvg: Annotated[int | None, Field(strict=True, ge=30, le=250)] = None
    notes: Annotated[str | None, Field(max_length=MAX_NOTES_CHARS), AfterValidator(_no_control_characters)] = None


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
    durationMinutes: Amount
    caloriesBurned: Amount
    distanceKm: Amount | None = LEFT_OUT_WHEN_ABSENT
    heartRateAvg: int | None = LEFT_OUT_WHEN_ABSENT
    notes: str | None = LEFT_OUT_WHEN_ABSENT
    createdAt: str


class TypeTotals(BaseModel):
    workouts: int
    durationMinutes: Amount
    caloriesBurned: Amount


class UserStats(BaseModel):
    userId: str
    totalWorkouts: int
    totalDurationMinutes: Amount
    totalCaloriesBurned: Amount
    totalDistanceKm: Amount
    byType: dict[str, TypeTotals]
    recentWorkouts: list[Workout]
    lastWorkoutAt: str | None


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
    """Fixed-width UTC text, so that string order is time order (the table's sort key relies on it)."""
    from datetime import UTC

    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
