"""API Gateway REST proxy events (payload format 1.0) and Lambda context objects, as AWS builds them."""

from __future__ import annotations

import base64
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

STAGE = "local"


def package_resources() -> tuple[str, ...]:
    """The resource paths the package serves. The local gateway passes the deployed API's paths instead."""
    from workout_log.api import ROUTES

    return tuple(ROUTES)


def match_resource(path: str, resources: tuple[str, ...] | None = None) -> tuple[str | None, dict[str, str] | None]:
    """The resource template (as API Gateway knows it) that `path` matches, and its decoded path parameters. One
    trailing slash is ignored, as API Gateway ignores it."""
    path = path[:-1] if len(path) > 1 and path.endswith("/") else path
    for resource in resources if resources is not None else package_resources():
        names = re.findall(r"\{([^/]+)\}", resource)
        found = re.fullmatch(re.sub(r"\{[^/]+\}", "([^/]+)", resource), path)
        if found:
            return resource, dict(zip(names, map(unquote, found.groups()), strict=True)) or None
    return None, None


def identity(
    user_arn: str | None = None,
    access_key: str | None = None,
    account_id: str | None = None,
    cognito_identity_id: str | None = None,
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    return {
        "cognitoIdentityPoolId": None,
        "cognitoIdentityId": cognito_identity_id,
        "cognitoAuthenticationType": "authenticated" if cognito_identity_id else None,
        "cognitoAuthenticationProvider": None,
        "accountId": account_id,
        "caller": access_key,
        "accessKey": access_key,
        "user": access_key,
        "userArn": user_arn,
        "userAgent": None,
        "sourceIp": source_ip,
        "apiKey": None,
        "apiKeyId": None,
        "principalOrgId": None,
        "clientCert": None,
    }


def api_event(
    method: str,
    path: str,
    *,
    body: str | bytes | None = None,
    headers: list[tuple[str, str]] | dict[str, str] | None = None,
    query: str = "",
    caller: dict[str, Any] | None = None,
    base64_body: bool = False,
    request_id: str | None = None,
    resources: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """An event as API Gateway REST sends it to a Lambda proxy integration.

    `headers` may repeat a name (a list of pairs); `query` is the raw query string. Binary or base64 bodies are
    sent base64-encoded with isBase64Encoded true, as API Gateway does for binary media types.
    """
    pairs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    multi_headers: dict[str, list[str]] = {}
    for name, value in pairs:
        multi_headers.setdefault(name, []).append(value)
    multi_query = {k: v for k, v in parse_qs(query, keep_blank_values=True).items()} if query else None
    resource, path_parameters = match_resource(path, resources)
    if isinstance(body, bytes) or base64_body:
        raw = body.encode() if isinstance(body, str) else (body or b"")
        body_text, is_base64 = base64.b64encode(raw).decode(), True
    else:
        body_text, is_base64 = body, False
    request_id = request_id or str(uuid.uuid4())
    now = time.time()
    return {
        "resource": resource or path,
        "path": path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} if multi_query else None,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": resource or path,
            "httpMethod": method,
            "extendedRequestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "path": f"/{STAGE}{path}",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": STAGE,
            "domainPrefix": "localhost",
            "requestTimeEpoch": int(now * 1000),
            "requestId": request_id,
            "identity": caller or identity(),
            "domainName": "localhost",
            "apiId": "local",
        },
        "body": body_text,
        "isBase64Encoded": is_base64,
    }


@dataclass
class LambdaContext:
    """The attributes of the Lambda runtime's context object that Powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 256
    timeout_seconds: float = 10.0
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    _started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_seconds - (time.monotonic() - self._started)) * 1000))
