"""Strategies and checks shared by the hostile-input suites."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from workout_local.events import LambdaContext


def handle(event: Any, which: str = "process") -> dict[str, Any]:
    if which == "process":
        from workout_log.handlers.process_workout import handler
    else:
        from workout_log.handlers.workout_stats import handler
    return handler(event, LambdaContext(function_name=f"t-{which}"))


def assert_proxy_response(result: Any, statuses: set[int] | range) -> dict[str, Any]:
    assert isinstance(result, dict) and isinstance(result.get("statusCode"), int), result
    assert result["statusCode"] in statuses, result
    body = json.loads(result["body"])
    if result["statusCode"] >= 400:
        assert set(body) == {"error", "requestId"} and body["error"]["code"], body
    return body


def _any_case(text: str) -> st.SearchStrategy[str]:
    return st.tuples(*[st.sampled_from(sorted({c.lower(), c.upper()})) for c in text]).map("".join)


JSON_MEDIA_TYPES = st.one_of(
    _any_case("application/json"),
    st.builds(
        lambda s, t: f"application/{s}+{t}", st.from_regex(r"[a-z][a-z0-9.-]{0,15}", fullmatch=True), _any_case("json")
    ),
    st.builds(lambda t, c: f"{t}; charset={c}", _any_case("application/json"), _any_case("utf-8")),
)
OTHER_MEDIA_TYPES = st.one_of(
    st.sampled_from(
        [
            "text/plain",
            "application/xml",
            "application/jsonx",
            "application/json-seq",
            "json",
            "",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        ]
    ),
    st.builds(lambda c: f"application/json; charset={c}", st.sampled_from(["latin-1", "utf-16", "ascii"])),
)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
