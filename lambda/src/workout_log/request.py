"""Every request is checked and rewritten here before the resolver sees it, so that one input has one meaning.

API Gateway hands the function a proxy event; what a client can put in it reaches this module first:

- The event itself: anything that is not a REST proxy event (an HTTP API v2 event, a console test event, a body that
  is an object) is answered 400, never an exception out of the handler.
- The path: routed by what API Gateway matched (`resource` and the decoded `pathParameters`), so that a stage or base
  path prefix, a trailing slash or an encoded character cannot change which user a request is for.
- The body: size, media type and encoding are decided once (`MEDIA_TYPE`), the bytes must be UTF-8 without a
  byte-order mark, and the JSON is parsed strictly (no duplicate keys at any depth, no NaN, bounded nesting and number
  length, no lone surrogates). The resolver then receives a canonical JSON text with `Content-Type: application/json`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from workout_log.http_errors import ApiError, invalid
from workout_log.models.errors import FieldProblem
from workout_log.models.workout import MAX_BODY_BYTES

# application/json and any structured-syntax "+json" type (RFC 6839), case-insensitive, with an optional
# charset that must be UTF-8 (RFC 8259 section 8.1: JSON exchanged between systems is UTF-8).
MEDIA_TYPE = re.compile(r"^application/(?:[a-z0-9!#$&^_.-]+\+)?json$", re.IGNORECASE)
MAX_DEPTH = 32
MAX_NUMBER_CHARS = 64
# How much of a rejected key is echoed back, and how many problems one response lists.
MAX_ECHO_CHARS = 64
MAX_DETAILS = 20


def unsupported_event(message: str) -> ApiError:
    return ApiError(400, "unsupported_event", message)


def echo(text: str) -> str:
    """A client-supplied name, shortened so that an error body never grows with the input."""
    return text if len(text) <= MAX_ECHO_CHARS else text[:MAX_ECHO_CHARS] + "..."


def _headers(event: dict[str, Any]) -> dict[str, str]:
    return event.get("headers") or {}


def header(headers: dict[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def _without(headers: Any, names: set[str]) -> dict[str, Any]:
    return {k: v for k, v in (headers or {}).items() if k.lower() not in names}


def _strings_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _lists_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(i, str) for i in v) for k, v in value.items()
    )


# The members of a REST proxy event the function reads, and what each must be when present (null is allowed).
_MEMBER_SHAPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "resource": (lambda v: isinstance(v, str), "a string"),
    "headers": (_strings_map, "an object of strings"),
    "multiValueHeaders": (_lists_map, "an object of string lists"),
    "queryStringParameters": (_strings_map, "an object of strings"),
    "multiValueQueryStringParameters": (_lists_map, "an object of string lists"),
    "pathParameters": (_strings_map, "an object of strings"),
    "body": (lambda v: isinstance(v, str), "a string (API Gateway sends the body as text)"),
    "isBase64Encoded": (lambda v: isinstance(v, bool), "true or false"),
}


def check_shape(event: Any) -> dict[str, Any]:
    if not isinstance(event, dict):
        raise unsupported_event("The function expects an API Gateway REST proxy event (a JSON object).")
    if event.get("version") == "2.0" or "routeKey" in event:
        raise unsupported_event("The function expects an API Gateway REST proxy event, not an HTTP API (2.0) event.")
    for name in ("httpMethod", "path"):
        if not isinstance(event.get(name), str) or not event[name]:
            raise unsupported_event(f"The event has no {name}: not an API Gateway REST proxy event.")
    context = event.get("requestContext")
    if not isinstance(context, dict):
        raise unsupported_event("The event has no requestContext: not an API Gateway REST proxy event.")
    if not isinstance(context.get("identity") or {}, dict) or not isinstance(context.get("requestId", ""), str):
        raise unsupported_event("requestContext.identity must be an object and requestContext.requestId a string.")
    for name, (valid, shape) in _MEMBER_SHAPES.items():
        if event.get(name) is not None and not valid(event[name]):
            raise unsupported_event(f"{name} must be {shape}.")
    return event


def route_path(event: dict[str, Any], routes: dict[str, tuple[str, ...]]) -> str:
    """The path the resolver routes on. Where API Gateway matched one of our resources, the path is rebuilt from it
    and the decoded path parameters (each percent-encoded again except the characters ids may hold, so a value with
    a slash, a newline or anything else an id may not contain reaches validation as one parameter and is refused
    there). Otherwise the raw path without one trailing slash, encoded the same way."""
    resource, parameters = event.get("resource") or "", event.get("pathParameters") or {}
    names = re.findall(r"\{([^/]+)\}", resource)
    if resource in routes and all(isinstance(parameters.get(name), str) for name in names):
        return re.sub(r"\{([^/]+)\}", lambda m: quote(parameters[m.group(1)], safe="@:"), resource)
    path: str = event["path"]
    path = path[:-1] if len(path) > 1 and path.endswith("/") else path
    return quote(path, safe="/@:")


def _duplicate_checked(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise invalid(echo(key), "appears more than once in the same object")
        result[key] = value
    return result


def _number(text: str, convert: type) -> Any:
    if len(text) > MAX_NUMBER_CHARS:
        raise invalid("body", f"has a number longer than {MAX_NUMBER_CHARS} characters")
    return convert(text)


def _constant(name: str) -> Any:
    raise invalid("body", f"is not valid JSON ({name} is not a JSON number)")


def _strings(value: Any, path: str, depth: int) -> Iterator[tuple[str, str]]:
    """Every string (keys included) with the dotted path of where it is; refuses nesting deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise invalid("body", f"nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            yield where, key
            yield from _strings(item, where, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, path, depth + 1)


def parse_json(text: str) -> Any:
    """Strict JSON: what one reader accepts, every reader reads the same way."""
    try:
        document = json.loads(
            text,
            object_pairs_hook=_duplicate_checked,
            parse_int=lambda s: _number(s, int),
            parse_float=lambda s: _number(s, float),
            parse_constant=_constant,
        )
    except json.JSONDecodeError as error:
        raise invalid("body", f"is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    except RecursionError:
        raise invalid("body", f"nests deeper than {MAX_DEPTH} levels") from None
    for where, value in _strings(document, "", 0):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise invalid(echo(where or "body"), "contains a lone surrogate (not a Unicode character)") from None
    return document


def _body_bytes(event: dict[str, Any]) -> bytes:
    body: str = event["body"]
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise invalid("body", "is marked base64 but is not valid base64") from None
    try:
        return body.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid("body", "is not valid UTF-8 (it holds a lone surrogate)") from None


def check_media_type(headers: dict[str, str]) -> None:
    encoding = (header(headers, "Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise ApiError(415, "unsupported_media_type", "Content-Encoding must be identity (no compression).")
    media_type, _, parameters = (header(headers, "Content-Type") or "").partition(";")
    if not MEDIA_TYPE.match(media_type.strip()):
        raise ApiError(415, "unsupported_media_type", "The body must be JSON (Content-Type: application/json).")
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise ApiError(415, "unsupported_media_type", "The body must be UTF-8 (charset=utf-8).")


def body_document(event: dict[str, Any]) -> Any:
    """The parsed body, or None for no body."""
    if event.get("body") is None:
        return None
    raw = _body_bytes(event)
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "payload_too_large", f"The body must be at most {MAX_BODY_BYTES} bytes.")
    if not raw:
        return None
    check_media_type(_headers(event))
    if raw.startswith(b"\xef\xbb\xbf"):
        raise invalid("body", "must not start with a byte-order mark")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise invalid("body", f"is not valid UTF-8 (byte {error.start})") from None
    return parse_json(text)


def normalise(event: Any, routes: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """The event the resolver receives, or ApiError for a request that must not reach it."""
    event = check_shape(event)
    document = body_document(event)
    content_headers = {"content-type", "content-encoding", "content-length"}
    normalised = {
        **event,
        "path": route_path(event, routes),
        "headers": _without(event.get("headers"), content_headers),
        "multiValueHeaders": _without(event.get("multiValueHeaders"), content_headers),
        "body": None,
        "isBase64Encoded": False,
    }
    if document is not None:
        normalised["body"] = json.dumps(document, ensure_ascii=False)
        normalised["headers"]["Content-Type"] = "application/json"
        normalised["multiValueHeaders"]["Content-Type"] = ["application/json"]
    return normalised


def capped(problems: list[FieldProblem]) -> list[FieldProblem]:
    shown = [FieldProblem(echo(p.field), p.message) for p in problems[:MAX_DETAILS]]
    if len(problems) > MAX_DETAILS:
        shown.append(FieldProblem("body", f"and {len(problems) - MAX_DETAILS} more problems"))
    return shown


# If-Match (RFC 9110 section 13.1.1): "*" or a list of entity tags; comparison is strong, so weak tags never match.
_ENTITY_TAGS = re.compile(r'^\s*(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"\s*(?:,\s*(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"\s*)*$')
_TAG = re.compile(r'(W/)?"([\x21\x23-\x7e\x80-\xff]*)"')
MAX_IF_MATCH_CHARS = 1024


def precondition(lines: list[str] | None) -> Any:
    """The If-Match header (each line it was sent on) as a workout_log.logic.workouts.Precondition; None when
    absent. Lines are one comma-separated list (RFC 9110 section 5.3). A malformed header is a 400 naming If-Match
    (it would otherwise be a precondition nothing can meet)."""
    from workout_log.logic.workouts import Precondition

    if lines is None:
        return None
    if_match = ", ".join(lines)
    if if_match.strip() == "*":
        return Precondition(any_version=True)
    if len(if_match) > MAX_IF_MATCH_CHARS or not _ENTITY_TAGS.match(if_match):
        raise invalid("If-Match", 'must be * or a list of entity tags, e.g. "3" (the ETag of the workout)')
    strong = {tag for weak, tag in _TAG.findall(if_match) if not weak}
    return Precondition(versions=frozenset(strong))
