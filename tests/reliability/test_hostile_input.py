"""Classes of hostile input, each tested as a class with generated members: the answer is a 4xx that names what is
wrong (or 201/200 where the input is valid), nothing is stored, and no input makes a handler raise or answer 5xx.

Each test names the class it covers; docs/RELIABILITY.md maps the classes to their fixes.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from support.handlers import JSON, Answer, invoke, workout
from support.hostile import JSON_MEDIA_TYPES, JSON_VALUES, OTHER_MEDIA_TYPES, assert_proxy_response, handle
from support.inprocess import table_items, workout_items
from workout_local.events import api_event

# moto runs in-process: the function-scoped fixtures are reset by hand between examples (see `fresh`).
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fresh(aws: Any) -> None:
    """Empty the tables between generated examples, so that 'nothing stored' is checked per example."""
    import boto3

    client = boto3.client("dynamodb", region_name="us-east-1")
    for table in (aws.workouts_table, aws.stats_table, aws.idempotency_table):
        items = table_items(table)
        if items:
            keys = [k["AttributeName"] for k in client.describe_table(TableName=table)["Table"]["KeySchema"]]
            for item in items:
                client.delete_item(TableName=table, Key={k: item[k] for k in keys})


def nothing_stored(aws: Any) -> bool:
    return all(not table_items(t) for t in (aws.workouts_table, aws.stats_table, aws.idempotency_table))


def post_raw(body: str | bytes | None, headers: dict[str, str] | None = None, **kw: Any) -> Answer:
    from workout_log.handlers.process_workout import handler

    return invoke(handler, "t-process", "POST", "/workouts", body=body, headers=headers or JSON, **kw)


def with_members(*members: tuple[str, str], drop: set[str] = frozenset()) -> str:
    """A valid workout's JSON text with raw `(key, literal)` members added; each key is left out of the workout."""
    names = {name for name, _ in members} | set(drop)
    pairs = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in workout().items() if k not in names]
    return "{" + ", ".join(pairs + [f"{json.dumps(name)}: {literal}" for name, literal in members]) + "}"


# 1. Optional fields sent as null: accepted as absent, everywhere (model, checks, stored item, OpenAPI document).
OPTIONAL_FIELDS = ["workoutTimestamp", "distanceKm", "heartRateAvg", "notes"]


@pytest.mark.parametrize("field", OPTIONAL_FIELDS)
def test_class_null_optional_field_is_the_same_as_absent(api, aws, field):
    answer = api.post({**workout(), field: None})

    assert answer.status == 201, answer.body
    if field == "workoutTimestamp":
        assert answer.body[field], "a null timestamp defaults to now"
    else:
        assert answer.body.get(field) is None
        assert field not in workout_items(aws.workouts_table)[0]


def test_the_model_and_the_openapi_document_agree_on_which_fields_are_optional():
    from workout_log.models.workout import WorkoutIn

    document = json.loads(Path("docs/openapi.json").read_text())
    schema = document["components"]["schemas"]["WorkoutIn"]
    assert set(schema["required"]) == {n for n, f in WorkoutIn.model_fields.items() if f.is_required()}
    assert set(OPTIONAL_FIELDS) == {n for n, f in WorkoutIn.model_fields.items() if not f.is_required()}
    for field in OPTIONAL_FIELDS:
        assert {"type": "null"} in schema["properties"][field]["anyOf"], field


# 2. Media types: one decision, case-insensitive, application/json and any +json type, UTF-8 charset only.
@SETTINGS
@given(media_type=JSON_MEDIA_TYPES)
def test_class_json_media_types_are_accepted_whatever_their_case(api, aws, media_type):
    fresh(aws)
    answer = post_raw(json.dumps(workout()), {"Content-Type": media_type})

    assert answer.status == 201, (media_type, answer.body)


@SETTINGS
@given(media_type=OTHER_MEDIA_TYPES)
def test_class_other_media_types_are_415_and_store_nothing(api, aws, media_type):
    fresh(aws)
    answer = post_raw(json.dumps(workout()), {"Content-Type": media_type})

    assert answer.status == 415, (media_type, answer.body)
    assert nothing_stored(aws)


# 3. Bodies that are not UTF-8 text: invalid bytes, other encodings, compression, a BOM, bad base64.
def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


@SETTINGS
@given(prefix=st.binary(max_size=40), junk=st.binary(min_size=1, max_size=8).filter(_not_utf8))
@example(prefix=b"", junk=b"\xff")
def test_class_invalid_utf8_anywhere_in_the_body_is_400(api, aws, prefix, junk):
    fresh(aws)
    body = json.dumps(workout(notes="x")).encode().replace(b'"x"', b'"' + prefix.replace(b'"', b"") + junk + b'"')
    answer = post_raw(body)

    assert answer.status == 400, answer.body
    assert answer.error_fields == ["body"]
    assert nothing_stored(aws)


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(json.dumps(workout(notes="é")).encode("utf-16"), id="utf-16"),
        pytest.param(json.dumps(workout(notes="é")).encode("utf-32"), id="utf-32"),
        pytest.param(json.dumps(workout(notes="é"), ensure_ascii=False).encode("latin-1"), id="latin-1"),
        pytest.param(b"\xef\xbb\xbf" + json.dumps(workout()).encode(), id="utf-8-bom"),
    ],
)
def test_class_other_text_encodings_are_400(api, aws, encoded):
    answer = post_raw(encoded)

    assert answer.status == 400 and answer.error_fields == ["body"], answer.body
    assert nothing_stored(aws)


def test_class_compressed_bodies_are_415(api, aws):
    answer = post_raw(gzip.compress(json.dumps(workout()).encode()), {**JSON, "Content-Encoding": "gzip"})

    assert answer.status == 415
    assert nothing_stored(aws)


@SETTINGS
@given(text=st.text(alphabet="ABCDEFabcdef0123456789+/=!-_ ", min_size=1, max_size=30))
def test_class_invalid_base64_is_400(api, aws, text):
    try:
        base64.b64decode(text, validate=True)
        return  # valid base64 is another class
    except ValueError:
        pass
    event = api_event("POST", "/workouts", body=text, headers=JSON)
    event["isBase64Encoded"] = True
    body = assert_proxy_response(handle(event), {400})

    assert body["error"]["details"][0]["field"] == "body"


# 4. Parser limits: nesting and number length, even inside an unknown field.
@SETTINGS
@given(depth=st.integers(min_value=33, max_value=2_500), bracket=st.sampled_from(["[", '{"a":']))
def test_class_deep_nesting_is_400(api, aws, depth, bracket):
    closing = "]" if bracket == "[" else "}"
    body = with_members(("extra", bracket * depth + "1" + closing * depth))
    answer = post_raw(body)

    assert answer.status == 400 and answer.error_fields == ["body"], answer.body
    assert "nests deeper" in answer.body["error"]["details"][0]["message"]


@SETTINGS
@given(digits=st.integers(min_value=65, max_value=16_000), field=st.sampled_from(["caloriesBurned", "unknownField"]))
def test_class_overlong_number_literals_are_400(api, aws, digits, field):
    answer = post_raw(with_members((field, "9" * digits)))

    assert answer.status == 400 and answer.error_fields == ["body"], answer.body


@pytest.mark.parametrize("literal", ["030", "-01", "1.", ".5", "1.e3", "+1", "0x1F", "NaN", "Infinity", "-Infinity"])
def test_class_numbers_json_does_not_allow_are_400(api, aws, literal):
    answer = post_raw(with_members(("caloriesBurned", literal)))

    assert answer.status == 400 and answer.error_fields == ["body"], (literal, answer.body)
    assert nothing_stored(aws)


# 5. Numbers DynamoDB cannot store, or cannot add: kept to 6 decimal places, tiny positive durations refused.
@SETTINGS
@given(value=st.floats(min_value=5e-324, max_value=4.99e-7))
def test_class_durations_that_round_to_zero_are_400(api, aws, value):
    fresh(aws)
    answer = api.post(workout(durationMinutes=value))

    assert answer.status == 400 and answer.error_fields == ["durationMinutes"], answer.body
    assert nothing_stored(aws)


@SETTINGS
@given(values=st.lists(st.floats(min_value=0, max_value=10_000), min_size=1, max_size=3))
def test_class_any_calorie_value_is_stored_as_a_plain_decimal_and_added(api, aws, values):
    fresh(aws)
    for value in values:
        assert api.post(workout(caloriesBurned=value)).status == 201
    item = workout_items(aws.workouts_table)[0]
    stats = api.stats("user-1").body

    assert "E" not in item["caloriesBurned"]["N"].upper()
    assert len(item["caloriesBurned"]["N"].partition(".")[2]) <= 6
    assert stats["totalCaloriesBurned"] == pytest.approx(sum(round(v, 6) for v in values), abs=1e-6)


# 6. Events that are not REST proxy events.
NOT_REST_EVENTS = [
    pytest.param({}, id="empty"),
    pytest.param({"key1": "value1", "key2": "value2", "key3": "value3"}, id="console-test-event"),
    pytest.param(
        {
            "version": "2.0",
            "routeKey": "POST /workouts",
            "rawPath": "/workouts",
            "body": "{}",
            "requestContext": {"http": {"method": "POST"}},
        },
        id="http-api-v2",
    ),
    pytest.param(None, id="null"),
    pytest.param([1, 2], id="list"),
    pytest.param("POST /workouts", id="string"),
]


@pytest.mark.parametrize("event", NOT_REST_EVENTS)
@pytest.mark.parametrize("which", ["process", "stats"])
def test_class_events_that_are_not_rest_proxy_events_are_400(aws, logs, event, which):
    body = assert_proxy_response(handle(event, which), {400})

    assert body["error"]["code"] == "unsupported_event"
    assert any(line["message"] == "request refused before routing" for line in logs())


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda e: e.update(body=workout()), id="body-as-object"),
        pytest.param(lambda e: e.pop("requestContext"), id="no-requestContext"),
        pytest.param(lambda e: e.update(headers=["Content-Type"]), id="headers-as-list"),
        pytest.param(lambda e: e.update(isBase64Encoded="yes"), id="isBase64Encoded-as-text"),
        pytest.param(lambda e: e.pop("httpMethod"), id="no-httpMethod"),
    ],
)
def test_class_malformed_rest_events_are_400(aws, change):
    event = api_event("POST", "/workouts", body=json.dumps(workout()), headers=JSON)
    change(event)

    assert_proxy_response(handle(event), {400})
    assert nothing_stored(aws)


@SETTINGS
@given(
    base=st.sampled_from(["process", "stats"]),
    replaced=st.dictionaries(
        st.sampled_from(
            [
                "resource",
                "path",
                "httpMethod",
                "headers",
                "multiValueHeaders",
                "pathParameters",
                "queryStringParameters",
                "requestContext",
                "body",
                "isBase64Encoded",
                "version",
            ]
        ),
        JSON_VALUES,
        max_size=3,
    ),
)
def test_class_any_event_shape_gets_a_proxy_response(aws, base, replaced):
    path = "/workouts" if base == "process" else "/stats/user-1"
    event = api_event("POST" if base == "process" else "GET", path, body=json.dumps(workout()), headers=JSON)
    event.update(replaced)
    result = handle(event, base)

    assert_proxy_response(result, range(200, 500))


# 7. Timestamps: ISO 8601 text with a zone only.
@SETTINGS
@given(value=st.one_of(st.integers(0, 2**40).map(str), st.from_regex(r"\d{1,12}(\.\d{1,6})?", fullmatch=True)))
def test_class_timestamps_as_digit_strings_are_400(api, aws, value):
    fresh(aws)
    answer = api.post(workout(workoutTimestamp=value))

    assert answer.status == 400 and answer.error_fields == ["workoutTimestamp"], answer.body


# 8-11. Paths: what API Gateway matched decides, one user id has one meaning.
def _stats_event(path: str, user_id: str | None, resource: str = "/stats/{userId}") -> dict[str, Any]:
    event = api_event("GET", path)
    event["resource"] = resource
    event["pathParameters"] = {"userId": user_id} if user_id is not None else None
    return event


def test_class_percent_encoded_ids_are_read_decoded(api, aws):
    user = "us-east-1:11111111-2222-3333-4444-555555555555"
    assert api.post(workout(userId=user)).status == 201

    body = assert_proxy_response(
        handle(_stats_event("/stats/us-east-1%3A11111111-2222-3333-4444-555555555555", user), "stats"), {200}
    )
    assert body["userId"] == user and body["totalWorkouts"] == 1


@SETTINGS
@given(suffix=st.sampled_from(["\n", "\r", "\t", " ", "/x", "%0A", "?", "#", "\x00", "\u2028"]))
def test_class_ids_with_characters_outside_the_pattern_are_400_never_another_user(api, aws, suffix):
    fresh(aws)
    assert api.post(workout(userId="u")).status == 201

    body = assert_proxy_response(handle(_stats_event("/stats/u" + suffix, "u" + suffix), "stats"), {400})
    assert body["error"]["details"][0]["field"] == "userId"
    raw = handle(_stats_event("/stats/u" + suffix, None, resource="/stats/u" + suffix), "stats")
    assert raw["statusCode"] in (400, 404), raw


@pytest.mark.parametrize("prefix", ["/prod", "/v1", "/api/v2"])
def test_class_stage_and_base_path_prefixes_route_by_the_matched_resource(api, aws, prefix):
    event = api_event("POST", prefix + "/workouts", body=json.dumps(workout()), headers=JSON)
    event["resource"] = "/workouts"
    assert_proxy_response(handle(event), {201})

    body = assert_proxy_response(handle(_stats_event(f"{prefix}/stats/user-1", "user-1"), "stats"), {200})
    assert body["totalWorkouts"] == 1


def test_class_one_trailing_slash_is_ignored_on_every_route(api, aws):
    assert api.call("POST", "/workouts/", body=json.dumps(workout()), headers=JSON).status == 201
    answer = api.call("GET", "/stats/user-1/")

    assert answer.status == 200 and answer.body["totalWorkouts"] == 1


# 12. Error bodies do not grow with the input.
@SETTINGS
@given(key_length=st.integers(65, 12_000), count=st.integers(1, 1_200))
def test_class_error_bodies_are_bounded(api, aws, key_length, count):
    body = workout()
    body.update({f"{i}-" + "k" * key_length: 1 for i in range(count)})
    text = json.dumps(body)
    if len(text.encode()) > 16 * 1024:
        text = text[: 16 * 1024 - 1]  # keeps the class: still rejected, still bounded
    answer = post_raw(text)

    assert answer.status in (400, 413)
    assert len(json.dumps(answer.body)) < 4_000
    assert len(answer.body["error"]["details"]) <= 21


# 13. An explicit null and an absent field are one request for the Idempotency-Key.
@pytest.mark.parametrize("field", ["heartRateAvg", "notes", "distanceKm", "workoutTimestamp"])
def test_class_null_and_absent_are_the_same_idempotent_request(api, aws, field):
    key = {"Idempotency-Key": f"retry-{field}", **JSON}
    first = api.post({**workout(), field: None}, headers=key)
    second = api.post(workout(), headers=key)

    assert (first.status, second.status) == (201, 201), second.body
    assert first.body["workoutId"] == second.body["workoutId"]
    assert len(workout_items(aws.workouts_table)) == 1


# JSON that means one thing: duplicate keys, lone surrogates.
KEY = st.sampled_from(["userId", "workoutType", "notes", "x", "caloriesBurned"])


@SETTINGS
@given(key=KEY, depth=st.integers(0, 3), values=st.tuples(JSON_VALUES, JSON_VALUES))
def test_class_duplicate_keys_at_any_depth_are_400_naming_the_key(api, aws, key, depth, values):
    fresh(aws)
    twice = [(key, json.dumps(values[0])), (key, json.dumps(values[1]))]
    if depth == 0:
        text = with_members(*twice)
    else:
        inner = "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in twice) + "}"
        for _ in range(depth - 1):
            inner = '{"nested": ' + inner + "}"
        text = with_members(("extra", inner))
    answer = post_raw(text)

    assert answer.status == 400, answer.body
    assert {"field": key, "message": "appears more than once in the same object"} in answer.body["error"]["details"]
    assert nothing_stored(aws)


@SETTINGS
@given(code=st.integers(0xD800, 0xDFFF), field=st.sampled_from(["notes", "userId", "anyKey"]))
def test_class_lone_surrogates_are_400(api, aws, code, field):
    fresh(aws)
    answer = post_raw(with_members((field, f'"a\\u{code:04x}b"')))

    assert answer.status == 400 and answer.error_fields == [field], answer.body
    assert nothing_stored(aws)


# 14-19. The workout log's parameters: page tokens, ranges, page sizes, If-Match, path ids, merge patches.
def _alice_page_token(api) -> str:
    """A valid token of alice's first page (her workouts are stored by the first example, kept by the others)."""
    token = api.get("/workouts", "userId=alice&limit=1").body["nextToken"]
    if token is None:
        for day in range(1, 4):
            api.post(workout(userId="alice", workoutTimestamp=f"2026-01-0{day}T08:00:00Z"))
        token = api.get("/workouts", "userId=alice&limit=1").body["nextToken"]
    assert token
    return str(token)


@SETTINGS
@given(data=st.data())
def test_class_altered_truncated_or_foreign_page_tokens_are_400_naming_nexttoken(api, aws, data):
    token = _alice_page_token(api)
    position = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(st.sampled_from("AZaz09-_.=+/%"))
    forged = data.draw(
        st.sampled_from(
            [
                token[:position] + replacement + token[position + 1 :],  # one character altered
                token[:position],  # cut
                token + replacement,  # extended
                token.split(".")[0] + "." + token.split(".")[0],  # the payload signed by itself
            ]
        )
    )
    if forged == token:
        return
    answer = api.get("/workouts", f"userId=alice&limit=1&nextToken={quote(forged, safe='')}")

    assert answer.status == 400 and answer.error_fields == ["nextToken"], (forged, answer.body)


@SETTINGS
@given(token=st.one_of(st.text(max_size=200), st.binary(max_size=120).map(lambda b: base64.b64encode(b).decode())))
def test_class_any_text_as_a_page_token_is_400_naming_nexttoken(api, aws, token):
    answer = api.get("/workouts", f"userId=alice&nextToken={quote(token, safe='')}")

    assert answer.status == 400 and answer.error_fields == ["nextToken"], (token, answer.body)


AWARE_TIMES = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.timezones(no_cache=True)
) | st.sampled_from(
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12))),
        datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=14, minutes=30))),
    ]
)


@SETTINGS
@given(start=AWARE_TIMES, end=AWARE_TIMES, period=st.sampled_from(["day", "week", "month"]))
def test_class_ranges_at_any_instant_and_offset_are_a_200_or_a_400_naming_the_bound(api, aws, start, end, period):
    bounds = f"from={quote(start.isoformat())}&to={quote(end.isoformat())}"
    answers = [
        api.get("/workouts", f"userId=alice&{bounds}"),
        api.get("/types/running/workouts", bounds),
        api.stats("alice", f"{bounds}&period={period}"),
    ]

    for answer in answers:
        assert answer.status in (200, 400), answer.body
        if answer.status == 400:
            assert set(answer.error_fields) <= {"from", "to", "period"}, answer.body


@SETTINGS
@given(limit=st.one_of(st.integers(min_value=-(10**30), max_value=10**30).map(str), st.text(max_size=12)))
def test_class_page_sizes_outside_1_to_100_are_400_naming_limit(api, aws, limit):
    answer = api.get("/workouts", f"userId=alice&limit={quote(limit, safe='')}")

    valid = limit.isdigit() and 1 <= int(limit) <= 100 and str(int(limit)) == limit
    assert answer.status == (200 if valid else 400), (limit, answer.body)
    if not valid:
        assert answer.error_fields == ["limit"]


@SETTINGS
@given(if_match=st.one_of(st.text(max_size=40), st.sampled_from(['"1"', '"2"', "*", 'W/"1"', '"1", "2"', '""'])))
def test_class_any_if_match_changes_the_workout_only_when_it_names_its_version(api, aws, if_match):
    fresh(aws)
    stored = api.post(workout()).body
    answer = api.patch(stored["workoutId"], {"notes": "changed"}, if_match=if_match)
    after = api.get(f"/workouts/{stored['workoutId']}")

    assert answer.status in (200, 400, 412), answer.body
    if answer.status == 400:
        assert answer.error_fields == ["If-Match"]
    assert (after.body.get("notes") == "changed") == (answer.status == 200)


# The characters an entity tag may hold (RFC 9110 etagc: "!", "#" to "~", and obs-text 0x80-0xFF, which includes
# the superscript and fraction digits that str.isdigit() takes for digits).
ETAG_CHARACTERS = "".join(map(chr, [0x21, *range(0x23, 0x7F), *range(0x80, 0x100)]))
ENTITY_TAGS = st.builds(
    lambda weak, body: ('W/"' if weak else '"') + body + '"',
    st.booleans(),
    st.one_of(st.text(ETAG_CHARACTERS, max_size=4), st.sampled_from(["1", "01", "1\u00b9", "\u00b9", "\u00b2"])),
)


@SETTINGS
@given(tags=st.lists(ENTITY_TAGS, min_size=1, max_size=3))
def test_class_well_formed_if_match_lets_a_change_through_exactly_when_a_strong_tag_is_the_version(api, aws, tags):
    """Strong comparison, character by character: "01" and the superscript one are not "1"."""
    fresh(aws)
    stored = api.post(workout()).body
    answer = api.patch(stored["workoutId"], {"notes": "changed"}, if_match=", ".join(tags))

    assert answer.status == (200 if '"1"' in tags else 412), (tags, answer.body)
    assert (api.get(f"/workouts/{stored['workoutId']}").body.get("notes") == "changed") == (answer.status == 200)


@SETTINGS
@given(
    workout_id=st.one_of(
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=60),
        st.uuids().map(lambda u: str(u).upper()),
        st.uuids().map(lambda u: str(u) + "0"),
        st.uuids().map(lambda u: f"{u}%0A"),
    )
)
def test_class_malformed_workout_ids_are_400_naming_workoutid(api, aws, workout_id):
    if re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", workout_id):
        return  # a well-formed id is another class (404 when unknown)
    path_id = quote(workout_id, safe="")
    event_id = workout_id
    for method in ("GET", "PATCH", "DELETE"):
        event = api_event(method, f"/workouts/{path_id}", body="{}" if method == "PATCH" else None, headers=JSON)
        event["resource"], event["pathParameters"] = "/workouts/{workoutId}", {"workoutId": event_id}
        body = assert_proxy_response(handle(event, "stats" if method == "GET" else "process"), {400})
        assert body["error"]["details"][0]["field"] == "workoutId", (method, workout_id, body)


PATCH_FIELDS = ["workoutType", "durationMinutes", "caloriesBurned", "workoutTimestamp", "distanceKm", "heartRateAvg",
                "notes", "workoutId", "userId", "createdAt", "utcOffset", "other"]  # fmt: skip


@SETTINGS
@given(patch=st.dictionaries(st.sampled_from(PATCH_FIELDS), JSON_VALUES, max_size=3))
def test_class_any_merge_patch_is_applied_whole_or_refused_whole(api, aws, patch):
    fresh(aws)
    stored = api.post(workout(notes="kept", distanceKm=1)).body
    answer = api.patch(stored["workoutId"], patch)
    after = api.get(f"/workouts/{stored['workoutId']}")
    stats = api.stats("user-1").body

    assert answer.status in (200, 400), answer.body
    assert after.body == (answer.body if answer.status == 200 else stored)
    assert stats["totalCaloriesBurned"] == after.body["caloriesBurned"], "totals follow exactly what is stored"
