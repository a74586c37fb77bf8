"""The hostile-input classes over real HTTP, through the local gateway and the worker processes that run the
handlers as Lambda does: generated raw bodies (any bytes), content types, encodings and paths never get a 5xx, and
every error is the API's JSON error shape. The in-process suite (tests/reliability/test_no_5xx.py) runs 5,000
examples; this one runs the same classes over the wire."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.handlers import workout
from support.hostile import JSON_MEDIA_TYPES, JSON_VALUES, OTHER_MEDIA_TYPES
from support.http_client import request

EXAMPLES = 250

BODIES = st.one_of(
    st.builds(
        lambda changes: json.dumps({**workout(userId="http-fuzz"), **changes}).encode(),
        st.dictionaries(
            st.sampled_from(["durationMinutes", "notes", "workoutTimestamp", "heartRateAvg", "x"]),
            JSON_VALUES,
            max_size=2,
        ),
    ),
    JSON_VALUES.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=300),
    st.sampled_from([b'{"userId": "a", "userId": "b"}', b'{"notes": "\xff"}', b"\xef\xbb\xbf{}", b"[" * 3000]),
)
PATHS = st.sampled_from(["/workouts", "/workouts/", "/stats/http-fuzz", "/stats/http-fuzz/", "/stats/a%0A",
                         "/stats/us-east-1%3Aabc", "/stats/a%2Fb", "/stats/%FF", "/nowhere"])  # fmt: skip


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    method=st.sampled_from(["POST", "GET", "PUT"]),
    path=PATHS,
    body=BODIES,
    content_type=st.one_of(JSON_MEDIA_TYPES, OTHER_MEDIA_TYPES),
    encoding=st.sampled_from([None, "gzip", "identity"]),
)
def test_no_request_over_http_gets_a_5xx(stack, method, path, body, content_type, encoding):
    headers = {"Content-Type": content_type, **({"Content-Encoding": encoding} if encoding else {})}
    answer = request(method, f"{stack.url}{path}", raw=body, headers=headers)

    assert answer.status < 500, (method, path, body[:100], headers, answer.body)
    if answer.status >= 400:
        assert set(answer.body) == {"error", "requestId"}, answer.body


DIFFERENTIALS = {
    "duplicate key": b'{"userId": "%s", "userId": "other", "workoutType": "running", "durationMinutes": 30, '
    b'"caloriesBurned": 1}',
    "invalid UTF-8 in a string": b'{"userId": "%s", "workoutType": "running", "durationMinutes": 30, '
    b'"caloriesBurned": 1, "notes": "\xff\xfe"}',
    "byte-order mark": b'\xef\xbb\xbf{"userId": "%s", "workoutType": "running", "durationMinutes": 30, '
    b'"caloriesBurned": 1}',
    "lone surrogate": b'{"userId": "%s", "workoutType": "running", "durationMinutes": 30, "caloriesBurned": 1, '
    b'"notes": "\\udc00"}',
    "leading zero": b'{"userId": "%s", "workoutType": "running", "durationMinutes": 030, "caloriesBurned": 1}',
    "trailing dot": b'{"userId": "%s", "workoutType": "running", "durationMinutes": 30., "caloriesBurned": 1}',
}


def test_each_parser_differential_is_a_400_over_http_and_stores_nothing(stack):
    for index, (name, template) in enumerate(DIFFERENTIALS.items()):
        user = f"differential-{index}"
        answer = request("POST", f"{stack.url}/workouts", raw=template % user.encode(),
                         headers={"Content-Type": "application/json"})  # fmt: skip

        assert answer.status == 400, (name, answer.body)
        assert answer.body["error"]["details"], name
        assert request("GET", f"{stack.url}/stats/{user}").body["totalWorkouts"] == 0, name
