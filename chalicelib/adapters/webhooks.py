"""Posting a signed delivery to a subscriber's URL.

The URL was checked when the subscription was made, but a name can resolve elsewhere later:
each delivery resolves the host and refuses to connect to an address that is not public (the
local stage may post to loopback). Redirects are not followed: a receiver that moved must be
updated, not chased to wherever a 30x points.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request

from chalicelib.domain.integrations import Reply
from chalicelib.domain.subscriptions import address_allowed

MAX_ANSWER_BYTES = 4 * 1024


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 (urllib's hook)
        return None


class WebhookClient:
    def __init__(self, timeout: float, allow_loopback: bool) -> None:
        self.timeout = timeout
        self.allow_loopback = allow_loopback
        self._opener = urllib.request.build_opener(_NoRedirects)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Reply:
        refused = self._refused(url)
        if refused:
            return Reply(None, error=refused)
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": "satupintu-webhooks/1", **headers})
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                answer.read(MAX_ANSWER_BYTES)
                return Reply(answer.status)
        except urllib.error.HTTPError as error:
            return Reply(error.code, error=f"HTTP {error.code}")
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            reason = getattr(error, "reason", error)
            return Reply(None, error=f"no answer: {type(reason).__name__}: {reason}"[:300])

    def _refused(self, url: str) -> str | None:
        parsed = urllib.parse.urlsplit(url)
        host = parsed.hostname or ""
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, parsed.port or 443, proto=socket.IPPROTO_TCP)}
        except OSError as error:
            return f"no answer: the host does not resolve ({error})"[:300]
        for address in addresses:
            if not address_allowed(address.split("%", 1)[0], self.allow_loopback):
                return f"not sent: {host} resolves to {address}, which is not a public address"
        return None
