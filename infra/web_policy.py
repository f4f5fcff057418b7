"""The web app's security headers, content types and caching: one definition for every place
that serves it.

The local static server sends these headers itself; on AWS, CloudFront's response headers
policy in infra/web.yaml sends them, and tests/integration/test_web_infra.py checks that the
template says exactly what `security_headers` says. infra/deploy_web.py stores each file with
`content_type_for` and `cache_control_for`. Standard library only: importable without AWS.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from urllib.parse import urlsplit

ASSETS_PREFIX = "assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

# What mimetypes does not know everywhere (its table depends on the machine's /etc/mime.types).
# Under `X-Content-Type-Options: nosniff` a script or stylesheet served with the wrong type is
# refused by the browser, so these are pinned rather than guessed.
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".wasm": "application/wasm",
}


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, without its path: what CSP and CORS compare."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(api_url: str, upload_origins: list[str], *, https: bool) -> str:
    # Scripts and styles only from the app's own files: no inline code, no CDN. The page talks
    # to the API and to the uploads bucket (presigned POSTs, presigned downloads fetched for
    # preview as blob: URLs); the pdf.js worker is one of the app's files or a blob:.
    connect = " ".join(dict.fromkeys(["'self'", origin_of(api_url), *upload_origins]))
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        f"connect-src {connect}",
        "worker-src 'self' blob:",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "manifest-src 'self'",
    ]
    if https:
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


def security_headers(api_url: str, upload_origins: list[str], *, https: bool) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": content_security_policy(api_url, upload_origins, https=https),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        # The camera photographs evidence for uploads; nothing needs location or sound.
        "Permissions-Policy": "camera=(self), geolocation=(), microphone=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if https:
        # Only over https: a browser ignores it on http, and on a local http server it would
        # be a promise the server cannot keep.
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return headers


def upload_origins_for(bucket: str, region: str) -> list[str]:
    """Where browsers post uploads and fetch presigned downloads: the regional virtual-hosted
    endpoint the storage adapter presigns for (chalicelib/adapters/storage.py). Not the global
    s3.amazonaws.com: regions opened after March 2019 refuse it, and nothing presigns for it."""
    return [f"https://{bucket}.s3.{region}.amazonaws.com"]


def cache_control_for(path: str) -> str:
    """Files under assets/ carry a content hash in their name, so a name never changes meaning
    and may be kept for a year; everything else (index.html, config.json, favicon.svg…) keeps
    its name across releases and must be revalidated on every use."""
    if path.lstrip("/").startswith(ASSETS_PREFIX):
        return IMMUTABLE
    return REVALIDATE


def content_type_for(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in _CONTENT_TYPES:
        return _CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path, strict=False)
    return guessed or "application/octet-stream"
