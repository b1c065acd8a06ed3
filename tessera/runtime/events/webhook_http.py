"""The wire side of webhooks: where a URL may point, how a delivery is signed, one POST.

A target must resolve only to public addresses: loopback, private, link-local, shared,
multicast, reserved and unspecified ones are refused unless the host, exactly as the URL
writes it, is on the allow-list. The check runs again at every delivery, and the
connection goes to the very address that was checked (a name that resolves differently a
moment later changes nothing). Redirects are not followed.
"""

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urlsplit

from .subscribers import Outcome

USER_AGENT = "Tessera-Webhooks/1"
#: Most characters of a receiver's answer read (and kept in a failed delivery's error).
ANSWER_CHARS = 200


class UnsafeTarget(ValueError):
    """A webhook URL is malformed or resolves to an address that is not allowed."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code, self.params = code, params


def signature(secret, timestamp, body):
    """The ``X-Tessera-Signature`` value: ``t=<timestamp>,v1=<hex HMAC-SHA256 of "<t>.<body>">``."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _is_public(address):
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def split_target(url):
    """(scheme, host, port, path with query) of an http(s) URL; raise UnsafeTarget when malformed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeTarget("webhook.url.invalid") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise UnsafeTarget("webhook.url.invalid")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80), path


def resolve(url, allow_hosts):
    """The addresses ``url``'s host resolves to, all of them allowed; raise UnsafeTarget otherwise."""
    _, host, port, _ = split_target(url)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeTarget("webhook.url.unresolvable", host=host) from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if host not in allow_hosts and not all(_is_public(address) for address in addresses):
        raise UnsafeTarget("webhook.url.private", host=host)
    return addresses


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, address, host, port, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, address, host, port, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url, body, headers, *, timeout, allow_hosts):
    """POST ``body`` to ``url`` (checked and pinned to its resolved address); return an Outcome,
    ok for a 2xx answer. Network failures and refused targets are failed Outcomes too."""
    started = time.monotonic()
    elapsed = lambda: int((time.monotonic() - started) * 1000)  # noqa: E731
    try:
        scheme, host, port, path = split_target(url)
        address = resolve(url, allow_hosts)[0]
        connection = (_PinnedHTTPS if scheme == "https" else _PinnedHTTP)(address, host, port, timeout)
        try:
            connection.request("POST", path, body=body, headers={"User-Agent": USER_AGENT, **headers})
            answer = connection.getresponse()
            text = answer.read(ANSWER_CHARS).decode("utf-8", "replace")
        finally:
            connection.close()
    except UnsafeTarget as refused:
        return Outcome(False, duration_ms=elapsed(), error=f"{refused.code}: {refused.params.get('host', url)}")
    except (OSError, http.client.HTTPException) as error:
        return Outcome(False, duration_ms=elapsed(), error=f"{type(error).__name__}: {error}")
    ok = 200 <= answer.status < 300
    return Outcome(ok, answer.status, elapsed(), None if ok else f"HTTP {answer.status}: {text}", text)
