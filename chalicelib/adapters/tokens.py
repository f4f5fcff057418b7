"""Access tokens: JWTs signed with HS256 (one pinned algorithm) under a key derived from the
configured secret. Expiry is checked against the system's clock, which the local stage can
move forward, so pyjwt's own wall-clock check is replaced by ours."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from chalicelib.domain.credentials import KeyRing
from chalicelib.domain.errors import NotAuthenticated

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud", "sid", "sep"]


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    session_family: str
    session_epoch: int
    expires_at: datetime


class JwtAccessTokens:
    def __init__(self, keys, clock, issuer: str, audience: str, lifetime_seconds: int) -> None:
        self._keys = keys  # a provider: .get() -> KeyRing
        self._clock = clock
        self._issuer = issuer
        self._audience = audience
        self._lifetime = lifetime_seconds

    @property
    def lifetime_seconds(self) -> int:
        return self._lifetime

    def issue(self, user_id: str, session_family: str, session_epoch: int) -> str:
        import jwt

        keys: KeyRing = self._keys.get()
        now = self._clock.now()
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": user_id,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=self._lifetime)).timestamp()),
            "jti": secrets.token_urlsafe(12),
            "sid": session_family,
            "sep": session_epoch,
        }
        return jwt.encode(claims, keys.access_token_key, algorithm=ALGORITHM, headers={"kid": keys.key_id})

    def verify(self, token: str) -> AccessClaims:
        import jwt

        keys: KeyRing = self._keys.get()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise NotAuthenticated("the access token is not a token") from None
        if header.get("alg") != ALGORITHM:
            raise NotAuthenticated("the access token is not signed the way this service signs")
        key = keys.access_token_key
        if header.get("kid") not in (None, keys.key_id):
            if keys.previous_access_token_key is None or header.get("kid") != keys.previous_key_id:
                raise NotAuthenticated("the access token was signed with an unknown key")
            key = keys.previous_access_token_key
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_iat": False, "verify_nbf": False},
            )
        except jwt.PyJWTError:
            raise NotAuthenticated("the access token is not valid") from None
        now = self._clock.now().timestamp()
        if not isinstance(claims["exp"], int) or claims["exp"] <= now:
            raise NotAuthenticated("the access token has expired")
        if not isinstance(claims["iat"], int) or claims["iat"] > now + 60:
            raise NotAuthenticated("the access token was issued in the future")
        if not isinstance(claims["sep"], int) or not isinstance(claims["sid"], str):
            raise NotAuthenticated("the access token is not valid")
        return AccessClaims(
            user_id=str(claims["sub"]),
            session_family=claims["sid"],
            session_epoch=claims["sep"],
            expires_at=datetime.fromtimestamp(claims["exp"], tz=timezone.utc),
        )
