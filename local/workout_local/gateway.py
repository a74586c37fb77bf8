"""A local stand-in for API Gateway REST: HTTP in, API Gateway proxy event to the real handler, HTTP out.

Requests signed with SigV4 (botocore's SigV4Auth, awscurl) are verified with botocore's own signer against the
local credentials below, and the caller's identity reaches `requestContext.identity` as it would behind AWS_IAM.
The signature is checked against the request target exactly as the client sent it (path and query before any
decoding), with the query canonicalised as SigV4 prescribes: each name and value percent-decoded, then encoded
with only A-Z a-z 0-9 - _ . ~ left as they are, sorted by name and value.
Unsigned requests are accepted as an anonymous caller unless `require_signature` is set, so that a plain `curl`
works on a laptop; a request with a bad signature or an unknown key is always refused with 403.
"""

from __future__ import annotations

import base64
import hmac
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urlsplit

from workout_local.events import LambdaContext, api_event, identity, match_resource

ACCOUNT_ID = "123456789012"
MAX_CLOCK_SKEW = timedelta(minutes=15)


@dataclass(frozen=True)
class LocalCaller:
    secret_key: str
    user_arn: str
    cognito_identity_id: str | None = None


# Credentials the local gateway accepts. Sign with these (e.g. AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY for awscurl).
LOCAL_CALLERS = {
    "AKIALOCALSERVICE0001": LocalCaller("local-service-secret", f"arn:aws:iam::{ACCOUNT_ID}:user/local-service"),
    "ASIALOCALCOGNITO0001": LocalCaller(
        "local-cognito-secret",
        f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/workout-log-cognito-authenticated/CognitoIdentityCredentials",
        cognito_identity_id="us-east-1:11111111-2222-3333-4444-555555555555",
    ),
}


class SignatureError(Exception):
    def __init__(self, response_type: str, message: str) -> None:
        super().__init__(message)
        self.response_type = response_type
        self.message = message


def _parse_authorization(value: str) -> dict[str, str]:
    algorithm, _, rest = value.partition(" ")
    if algorithm != "AWS4-HMAC-SHA256":
        raise SignatureError("INCOMPLETE_SIGNATURE", "Only AWS4-HMAC-SHA256 signatures are accepted.")
    fields = dict(part.strip().split("=", 1) for part in rest.split(",") if "=" in part)
    if not {"Credential", "SignedHeaders", "Signature"} <= fields.keys():
        raise SignatureError(
            "INCOMPLETE_SIGNATURE", "Authorization header requires Credential, SignedHeaders, Signature."
        )
    return fields


def canonical_query(query: str) -> str:
    """SigV4's canonical query string of a raw query (AWS General Reference, "Create a canonical request")."""
    if not query:
        return ""
    pairs = []
    for part in query.split("&"):
        name, _, value = part.partition("=")
        # The target arrives as latin-1 text (one character per byte), so bytes are what gets decoded.
        pairs.append(tuple(quote(unquote_to_bytes(text.encode("latin-1")), safe="-_.~") for text in (name, value)))
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def verify_sigv4(method: str, url: str, headers: dict[str, str], body: bytes) -> tuple[str, LocalCaller]:
    """Recompute the request's signature with botocore and compare; `url` holds the request target as the client
    sent it. Returns the access key and its caller."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest, HTTPHeaders
    from botocore.credentials import Credentials

    lower = {name.lower(): value for name, value in headers.items()}
    fields = _parse_authorization(lower["authorization"])
    access_key, date, region, service, _terminator = (fields["Credential"].split("/") + [""] * 5)[:5]
    caller = LOCAL_CALLERS.get(access_key)
    if caller is None:
        raise SignatureError("UNAUTHORIZED", "The security token included in the request is invalid.")
    amz_date = lower.get("x-amz-date", "")
    try:
        signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise SignatureError("INCOMPLETE_SIGNATURE", "X-Amz-Date is missing or malformed.") from None
    if abs(datetime.now(UTC) - signed_at) > MAX_CLOCK_SKEW or not amz_date.startswith(date):
        raise SignatureError("INVALID_SIGNATURE", "Signature expired or dated wrongly.")
    signed_names = fields["SignedHeaders"].split(";")
    if "host" not in signed_names:
        raise SignatureError("INCOMPLETE_SIGNATURE", "The host header must be signed.")

    class _Recompute(SigV4Auth):
        def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
            chosen = HTTPHeaders()
            for name in signed_names:
                chosen[name] = lower.get(name, "")
            return chosen

        def canonical_query_string(self, request: AWSRequest) -> str:
            return canonical_query(urlsplit(request.url).query)

    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    request.context["timestamp"] = amz_date
    signer = _Recompute(Credentials(access_key, caller.secret_key, lower.get("x-amz-security-token")), service, region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, fields["Signature"]):
        raise SignatureError(
            "INVALID_SIGNATURE",
            "The request signature we calculated does not match the signature you provided.",
        )
    return access_key, caller


_loaded_handlers: dict[str, Any] = {}


def _enter_function(environment: dict[str, str]) -> None:
    """Runs once in each worker process: the function's environment, before its handler module is imported."""
    import os

    os.environ.update(environment)


def _invoke_in_instance(handler_path: str, event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Runs inside a worker process: one Lambda instance, serving one request at a time."""
    if handler_path not in _loaded_handlers:
        import importlib

        module_name, _, attribute = handler_path.rpartition(".")
        _loaded_handlers[handler_path] = getattr(importlib.import_module(module_name), attribute)
    return _loaded_handlers[handler_path](event, context)


class FunctionInstances:
    """A function's Lambda instances: worker processes, each running one request at a time, started on demand up
    to `max_instances`, each with the function's environment. Separate processes matter: Powertools keeps the
    current event on the resolver class (one per process), so two concurrent requests in one process could read
    each other's body; in Lambda they never share a process either."""

    def __init__(self, handler_path: str, environment: dict[str, str], max_instances: int = 3) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.handler_path = handler_path
        self._pool = ProcessPoolExecutor(
            max_workers=max_instances,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_enter_function,
            initargs=(environment,),
        )

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        return self._pool.submit(_invoke_in_instance, self.handler_path, event, context).result()

    def stop(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _gateway_error(status: int, response_type: str, message: str, request_id: str) -> tuple[int, list, bytes]:
    body = {"error": {"code": response_type, "message": message, "details": []}, "requestId": request_id}
    return status, [("Content-Type", "application/json")], json.dumps(body).encode()


class LocalGateway:
    """WSGI app: routes each request to the function API Gateway would invoke, as a proxy event.

    `routes` maps "METHOD /resource/{param}" to (handler, function). A path that matches no deployed resource,
    or a method the resource lacks, still goes to a function (the one serving that resource, else the first
    route's), so that the package's resolver answers 404 or 405 in the API's error shape."""

    def __init__(self, routes: dict[str, tuple[Any, Any]], require_signature: bool = False):
        self._routes = routes
        self._resources = tuple(dict.fromkeys(route.split(" ", 1)[1] for route in sorted(routes)))
        self._require_signature = require_signature
        self._openapi: bytes | None = None
        self._openapi_lock = threading.Lock()

    def target(self, method: str, resource: str | None) -> tuple[Any, Any]:
        if f"{method} {resource}" in self._routes:
            return self._routes[f"{method} {resource}"]
        same_resource = [target for route, target in sorted(self._routes.items()) if route.endswith(f" {resource}")]
        return same_resource[0] if same_resource else self._routes[sorted(self._routes)[0]]

    def openapi_document(self) -> bytes:
        with self._openapi_lock:
            if self._openapi is None:
                from workout_local.openapi import openapi_document

                self._openapi = json.dumps(openapi_document(), indent=2).encode()
            return self._openapi

    def invoke(self, method: str, url: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes):
        import uuid

        request_id = str(uuid.uuid4())
        if method == "GET" and path == "/openapi.json":
            return 200, [("Content-Type", "application/json")], self.openapi_document()
        header_map = dict(headers)
        caller = identity(source_ip="127.0.0.1")
        if any(name.lower() == "authorization" for name in header_map):
            try:
                access_key, local = verify_sigv4(method, url, header_map, body)
            except SignatureError as error:
                return _gateway_error(403, error.response_type, error.message, request_id)
            caller = identity(
                user_arn=local.user_arn,
                access_key=access_key,
                account_id=ACCOUNT_ID,
                cognito_identity_id=local.cognito_identity_id,
            )
        elif self._require_signature:
            return _gateway_error(403, "MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token", request_id)

        resource, _ = match_resource(path, self._resources)
        handler, function = self.target(method, resource)
        try:
            text = body.decode("utf-8") if body else None
            binary = False
        except UnicodeDecodeError:
            text, binary = None, True
        event = api_event(
            method,
            path,
            body=body if binary else text,
            headers=headers,
            query=query,
            caller=caller,
            request_id=request_id,
            resources=self._resources,
        )
        context = LambdaContext(
            function_name=function.name, memory_limit_in_mb=function.memory_size, timeout_seconds=function.timeout
        )
        result = handler(event, context)
        response_headers = [
            (name, value) for name, values in (result.get("multiValueHeaders") or {}).items() for value in values
        ]
        response_headers += list((result.get("headers") or {}).items())
        payload = result.get("body") or ""
        raw = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode()
        return int(result["statusCode"]), response_headers, raw

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        from http import HTTPStatus

        from werkzeug.wrappers import Request

        request = Request(environ)
        body = request.get_data()
        headers = [(name, value) for name, value in request.headers.items()]
        # The target as the client sent it: the signature covers it, not the path and query as the WSGI layer
        # decoded and quoted them again. werkzeug's server keeps it in RAW_URI as WSGI text: each byte sent, read
        # as latin-1, then encoded as UTF-8 and read as latin-1 again; undone here, one character per byte sent.
        raw_target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        target = raw_target.encode("latin-1").decode("utf-8") if raw_target else request.full_path
        url = f"{request.scheme}://{request.host}{target}"
        # API Gateway reads the query's bytes as UTF-8 (percent-escapes decoded later, by the event's parser).
        query = urlsplit(target).query.encode("latin-1").decode("utf-8", "replace")
        status, response_headers, raw = self.invoke(request.method, url, request.path, query, headers, body)
        start_response(f"{status} {HTTPStatus(status).phrase}", [*response_headers, ("Content-Length", str(len(raw)))])
        return [raw]
