"""Signed inbound requests: ``X-Tessera-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<raw body>" with the endpoint's secret>``, the shape outbound webhooks sign with."""

import hashlib
import hmac

#: Seconds a signature's timestamp may be away from the server's clock (replays beyond are refused).
TOLERANCE_SECONDS = 300


def sign(secret, timestamp, body):
    """The hex HMAC-SHA256 of ``"<timestamp>.<body>"`` with ``secret``."""
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def parse(header):
    """(timestamp, [v1 signatures]) of a signature header; (None, []) when it has no timestamp."""
    timestamp, signatures = None, []
    for item in (header or "").split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value)
    return timestamp, signatures


def check(secret, header, body, now, tolerance=TOLERANCE_SECONDS):
    """None when ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds of
    ``now`` (unix seconds); else the message code saying why not."""
    timestamp, signatures = parse(header)
    if timestamp is None or not signatures:
        return "inbound.signature.malformed"
    if abs(now - timestamp) > tolerance:
        return "inbound.signature.expired"
    expected = sign(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, s.encode("ascii", "replace").decode()) for s in signatures):
        return "inbound.signature.invalid"
    return None
