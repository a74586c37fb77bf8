"""A small HTTP client for the local API: plain or SigV4-signed with botocore, JSON in and out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import urllib3

_POOL = urllib3.PoolManager(maxsize=64)


@dataclass
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def error_fields(self) -> list[str]:
        return [detail["field"] for detail in self.body["error"]["details"]]


def request(
    method: str,
    url: str,
    body: Any = None,
    raw: bytes | str | None = None,
    headers: dict[str, str] | None = None,
    sign_with: tuple[str, str] | None = None,
) -> HttpAnswer:
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    data_bytes = data.encode() if isinstance(data, str) else data
    all_headers = dict(headers or {})
    if body is not None and raw is None:
        all_headers.setdefault("Content-Type", "application/json")
    if sign_with is not None:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        signed = AWSRequest(method=method, url=url, data=data_bytes, headers=all_headers)
        SigV4Auth(Credentials(*sign_with), "execute-api", "us-east-1").add_auth(signed)
        all_headers = dict(signed.headers.items())
    response = _POOL.request(method, url, body=data_bytes, headers=all_headers, retries=False)
    text = response.data.decode() if response.data else ""
    try:
        parsed = json.loads(text) if text else None
    except json.JSONDecodeError:
        parsed = text
    return HttpAnswer(response.status, dict(response.headers), parsed)
