"""Page tokens: opaque, tamper-evident cursors tied to the query that made them (Google AIP-158).

A token is `<payload>.<mac>`, both base64url: the payload names where the page stopped and a digest of the query
(route, user or type, from, to, type filter); the MAC is HMAC-SHA256 over the payload. A token that was altered,
cut, made for another user or another filter, or is not a token at all, is refused as a 400 naming nextToken.

The HMAC secret never leaves AWS in plain form and needs no storage: it is the KMS MAC of a fixed message under
the environment's HMAC key (GenerateMac is deterministic), asked once per cold start.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from functools import cache
from typing import Any

from workout_log.models.errors import DependencyUnavailable, FieldProblem, InvalidRequest

# A token holds one sort key ("<time>#<id>", 64 characters) and a query digest: about 190 characters in all.
# Anything much longer is not ours.
MAX_TOKEN_CHARS = 512
_SECRET_MESSAGE = b"workout-log page tokens v1"


@cache
def _secret(key_arn: str) -> bytes:
    from botocore.exceptions import BotoCoreError, ClientError

    from workout_log.aws import kms_client

    try:
        mac = kms_client().generate_mac(KeyId=key_arn, Message=_SECRET_MESSAGE, MacAlgorithm="HMAC_SHA_256")["Mac"]
    except (BotoCoreError, ClientError) as error:
        from workout_log.observability import logger

        logger.error("KMS GenerateMac failed: page tokens unavailable", extra={"error": str(error)})
        raise DependencyUnavailable("Paging is temporarily unavailable.", retry_after=5) from error
    return bytes(mac)


def forget_secret() -> None:
    """Tests switch keys between scenarios."""
    _secret.cache_clear()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _digest(query: dict[str, Any]) -> str:
    return _b64(hashlib.sha256(json.dumps(query, sort_keys=True, separators=(",", ":")).encode()).digest()[:16])


def issue(key_arn: str, query: dict[str, Any], position: str) -> str:
    """A token for the page after `position`, valid for `query` only."""
    payload = json.dumps({"q": _digest(query), "p": position}, separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(hmac.new(_secret(key_arn), payload, hashlib.sha256).digest())}"


def _refused(message: str) -> InvalidRequest:
    return InvalidRequest([FieldProblem("nextToken", message)])


def read(key_arn: str, query: dict[str, Any], token: str) -> str:
    """Where the page `token` continues from; InvalidRequest (naming nextToken) for anything but a token this
    service issued for this very query."""
    if len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        raise _refused("is not a page token of this API")
    payload_text, mac_text = token.split(".")
    try:
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except (binascii.Error, ValueError):
        raise _refused("is not a page token of this API") from None
    # One spelling per token: base64 decoding would otherwise accept padding or stray characters added to it.
    if (_b64(payload), _b64(mac)) != (payload_text, mac_text):
        raise _refused("has been altered or is not a page token of this API")
    if not hmac.compare_digest(mac, hmac.new(_secret(key_arn), payload, hashlib.sha256).digest()):
        raise _refused("has been altered or is not a page token of this API")
    document = json.loads(payload)
    if document.get("q") != _digest(query):
        raise _refused("was issued for another query (user, type, from or to): start again without it")
    position: str = document["p"]
    return position
