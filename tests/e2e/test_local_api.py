"""The local API over real HTTP: every route, every error class, idempotent retries, SigV4, correct totals."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.handlers import workout
from support.http_client import request
from support.stack import running_local_stack
from workout_local.gateway import LOCAL_CALLERS

SERVICE = ("AKIALOCALSERVICE0001", LOCAL_CALLERS["AKIALOCALSERVICE0001"].secret_key)
COGNITO = ("ASIALOCALCOGNITO0001", LOCAL_CALLERS["ASIALOCALCOGNITO0001"].secret_key)


def user() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}"


def test_post_then_get(stack):
    alice = user()
    created = request("POST", f"{stack.url}/workouts", workout(userId=alice, distanceKm=3))
    stats = request("GET", f"{stack.url}/stats/{alice}")

    assert created.status == 201
    assert created.headers["Content-Type"] == "application/json"
    assert stats.status == 200
    assert stats.body["totalWorkouts"] == 1
    assert stats.body["recentWorkouts"][0]["workoutId"] == created.body["workoutId"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("POST", "/workouts", {"raw": "{not json", "headers": {"Content-Type": "application/json"}}, 400,
         "validation_error"),
        ("POST", "/workouts", {"body": workout(durationMinutes=-1)}, 400, "validation_error"),
        ("POST", "/workouts", {"raw": "x" * 20_000, "headers": {"Content-Type": "application/json"}}, 413,
         "payload_too_large"),
        ("POST", "/workouts", {"raw": "userId=a", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
         415, "unsupported_media_type"),
        ("GET", "/stats/a?recent=500", {}, 400, "validation_error"),
        ("GET", "/nowhere", {}, 404, "not_found"),
        ("DELETE", "/stats/someone", {}, 405, "method_not_allowed"),
        ("PUT", "/workouts", {"body": workout()}, 405, "method_not_allowed"),
    ],
)  # fmt: skip
def test_error_classes(stack, method, path, kwargs, status, code):
    answer = request(method, f"{stack.url}{path}", **kwargs)

    assert answer.status == status
    assert answer.body["error"]["code"] == code
    assert answer.body["requestId"]


def test_idempotent_retries_store_once(stack):
    alice = user()
    headers = {"Idempotency-Key": f"k-{alice}"}
    answers = [request("POST", f"{stack.url}/workouts", workout(userId=alice), headers=headers) for _ in range(3)]
    changed = request("POST", f"{stack.url}/workouts", workout(userId=alice, caloriesBurned=1), headers=headers)

    assert {a.status for a in answers} == {201}
    assert len({json.dumps(a.body, sort_keys=True) for a in answers}) == 1
    assert changed.status == 409
    assert request("GET", f"{stack.url}/stats/{alice}").body["totalWorkouts"] == 1


class TestSigV4:
    def test_a_signed_request_is_accepted_and_the_identity_reaches_the_handler(self, emulated):
        """prod binds users to their Cognito identity (user_binding = "cognito" in environments/prod/main.tf)."""
        cognito_id = LOCAL_CALLERS["ASIALOCALCOGNITO0001"].cognito_identity_id
        if "prod" not in emulated:
            pytest.skip("prod is not among TEST_ENVIRONMENTS")
        functions = emulated["prod"].deployment.functions().values()
        assert {f.environment["USER_BINDING"] for f in functions if "USER_BINDING" in f.environment} == {"cognito"}
        with running_local_stack(emulated["prod"], log_level="WARNING") as bound:
            mine = request("POST", f"{bound.url}/workouts", workout(userId=cognito_id), sign_with=COGNITO)
            someone_else = request("POST", f"{bound.url}/workouts", workout(userId="us-east-1:x"), sign_with=COGNITO)
            service = request("GET", f"{bound.url}/stats/{cognito_id}", sign_with=SERVICE)

        assert mine.status == 201
        assert someone_else.status == 403
        assert service.status == 403  # an IAM user has no Cognito identity

    def test_a_wrong_secret_is_refused(self, stack):
        answer = request("GET", f"{stack.url}/stats/a", sign_with=(SERVICE[0], "not-the-secret"))

        assert answer.status == 403
        assert answer.body["error"]["code"] == "INVALID_SIGNATURE"

    def test_an_unknown_key_is_refused(self, stack):
        answer = request("GET", f"{stack.url}/stats/a", sign_with=("AKIAUNKNOWN000000000", "x"))

        assert answer.status == 403
        assert answer.body["error"]["code"] == "UNAUTHORIZED"

    def test_a_body_changed_after_signing_is_refused(self, stack):
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        url = f"{stack.url}/workouts"
        signed = AWSRequest("POST", url, data=json.dumps(workout()), headers={"Content-Type": "application/json"})
        SigV4Auth(Credentials(*SERVICE), "execute-api", "us-east-1").add_auth(signed)
        tampered = json.dumps(workout(caloriesBurned=9999))

        answer = request("POST", url, raw=tampered, headers=dict(signed.headers.items()))

        assert answer.status == 403


def test_many_concurrent_writes_give_exact_totals(stack):
    users = [user() for _ in range(8)]
    sent = [workout(userId=users[i % 8], caloriesBurned=i % 97, durationMinutes=1 + i % 60) for i in range(240)]

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda body: request("POST", f"{stack.url}/workouts", body).status, sent))

    assert statuses.count(201) == len(sent)
    for name in users:
        mine = [body for body in sent if body["userId"] == name]
        stats = request("GET", f"{stack.url}/stats/{name}").body
        assert stats["totalWorkouts"] == len(mine)
        assert stats["totalCaloriesBurned"] == sum(b["caloriesBurned"] for b in mine)
        assert stats["totalDurationMinutes"] == sum(b["durationMinutes"] for b in mine)


def test_the_served_openapi_document_is_the_committed_one(stack):
    from support.terraform import ROOT

    served = request("GET", f"{stack.url}/openapi.json").body
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())

    assert served == committed, "docs/openapi.json is stale: run `make schemas`"


def test_the_log_over_http_store_list_correct_delete_and_count(stack):
    """The README's walk-through: what a client does with its log, through the local API Gateway."""
    alice = user()
    stored = [
        request(
            "POST", f"{stack.url}/workouts", workout(userId=alice, workoutTimestamp=f"2026-11-2{day}T07:00:00+01:00")
        )
        for day in (1, 2, 3)
    ]
    first = stored[0].body["workoutId"]

    page = request("GET", f"{stack.url}/workouts?userId={alice}&limit=2")
    rest = request("GET", f"{stack.url}/workouts?userId={alice}&limit=2&nextToken={page.body['nextToken']}")
    read = request("GET", f"{stack.url}/workouts/{first}")
    merge_patch = {"Content-Type": "application/merge-patch+json", "If-Match": read.headers["ETag"]}
    corrected = request("PATCH", f"{stack.url}/workouts/{first}", raw=json.dumps({"durationMinutes": 45}),
                        headers=merge_patch)  # fmt: skip
    stale = request("PATCH", f"{stack.url}/workouts/{first}", {"durationMinutes": 50},
                    headers={"If-Match": read.headers["ETag"]})  # fmt: skip
    deleted = request("DELETE", f"{stack.url}/workouts/{stored[2].body['workoutId']}")
    days = request("GET", f"{stack.url}/stats/{alice}?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&period=day")

    assert [s.status for s in stored] == [201, 201, 201]
    assert [w["workoutId"] for w in page.body["items"] + rest.body["items"]] == [
        s.body["workoutId"] for s in reversed(stored)
    ]
    assert rest.body["nextToken"] is None
    assert (read.status, read.headers["ETag"], corrected.status, corrected.headers["ETag"]) == (200, '"1"', 200, '"2"')
    assert (stale.status, deleted.status) == (412, 204)
    assert [(p["start"], p["workouts"], p["durationMinutes"]) for p in days.body["periods"]] == [
        ("2026-11-21", 1, 45), ("2026-11-22", 1, 30)
    ]  # fmt: skip
    assert days.body["totalWorkouts"] == 2 and days.body["totalDurationMinutes"] == 75


QUERY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(extra=st.dictionaries(st.sampled_from(["note", "a:b", "x y", "é", "q"]), QUERY_TEXT, max_size=3))
def test_signed_queries_with_reserved_and_non_ascii_characters_are_verified(stack, extra):
    """botocore signs the query as sent (encoded as SigV4 does); the gateway must verify it against the raw target,
    as API Gateway does, whatever characters the names and values hold."""
    from urllib.parse import quote

    query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in {"recent": "5", **extra}.items())
    answer = request("GET", f"{stack.url}/stats/alice?{query}", sign_with=SERVICE)

    assert answer.status == 200, (query, answer.body)


def test_a_query_sent_raw_but_signed_canonically_is_verified(stack):
    """awscurl signs `note=a%3Ab` (SigV4's canonical form) and sends `note=a:b`: API Gateway accepts it, and so
    must the local gateway (it refused it with INVALID_SIGNATURE when it verified the decoded query)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    signed = AWSRequest("GET", f"{stack.url}/stats/alice?recent=5&note=a%3Ab%2Fc")
    SigV4Auth(Credentials(*SERVICE), "execute-api", "us-east-1").add_auth(signed)
    raw = f"{stack.url}/stats/alice?recent=5&note=a:b/c"

    answer = request("GET", raw, headers=dict(signed.headers.items()))

    assert answer.status == 200, answer.body
    tampered = request("GET", raw.replace("recent=5", "recent=6"), headers=dict(signed.headers.items()))
    assert (tampered.status, tampered.body["error"]["code"]) == (403, "INVALID_SIGNATURE")


def send_raw(url: str, target: bytes, headers: dict[str, str]) -> int:
    """GET `target` exactly as these bytes (HTTP clients would percent-encode what is not ASCII): the status."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    fields = {"Host": parts.netloc, **headers, "Connection": "close"}
    lines = [b"GET " + target + b" HTTP/1.1", *(f"{name}: {value}".encode() for name, value in fields.items())]
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
        connection.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
        status_line = connection.makefile("rb").readline()
    return int(status_line.split()[1])


# Characters a client may send unescaped in a query: anything outside ASCII (as UTF-8 bytes) and ASCII that has no
# meaning there; '&', '=', '#', '%', '+' and spaces always travel escaped. Python's http.server (under werkzeug)
# splits the request line on Unicode whitespace after reading it as latin-1, so characters whose UTF-8 holds the
# bytes 0x85 or 0xA0 cannot reach the local server raw (API Gateway takes them); they are sent escaped.
RAW_SAFE = set("abcXYZ019-_.~:/@!$'()*,;?")


def travels_raw(char: str) -> bool:
    return char in RAW_SAFE or (not char.isascii() and not {0x85, 0xA0} & set(char.encode()))


SPELLINGS = st.sampled_from(["raw", "upper", "lower"])


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from(["note", "a:b", "é", "q", "x-y"]),
                  st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=6),
                  SPELLINGS, st.booleans()),
        max_size=4,
    ),
)  # fmt: skip
def test_a_query_sent_in_any_spelling_is_verified_against_its_canonical_form(stack, pairs):
    """SigV4 signs the canonical query (each byte escaped as %XX in capitals, except A-Za-z0-9-_.~; pairs sorted).
    A client may send the same query spelled otherwise: raw UTF-8 bytes, lower-case escapes, a name repeated, an
    empty value with or without '='. API Gateway verifies each against the canonical form, and so must the local
    gateway (it read raw UTF-8 bytes twice and refused them)."""
    from urllib.parse import quote

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    def spelled(text: str, how: str) -> bytes:
        out = b""
        for char in text:
            encoded = char.encode()
            if (how == "raw" and travels_raw(char)) or (char.isascii() and char.isalnum()) or char in "-_.~":
                out += encoded
            else:
                out += b"".join((f"%{b:02X}" if how != "lower" else f"%{b:02x}").encode() for b in encoded)
        return out

    sent = [(b"recent", b"5", True)] + [(spelled(n, how), spelled(v, how), v != "" or equals)
                                         for n, v, how, equals in pairs]  # fmt: skip
    raw_query = b"&".join(n + (b"=" + v if with_equals else b"") for n, v, with_equals in sent)
    canonical = "&".join(f"{quote(n, safe='-_.~')}={quote(v, safe='-_.~')}"
                         for n, v in [("recent", "5"), *((n, v) for n, v, _, _ in pairs)])  # fmt: skip
    signed = AWSRequest("GET", f"{stack.url}/stats/alice?{canonical}")
    SigV4Auth(Credentials(*SERVICE), "execute-api", "us-east-1").add_auth(signed)

    status = send_raw(stack.url, b"/stats/alice?" + raw_query, dict(signed.headers.items()))

    assert status == 200, raw_query
