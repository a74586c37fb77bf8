"""No input a client can send makes a handler raise or answer 5xx: generated events (bodies, encodings, headers,
content types, paths, methods and event shapes) drive both handlers in-process, 5,000 examples per run,
derandomised so that CI runs the same cases every time."""

from __future__ import annotations

import json
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.handlers import workout
from support.hostile import JSON_MEDIA_TYPES, JSON_VALUES, OTHER_MEDIA_TYPES, assert_proxy_response, handle
from workout_local.events import api_event, match_resource

EXAMPLES = 5_000

FIELD_VALUES = st.one_of(
    JSON_VALUES,
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.text(max_size=40),
    st.sampled_from(["running", "cycling", "2026-11-24T10:00:00Z", "1767225600", "", "u", "us-east-1:x"]),
)
WORKOUT_BODIES = st.builds(
    lambda base, changes, drop: {k: v for k, v in {**base, **changes}.items() if k not in drop},
    st.builds(lambda user: workout(userId=user), st.sampled_from(["fuzz-1", "fuzz-2", "fuzz-3"])),
    st.dictionaries(
        st.sampled_from([*workout(), "workoutTimestamp", "distanceKm", "heartRateAvg", "notes", "extra"]),
        FIELD_VALUES,
        max_size=3,
    ),
    st.sets(st.sampled_from(list(workout())), max_size=1),
)
BODIES = st.one_of(
    WORKOUT_BODIES.map(lambda body: json.dumps(body).encode()),
    JSON_VALUES.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.none(),
)
PATHS = st.one_of(
    st.sampled_from(
        [
            "/workouts",
            "/workouts/",
            "/prod/workouts",
            "/stats/fuzz-1",
            "/stats/fuzz-1/",
            "/stats/",
            "/stats/us-east-1%3Aabc",
            "/stats/a%0A",
            "/stats/a/b",
            "/workouts/00000000-0000-4000-8000-000000000000",
            "/workouts/not-an-id",
            "/workouts/%2E%2E",
            "/types/running/workouts",
            "/types/Running/workouts",
            "/types/x%00/workouts",
            "/",
            "/nowhere",
        ]
    ),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30).map(lambda text: "/" + text),
)
HEADERS = st.dictionaries(
    st.sampled_from(["Content-Type", "content-type", "Content-Encoding", "Idempotency-Key", "If-Match", "X-Other"]),
    st.one_of(JSON_MEDIA_TYPES, OTHER_MEDIA_TYPES, st.text(max_size=20), st.sampled_from(['"1"', "*", 'W/"1"'])),
    max_size=3,
)
# Query strings of every route: ranges at the ISO and DynamoDB limits, page sizes beyond any integer, tokens that
# are not tokens, periods and types that do not exist.
QUERIES = st.one_of(
    st.sampled_from(
        [
            "",
            "recent=5",
            "recent=0",
            "recent=abc",
            "recent=1&recent=2",
            "x=%FF",
            "userId=fuzz-1",
            "userId=fuzz-1&type=running",
            "userId=fuzz-1&type=curling",
            "userId=fuzz-1&limit=99999999999999999999999999999",
            "userId=fuzz-1&limit=-1",
            "userId=fuzz-1&from=0001-01-01T00:00:00%2B14:00",
            "userId=fuzz-1&to=9999-12-31T23:59:59-12:00",
            "userId=fuzz-1&from=2026-01-01T00:00:00Z&to=2025-01-01T00:00:00Z",
            "from=0001-01-01T00:00:00Z&to=0001-01-03T00:00:00Z&period=day",
            "from=9999-12-30T00:00:00Z&to=9999-12-31T23:59:59Z&period=month",
            "from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&period=fortnight",
            "userId=fuzz-1&nextToken=%FF%FE",
            "userId=fuzz-1&nextToken=a.b",
            "nextToken=..",
            "limit=3&nextToken=",
        ]
    ),
    st.builds(
        lambda name, value: f"{name}={value}",
        st.sampled_from(["userId", "from", "to", "type", "limit", "nextToken", "period"]),
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30).map(
            lambda text: quote(text, safe="")
        ),
    ),
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    method=st.sampled_from(["POST", "GET", "PUT", "DELETE", "PATCH"]),
    path=PATHS,
    body=BODIES,
    headers=HEADERS,
    base64_body=st.booleans(),
    query=QUERIES,
    damage=st.dictionaries(
        st.sampled_from(["resource", "pathParameters", "requestContext", "isBase64Encoded", "body", "headers"]),
        JSON_VALUES,
        max_size=1,
    ),
)
def test_no_generated_request_gets_a_5xx_or_an_exception(aws, method, path, body, headers, base64_body, query, damage):
    event = api_event(method, path, body=body if base64_body or body is None else _text(body), headers=headers,
                      query=query, base64_body=base64_body)  # fmt: skip
    event.update(damage)
    # As API Gateway routes with the composition's routes: GETs of known paths to the read function.
    which = "stats" if method == "GET" and match_resource(path)[0] is not None else "process"

    assert_proxy_response(handle(event, which), range(200, 500))


def _text(body: bytes) -> str:
    """A body sent as text: UTF-8 where the bytes are (lone surrogates kept), else read as Latin-1."""
    try:
        return body.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return body.decode("latin-1")
