"""The signature of a delivery: HMAC-SHA256 with the endpoint's secret over "<timestamp>.<body>", sent as
`X-Constructys-Signature: sha256=<hex>` with `X-Constructys-Timestamp: <timestamp>` (Unix seconds). Signing the
timestamp with the body lets a receiver refuse an old delivery replayed to it (docs/webhooks.md)."""

import hashlib
import hmac


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: int | str, body: bytes, header: str) -> bool:
    """What a receiver does (the same code is in docs/webhooks.md): compare in constant time."""
    return hmac.compare_digest(signature(secret, timestamp, body), header or "")
