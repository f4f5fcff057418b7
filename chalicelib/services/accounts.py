"""Accounts: registration with an e-mailed code, login, rotating refresh tokens, password reset,
staff invitations, and turning an access token into the caller.

Answers never tell whether an address has an account: registering a taken address and asking a
reset for an unknown one look the same from outside, and the unknown-address path spends the
same argon2 time as the known one.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain import credentials as cred
from chalicelib.domain.errors import (
    AccountNotVerified,
    Conflict,
    FieldProblem,
    InvalidCredentials,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    TooManyAttempts,
)
from chalicelib.domain.digits import ascii_digits
from chalicelib.domain.ids import new_id
from chalicelib.domain.messages import msg
from chalicelib.domain.org import Node
from chalicelib.domain.people import ADMIN_ROLES, ROLES, Grant, Principal, User, require_any
from chalicelib.services.ports import (
    AccessTokens, Clock, DirectNotifier, EmailTaken, JobQueue, KeySource, PasswordHasher, Session, SessionStore, StoredCode,
    ThrottleStore, UserStore,
)

logger = logging.getLogger(__name__)

LANGUAGES = ("id", "en")
# Read in place of an unknown address's account, so the lookup costs what a known one costs.
NOBODY = "usr_nobody"
# Matches no stored code: the try taken for a code that is not there changes nothing.
NO_CODE = "-"


REGISTER = "register"
FORGOT_PASSWORD = "forgot_password"


@dataclass(frozen=True)
class AccountRequest:
    """A registration or a reset request, queued by the route and carried out by the notification
    function. A registration carries the argon2 hash of the chosen password, never the password."""

    action: str
    email: str
    request_id: str
    name: str | None = None
    language: str | None = None
    password_hash: str | None = None

    @classmethod
    def from_job(cls, job: dict[str, Any]) -> "AccountRequest":
        """From the queued job `account_request` wrote."""
        return cls(**{key: value for key, value in job.items() if key != "type"})


def account_request(action: str, email: str, **fields: str) -> dict[str, Any]:
    return {"type": "account", "action": action, "email": email, "request_id": new_id("req"), **fields}


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"


class AccountService:
    def __init__(self, *, users: UserStore, sessions: SessionStore, throttles: ThrottleStore, hasher: PasswordHasher,
                 access_tokens: AccessTokens, keys: KeySource, notifications: DirectNotifier, clock: Clock,
                 requests: JobQueue, refresh_token_seconds: int, web_base_url: str) -> None:
        self.users = users
        self.requests = requests
        self.sessions = sessions
        self.throttles = throttles
        self.hasher = hasher
        self.access_tokens = access_tokens
        self.keys = keys
        self.notifications = notifications
        self.clock = clock
        self.refresh_token_seconds = refresh_token_seconds
        self.web_base_url = web_base_url.rstrip("/")

    # ---- registration --------------------------------------------------------------------

    def register(self, email: str, password: str, name: str, language: str | None) -> None:
        """Checked and hashed here; the rest is queued (carry_out_registration), so a new address,
        a taken one and an unverified one answer after the same work."""
        email = cred.email_address(email)
        cred.check_password_rules(password)
        language = _language(language)
        name = cred.person_name(name)
        self.requests.send(account_request(REGISTER, email, name=name, language=language,
                                           password_hash=self.hasher.hash(password)))

    def carry_out(self, request: AccountRequest) -> None:
        """What a queued request asks, off the answer's path (the notification function)."""
        if request.action == REGISTER:
            assert request.name and request.language and request.password_hash
            self.carry_out_registration(request.email, request.name, request.language, request.password_hash)
        elif request.action == FORGOT_PASSWORD:
            self.send_reset_code(request.email)
        else:
            raise ValueError(f"unknown account request: {request.action}")

    def carry_out_registration(self, email: str, name: str, language: str, password_hash: str) -> None:
        now = self.clock.now()
        if not self._may_send_code(email, now):
            return
        user_id = self.users.user_id_for_email(email)
        if user_id is None:
            user = User(id=new_id("usr"), email=email, name=name, language=language, status="pending",
                        password_hash=None, created_at=now)
            code = cred.new_otp()
            stored = self._stored_code(user.id, "verify", code, now, cred.OTP_LIFETIME_SECONDS, password_hash)
            try:
                self.users.create(user, stored)
            except EmailTaken:
                return  # claimed a moment ago by a parallel registration: it got the code
            self._notify(user.id, "verify_code", secret={"code": code}, at_once=True)
            logger.info("registration started", extra={"user_id": user.id})
            return
        user, _codes = self.users.load(user_id)
        if user is None:
            return
        if user.is_active:
            # Tell the owner, not the caller: the caller saw the same 202 as for a new address.
            self._notify(user.id, "already_registered", link=f"{self.web_base_url}/forgot-password", at_once=True)
            return
        # Still unverified: a fresh code, bound to the password chosen with it.
        code = cred.new_otp()
        self.users.put_code(user.id, self._stored_code(user.id, "verify", code, now, cred.OTP_LIFETIME_SECONDS, password_hash))
        self._notify(user.id, "verify_code", secret={"code": code}, at_once=True)

    def verify(self, email: str, code: str) -> User:
        email = cred.normalize_email(email)
        user, stored = self._user_and_code(email, "verify")
        if user is not None and user.is_active:
            stored = None  # already verified: no code of this kind is live
        self._check_code(email, "verify", user, stored, code)
        assert user is not None and stored is not None
        activated = replace(user, status="active", password_hash=stored.password_hash, version=user.version + 1)
        if not self.users.redeem_code(activated, user.version, stored):
            raise Conflict("the code was used or replaced at the same moment; ask for a new one")
        logger.info("account verified", extra={"user_id": user.id})
        return activated

    # ---- login, refresh, logout ----------------------------------------------------------

    def login(self, email: str, password: str) -> TokenPair:
        """Every address, known or not, costs the same: a try taken, the address claim and the
        account's partition read, one argon2 comparison."""
        email = cred.normalize_email(email)
        now = self.clock.now()
        lock_for = timedelta(seconds=cred.LOGIN_LOCK_SECONDS)
        # The try is taken before the password is compared: never more than LOGIN_MAX_FAILURES
        # comparisons per window, however many guesses arrive at once.
        attempt = self.throttles.take("login", email, now, window=lock_for, limit=cred.LOGIN_MAX_FAILURES,
                                      lock_for=lock_for)
        if not attempt.granted:
            raise TooManyAttempts("too many failed logins; try again later", cred.seconds_until(attempt.refused_until or now, now))
        user, codes = self.users.load(self.users.user_id_for_email(email) or NOBODY)
        if user is not None and user.is_active and user.password_hash is not None:
            matches = self.hasher.verify(user.password_hash, password)
        else:
            # The password chosen at registration waits beside its code until the code is used.
            pending = codes.get("verify") if user is not None else None
            matches = self._matches_or_burn(pending.password_hash if pending else None, password)
            if matches:
                raise AccountNotVerified("verify your e-mail address with the code we sent before logging in")
        if not matches:
            if attempt.last:
                raise TooManyAttempts("too many failed logins; try again later", cred.LOGIN_LOCK_SECONDS)
            raise InvalidCredentials("wrong e-mail address or password")
        assert user is not None and user.password_hash is not None
        self.throttles.clear("login", email)
        if self.hasher.needs_rehash(user.password_hash):
            self.users.save(replace(user, password_hash=self.hasher.hash(password), version=user.version + 1), user.version)
        return self._start_session(user, now)

    def _matches_or_burn(self, password_hash: str | None, password: str) -> bool:
        if password_hash is None:
            self.hasher.burn_time(password)
            return False
        return self.hasher.verify(password_hash, password)

    def _start_session(self, user: User, now: datetime) -> TokenPair:
        family = secrets.token_urlsafe(18)
        self.sessions.create(
            Session(family, user.id, 1, user.session_epoch, now + timedelta(seconds=self.refresh_token_seconds), False),
            now,
        )
        return self._pair(user, family, 1)

    def _pair(self, user: User, family: str, generation: int) -> TokenPair:
        keys = self.keys.get()
        return TokenPair(
            access_token=self.access_tokens.issue(user.id, family, user.session_epoch),
            refresh_token=cred.encode_refresh_token(keys, cred.RefreshToken(family, generation)),
            expires_in=self.access_tokens.lifetime_seconds,
        )

    def refresh(self, refresh_token: str) -> TokenPair:
        now = self.clock.now()
        token = cred.decode_refresh_token(self.keys.get(), refresh_token)
        session = self.sessions.get(token.family) if token else None
        if token is None or session is None or session.revoked or session.expires_at <= now:
            raise NotAuthenticated("the refresh token is not valid; log in again")
        if token.generation != session.generation or not self.sessions.advance(token.family, token.generation):
            # A token already exchanged came back: whoever holds this family may be a thief.
            self._end_session(token.family, session.user_id, now)
            logger.warning("refresh token reused; session family revoked", extra={"user_id": session.user_id})
            raise NotAuthenticated("this refresh token was already used; for safety the session has ended, log in again")
        user = self.users.get(session.user_id)
        if user is None or not user.is_active or user.session_epoch != session.epoch:
            self._end_session(token.family, session.user_id, now)
            raise NotAuthenticated("the session has ended; log in again")
        return self._pair(user, token.family, token.generation + 1)

    def logout(self, caller: Principal, refresh_token: str) -> None:
        """Ends the session of the access token that asks, whatever refresh token comes with it,
        and the refresh token's own session if it is the caller's."""
        now = self.clock.now()
        families = {caller.session_family} - {None}
        token = cred.decode_refresh_token(self.keys.get(), refresh_token)
        if token is not None:
            session = self.sessions.get(token.family)
            if session is not None and session.user_id == caller.user_id:
                families.add(token.family)
        for family in sorted(f for f in families if f):
            self._end_session(family, caller.user_id, now)

    def _end_session(self, family: str, user_id: str, now: datetime) -> None:
        """The family's refresh token stops now, and so do its access tokens (authenticate
        reads the ended families with the account)."""
        self.sessions.revoke(family, user_id, now + timedelta(seconds=self.access_tokens.lifetime_seconds))

    # ---- password reset and invitations ---------------------------------------------------

    def forgot_password(self, email: str) -> None:
        """Queued whether or not the address has an account: the answer costs the same."""
        self.requests.send(account_request(FORGOT_PASSWORD, cred.normalize_email(email)))

    def send_reset_code(self, email: str) -> None:
        now = self.clock.now()
        if not self._may_send_code(email, now):
            return
        user_id = self.users.user_id_for_email(email)
        user = self.users.get(user_id) if user_id else None
        if user is None or not user.is_active:
            return
        code = cred.new_otp()
        self.users.put_code(user.id, self._stored_code(user.id, "reset", code, now, cred.OTP_LIFETIME_SECONDS))
        self._notify(user.id, "reset_code", secret={"code": code}, at_once=True)

    def reset_password(self, email: str, code: str, new_password: str) -> User:
        """Takes a reset code, or the invitation code a new staff member got by e-mail. Every
        session of the account ends (the session epoch moves)."""
        cred.check_password_rules(new_password, "new_password")
        email = cred.normalize_email(email)
        purpose = "reset" if ascii_digits(code, cred.OTP_DIGITS) else "invite"
        user, stored = self._user_and_code(email, purpose)
        self._check_code(email, purpose, user, stored, code)
        assert user is not None and stored is not None
        changed = replace(
            user, status="active", password_hash=self.hasher.hash(new_password),
            session_epoch=user.session_epoch + 1, version=user.version + 1,
        )
        if not self.users.redeem_code(changed, user.version, stored):
            raise Conflict("the code was used or replaced at the same moment; ask for a new one")
        logger.info("password set", extra={"user_id": user.id, "via": purpose})
        return changed

    def invite_staff(self, caller: Principal, email: str, name: str, grants: list[Grant], nodes: dict[str, Node]) -> User:
        """An admin gives roles at nodes they reach; a new person gets an account and an e-mail
        to set their password, an existing one gets the roles and a note."""
        require_any(caller, ADMIN_ROLES)
        for grant in grants:
            node = nodes.get(grant.node_id)
            if node is None or not caller.reaches(node.path, roles=ADMIN_ROLES):
                # Outside the admin's reach a node does not exist for them.
                raise NotFound(msg("no such office: {office}", office=grant.node_id))
        problems = []
        if not grants:
            problems.append(FieldProblem("roles", "name at least one role"))
        for index, grant in enumerate(grants):
            if grant.role not in ROLES:
                problems.append(FieldProblem(f"roles[{index}].role", msg("must be one of {options}", options=", ".join(ROLES))))
        if problems:
            raise InvalidInput("the roles are not right", problems)
        email = cred.email_address(email)
        name = cred.person_name(name)
        now = self.clock.now()
        user_id = self.users.user_id_for_email(email)
        if user_id is not None:
            existing = self.users.get(user_id)
            if existing is None:
                raise Conflict("that account is being changed; try again")
            new_grants = [g for g in grants if g not in existing.grants]
            self.users.add_grants(existing.id, new_grants, caller.user_id, now)
            self._notify(existing.id, "roles_granted", roles=_describe(new_grants or grants, nodes),
                         link=f"{self.web_base_url}/")
            return replace(existing, grants=tuple(sorted(set(existing.grants) | set(grants), key=lambda g: (g.node_id, g.role))))
        user = User(id=new_id("usr"), email=email, name=name, language="id", status="pending",
                    password_hash=None, created_at=now, grants=tuple(grants))
        code = cred.new_invite_code()
        stored = self._stored_code(user.id, "invite", code, now, cred.INVITE_LIFETIME_SECONDS)
        try:
            self.users.create(user, stored, grants, granted_by=caller.user_id)
        except EmailTaken:
            raise Conflict("that address was registered a moment ago; try again") from None
        from urllib.parse import urlencode

        # The code rides in the fragment: browsers never send it to the web server or CloudFront's logs.
        link = f"{self.web_base_url}/set-password#" + urlencode({"email": email, "code": code})
        self._notify(user.id, "invitation", secret={"link": link, "code": code}, inviter=caller.name,
                     roles=_describe(grants, nodes), days=cred.INVITE_LIFETIME_SECONDS // 86400)
        return user

    # ---- the caller of a request ----------------------------------------------------------

    def authenticate(self, access_token: str) -> Principal:
        claims = self.access_tokens.verify(access_token)
        user = self.users.get(claims.user_id)
        if (user is None or not user.is_active or user.session_epoch != claims.session_epoch
                or claims.session_family in user.ended_sessions):
            raise NotAuthenticated("the session has ended; log in again")
        now = self.clock.now()
        lent = tuple(d for d in user.delegations if d.active_at(now))
        return Principal(user_id=user.id, email=user.email, name=user.name, language=user.language, grants=user.grants,
                         delegated=lent, session_family=claims.session_family)

    # ---- housekeeping ---------------------------------------------------------------------

    def purge_unverified(self, older_than_days: int, batch: int = 100) -> int:
        """Registrations never verified are removed after a while: the address is free again
        and nothing is kept about a person who never finished signing up."""
        cutoff = self.clock.now() - timedelta(days=older_than_days)
        removed = 0
        for user_id in self.users.pending_since_before(cutoff, batch):
            user = self.users.get(user_id)
            if user is not None and not user.is_active and self.users.delete_unverified(user):
                removed += 1
        logger.info("unverified registrations purged", extra={"removed": removed})
        return removed

    # ---- helpers --------------------------------------------------------------------------

    def _may_send_code(self, email: str, now: datetime) -> bool:
        """At most a few codes an hour per address, so nobody can flood someone's mailbox."""
        count, _ = self.throttles.count("code-send", email, now, window=timedelta(hours=1))
        if count > cred.CODE_SENDS_PER_HOUR:
            logger.info("code not sent: hourly limit reached")
            return False
        return True

    def _stored_code(self, user_id: str, purpose: str, code: str, now: datetime, lifetime: int,
                     password_hash: str | None = None) -> StoredCode:
        return StoredCode(
            purpose=purpose,
            code_hash=cred.hash_code(self.keys.get(), user_id, purpose, code),
            expires_at=now + timedelta(seconds=lifetime),
            attempts=0,
            password_hash=password_hash,
        )

    def _user_and_code(self, email: str, purpose: str) -> tuple[User | None, StoredCode | None]:
        user, codes = self.users.load(self.users.user_id_for_email(email) or NOBODY)
        return user, codes.get(purpose)

    def _check_code(self, email: str, purpose: str, user: User | None, stored: StoredCode | None, code: str) -> None:
        """A code for an account with no live code (or no account) goes through the same reads
        and writes as a wrong one, so the answer's time does not tell which it was."""
        wrong = InvalidInput("this code is not valid", [FieldProblem("code", "is wrong or has expired; ask for a new one", "code_invalid")])
        now = self.clock.now()
        locked = self.throttles.locked_until("code-fail", email, now)
        if locked:
            raise TooManyAttempts("too many wrong codes for this address; try again tomorrow", cred.seconds_until(locked, now))
        live = user is not None and stored is not None and stored.expires_at > now
        # The try is taken before the code is compared: guesses sent at the same moment each
        # need a try of their own, so never more than OTP_MAX_ATTEMPTS are compared.
        taken = self.users.reserve_code_attempt(user.id if user else NOBODY, purpose,
                                                stored.code_hash if live and stored else NO_CODE, cred.OTP_MAX_ATTEMPTS)
        if not live:
            self._code_failed(email, now)
            raise wrong
        assert user is not None and stored is not None
        # A code without tries left answers as a wrong one: a 429 here would tell an address
        # that was sent a code from one that was not (the daily lock, below, is for both).
        if taken is None or not cred.code_matches(self.keys.get(), user.id, stored.purpose, code, stored.code_hash):
            if taken is not None and taken >= cred.OTP_MAX_ATTEMPTS:
                self.users.delete_code(user.id, stored.purpose)  # spent: gone before the count may raise
            self._code_failed(email, now)
            raise wrong

    def _code_failed(self, email: str, now: datetime) -> None:
        _count, locked = self.throttles.count(
            "code-fail", email, now, window=timedelta(days=1), lock_at=cred.CODE_FAILURES_PER_DAY,
            lock_for=timedelta(days=1),
        )
        if locked:
            raise TooManyAttempts("too many wrong codes for this address; try again tomorrow", cred.seconds_until(locked, now))

    def update_profile(self, caller: Principal, name: str | None, language: str | None) -> User:
        """The caller's own name and language (the language of their e-mails, notifications and
        problem details)."""
        clean_name = cred.person_name(name) if name is not None else None
        clean_language = _language(language) if language is not None else None
        for _ in range(3):
            user = self.users.get(caller.user_id)
            if user is None:
                raise NotFound("no such account")
            changed = replace(user, name=clean_name or user.name, language=clean_language or user.language,
                              version=user.version + 1)
            if changed == replace(user, version=user.version + 1) or self.users.save(changed, user.version):
                return changed
        raise Conflict("your account is being changed; try again")

    def _notify(self, user_id: str, kind: str, secret: dict[str, str] | None = None, at_once: bool = False,
                **params: Any) -> None:
        """E-mail to the account's owner, in their language; codes travel only in the job."""
        self.notifications.send_direct(user_id, kind, params, secret, at_once=at_once)


def _language(language: str | None) -> str:
    if language is None:
        return "id"
    if language not in LANGUAGES:
        raise InvalidInput("unknown language", [FieldProblem("language", "must be id or en")])
    return language


def _describe(grants: list[Grant], nodes: dict[str, Node]) -> str:
    return "; ".join(f"{g.role} — {nodes[g.node_id].name if g.node_id in nodes else g.node_id}" for g in grants)
