"""Exact totals and exact change events under any history: a stateful property test (hypothesis'
RuleBasedStateMachine) drives POST (valid and refused), PATCH and DELETE, with current, stale and absent If-Match,
against the real handlers on moto, and checks them against a plain in-memory model of the log. After every step
the lifetime totals and per-type totals equal the model's; at the steps that check them, every page of
GET /workouts (with and without a type), GET /workouts/{id} and the periods of GET /stats for a random range and
granularity equal what the model holds. At the end of each history, the events on the bus (delivered from the
stream as Lambda's mapping would) are, per workout and after dropping repeated versions, exactly one per
successful change, in order, with the model's fields and versions; refused requests made none."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, get_args

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from support.handlers import Api
from support.oracle import answered_totals, period_of, totals
from workout_log.models.events import ChangedField

TYPES = ("running", "yoga", "rowing")
# Offsets at both ends of the real range and in between, so that local dates differ from UTC dates both ways.
OFFSETS = (-12 * 60, -5 * 60, 0, 5 * 60 + 30, 14 * 60)
START = datetime(2026, 1, 26, tzinfo=UTC)  # a Monday; the history spans eight days around a month's end

amounts = st.integers(1, 40_000).map(lambda n: n / 100)
moments = st.builds(
    lambda minutes, offset: (START + timedelta(minutes=minutes)).astimezone(timezone(timedelta(minutes=offset))),
    st.integers(0, 8 * 24 * 60),
    st.sampled_from(OFFSETS),
).map(lambda moment: moment.isoformat())
FIELDS = {
    "workoutType": st.sampled_from(TYPES),
    "durationMinutes": amounts.filter(lambda v: v <= 240),
    "caloriesBurned": amounts,
    "workoutTimestamp": moments,
}
OPTIONAL = {"distanceKm": amounts, "heartRateAvg": st.integers(30, 250), "notes": st.text("abc ", max_size=5)}
# What makes a POST a 400 (and no event), one field at a time.
REFUSED = [
    {"workoutType": "curling"},
    {"durationMinutes": 0},
    {"heartRateAvg": 251},
    {"workoutTimestamp": "2099-01-01T00:00:00Z"},
]
CHANGED_FIELDS = get_args(ChangedField)  # the order the events' schema lists changedFields in
PATCHES = st.fixed_dictionaries(
    {}, optional={**FIELDS, **{name: st.one_of(st.none(), values) for name, values in OPTIONAL.items()}}
)


def expected_view(stored: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """A merge patch applied to a workout as the API shows it, computed without the service's code."""
    view = dict(stored)
    for name, value in patch.items():
        if value is None:
            view.pop(name, None)
        elif name == "workoutTimestamp":
            moment = datetime.fromisoformat(value)
            view[name] = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            offset = int(moment.utcoffset().total_seconds() // 60)
            view["utcOffset"] = f"{'-' if offset < 0 else '+'}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
        else:
            view[name] = value
    return view


class WorkoutLog(RuleBasedStateMachine):
    workouts = Bundle("workouts")

    def __init__(self) -> None:
        super().__init__()
        self.api = Api()
        run = uuid.uuid4().hex[:8]
        self.users = (f"{run}-a", f"{run}-b")
        self.model: dict[str, dict[str, Any]] = {}  # workoutId -> the workout as the API must show it
        self.versions: dict[str, int] = {}
        self.events: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)  # workoutId -> its events

    def expect_event(self, detail_type: str, view: dict[str, Any], version: int, **extra: Any) -> None:
        detail = {name: view[name] for name in ("userId", "workoutId", "workoutType", "workoutTimestamp", "utcOffset")}
        self.events[view["workoutId"]].append((detail_type, {**detail, "version": version, **extra}))

    def of(self, user: str) -> list[dict[str, Any]]:
        return [w for w in self.model.values() if w["userId"] == user]

    @rule(target=workouts, who=st.integers(0, 1), fields=st.fixed_dictionaries(FIELDS, optional=OPTIONAL))
    def post(self, who: int, fields: dict[str, Any]) -> str:
        answer = self.api.post({"userId": self.users[who], **fields})
        assert answer.status == 201, answer.body
        assert answer.body == expected_view(
            {"workoutId": answer.body["workoutId"], "userId": self.users[who], "createdAt": answer.body["createdAt"]},
            fields,
        )
        self.model[answer.body["workoutId"]] = answer.body
        self.versions[answer.body["workoutId"]] = 1
        self.expect_event("Workout Created", answer.body, 1)
        return str(answer.body["workoutId"])

    @rule(who=st.integers(0, 1), fields=st.fixed_dictionaries(FIELDS), refused=st.sampled_from(REFUSED))
    def post_refused(self, who: int, fields: dict[str, Any], refused: dict[str, Any]) -> None:
        answer = self.api.post({"userId": self.users[who], **fields, **refused})
        assert answer.status == 400, answer.body

    @rule(workout=workouts, patch=PATCHES, condition=st.sampled_from(["current", "stale", "none"]))
    def patch(self, workout: str, patch: dict[str, Any], condition: str) -> None:
        version = self.versions.get(workout, 0)
        if_match = {"current": f'"{version}"', "stale": f'"{version + 1}"', "none": None}[condition]
        answer = self.api.patch(workout, patch, if_match=if_match)
        if workout not in self.model:
            assert answer.status == 404, answer.body
        elif condition == "stale":
            assert answer.status == 412, answer.body
        else:
            assert answer.status == 200, (patch, answer.body)
            expected = expected_view(self.model[workout], patch)
            assert answer.body == expected
            if expected != self.model[workout]:
                self.versions[workout] += 1
                changed = [name for name in CHANGED_FIELDS if expected.get(name) != self.model[workout].get(name)]
                self.expect_event("Workout Updated", expected, self.versions[workout], changedFields=changed)
            assert answer.headers["ETag"] == f'"{self.versions[workout]}"'
            self.model[workout] = expected

    @rule(workout=workouts, condition=st.sampled_from(["current", "stale", "none"]))
    def delete(self, workout: str, condition: str) -> None:
        version = self.versions.get(workout, 0)
        if_match = {"current": f'"{version}"', "stale": f'"{version + 1}"', "none": None}[condition]
        answer = self.api.delete(workout, if_match=if_match)
        if workout not in self.model:
            assert answer.status == 404, answer.body
        elif condition == "stale":
            assert answer.status == 412, answer.body
        else:
            assert answer.status == 204, answer.body
            self.expect_event("Workout Deleted", self.model[workout], version + 1)
            del self.model[workout]

    @invariant()
    def lifetime_totals_are_the_sums_of_the_model(self) -> None:
        for user in self.users:
            stats = self.api.stats(user, "recent=100").body
            assert answered_totals(stats, prefix="total") == totals(self.of(user))
            newest = sorted(self.of(user), key=lambda w: (w["workoutTimestamp"], w["workoutId"]), reverse=True)
            assert stats["recentWorkouts"] == newest

    @rule(who=st.integers(0, 1), workout_type=st.sampled_from([None, *TYPES]), limit=st.integers(1, 4))
    def every_page_lists_exactly_the_model(self, who: int, workout_type: str | None, limit: int) -> None:
        user = self.users[who]
        query = f"userId={user}&limit={limit}" + (f"&type={workout_type}" if workout_type else "")
        listed, token = [], None
        while True:
            answer = self.api.get("/workouts", query + (f"&nextToken={token}" if token else ""))
            assert answer.status == 200, answer.body
            assert len(answer.body["items"]) == limit or answer.body["nextToken"] is None
            listed += answer.body["items"]
            token = answer.body["nextToken"]
            if token is None:
                break
        mine = [w for w in self.of(user) if workout_type in (None, w["workoutType"])]
        assert listed == sorted(mine, key=lambda w: (w["workoutTimestamp"], w["workoutId"]), reverse=True)
        for workout in mine[:2]:
            read = self.api.get(f"/workouts/{workout['workoutId']}")
            assert (read.body, read.headers["ETag"]) == (workout, f'"{self.versions[workout["workoutId"]]}"')

    @rule(
        who=st.integers(0, 1),
        hours=st.tuples(st.integers(-24, 9 * 24), st.sampled_from([5, 24, 3 * 24, 10 * 24])),
        granularity=st.sampled_from(["day", "week", "month"]),
    )
    def every_period_is_the_sum_of_its_workouts(self, who: int, hours: tuple[int, int], granularity: str) -> None:
        """A random range, often cutting periods (at any hour, any offset)."""
        self.check_periods(self.users[who], START + timedelta(hours=hours[0]), timedelta(hours=hours[1]), granularity)

    def teardown(self) -> None:
        """At the end of each history: the whole range, every granularity, both users; and the change events."""
        for user in self.users:
            for granularity in ("day", "week", "month"):
                self.check_periods(user, START - timedelta(days=2), timedelta(days=12), granularity)
        published: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for event in self.changes.published():
            if event["detail"]["userId"] in self.users:
                arrived = (event["detail-type"], event["detail"])
                versions = [detail["version"] for _, detail in published[event["detail"]["workoutId"]]]
                if event["detail"]["version"] in versions:  # a repeat: the same event again
                    assert arrived in published[event["detail"]["workoutId"]], arrived
                else:
                    published[event["detail"]["workoutId"]].append(arrived)
        assert dict(published) == dict(self.events)

    def check_periods(self, user: str, start: datetime, length: timedelta, granularity: str) -> None:
        end = start + length
        text = {name: moment.strftime("%Y-%m-%dT%H:%M:%SZ") for name, moment in (("from", start), ("to", end))}
        answer = self.api.stats(user, f"from={text['from']}&to={text['to']}&period={granularity}")
        assert answer.status == 200, answer.body
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for w in self.of(user):
            if start <= datetime.fromisoformat(w["workoutTimestamp"].replace("Z", "+00:00")) < end:
                grouped[period_of(w["workoutTimestamp"], w["utcOffset"], granularity)].append(w)
        assert [(p["start"], answered_totals(p)) for p in answer.body["periods"]] == [
            (first, totals(ws)) for first, ws in sorted(grouped.items())
        ]


def test_totals_lists_periods_and_events_equal_the_model_after_any_history(aws, changes):
    WorkoutLog.changes = changes
    run_state_machine_as_test(
        WorkoutLog,
        settings=settings(
            max_examples=40,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
