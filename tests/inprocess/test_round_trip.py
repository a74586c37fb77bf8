"""Every field of a valid workout survives the trip: POST it, read it back in GET /stats recentWorkouts, in
GET /workouts and by its id, field for field, with the offset it was sent with. A field dropped by any mapper
(model -> record -> DynamoDB item -> record -> view, for each copy of the workout) fails this, whatever the other
suites happen to check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.inprocess import MAX_DURATION_MINUTES, WORKOUT_TYPES
from workout_log.models.workout import offset_text

NOW = datetime.now(UTC).replace(microsecond=0)


def _decimal(low: float, high: float, positive: bool = False) -> st.SearchStrategy[float]:
    values = st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)
    return values.map(lambda v: round(v, 6)).filter(lambda v: v > 0 if positive else True)


WORKOUTS = st.fixed_dictionaries(
    {
        "userId": st.from_regex(r"[A-Za-z0-9_.@:-]{1,40}", fullmatch=True),
        "workoutType": st.sampled_from(WORKOUT_TYPES),
        "durationMinutes": _decimal(0, MAX_DURATION_MINUTES, positive=True),
        "caloriesBurned": _decimal(0, 10_000),
    },
    optional={
        "workoutTimestamp": st.builds(
            lambda seconds, offset: (
                (NOW - timedelta(seconds=seconds)).astimezone(timezone(timedelta(minutes=offset))).isoformat()
            ),
            st.integers(0, 5 * 365 * 24 * 3600),
            st.integers(-12 * 60, 14 * 60),
        ),
        "distanceKm": _decimal(0, 1_000),
        "heartRateAvg": st.integers(30, 250),
        "notes": st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=200),
    },
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sent=WORKOUTS)
def test_every_field_of_a_posted_workout_comes_back_in_recent_workouts(api, sent):
    created = api.post(sent)
    assert created.status == 201, created.body

    recent = api.stats(sent["userId"], query="recent=100").body["recentWorkouts"]
    (stored,) = [w for w in recent if w["workoutId"] == created.body["workoutId"]]
    listed = api.get("/workouts", query=f"userId={quote(sent['userId'])}&limit=100").body["items"]
    by_id = api.get(f"/workouts/{created.body['workoutId']}").body

    assert stored == created.body == by_id
    assert [w for w in listed if w["workoutId"] == created.body["workoutId"]] == [created.body]
    for field, value in sent.items():
        if field == "workoutTimestamp":
            moment = datetime.fromisoformat(value)
            assert stored[field] == moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            assert stored["utcOffset"] == offset_text(moment)
        else:
            assert stored[field] == value, field
    if "workoutTimestamp" not in sent:
        assert stored["utcOffset"] == "+00:00", "no time sent: now, in UTC"
    expected = set(sent) | {"workoutId", "workoutTimestamp", "createdAt", "utcOffset"}
    assert {k for k, v in stored.items() if v is not None} == expected
