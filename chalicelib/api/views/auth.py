from dataclasses import replace

from chalicelib.api import schemas as s
from chalicelib.api.http import Result, endpoint
from chalicelib.domain.people import User

TAGS = ("accounts",)


def user_out(user: User) -> s.UserOut:
    return s.UserOut(
        id=user.id, email=user.email, name=user.name, language=user.language,
        roles=[s.Role(role=g.role, node_id=g.node_id) for g in user.grants],
    )


@endpoint(summary="Register; a 6-digit code is e-mailed", auth=False, body=s.RegisterRequest,
          response=s.AcceptedOut, status=202, tags=TAGS, errors=(422,))
def register(ctx, body: s.RegisterRequest) -> s.AcceptedOut:
    ctx.deps.accounts.register(body.email, body.password, body.name, body.language)
    return s.AcceptedOut(detail="if this address can be registered, a code is on its way to it")


@endpoint(summary="Verify the e-mail address with its code", auth=False, body=s.VerifyRequest,
          response=s.UserEnvelope, tags=TAGS, errors=(409, 422, 429))
def verify(ctx, body: s.VerifyRequest) -> s.UserEnvelope:
    return s.UserEnvelope(user=user_out(ctx.deps.accounts.verify(body.email, body.code)))


@endpoint(summary="Log in", auth=False, body=s.LoginRequest, response=s.TokenPairOut, tags=TAGS,
          errors=(401, 403, 429))
def login(ctx, body: s.LoginRequest) -> s.TokenPairOut:
    pair = ctx.deps.accounts.login(body.email, body.password)
    return s.TokenPairOut(access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in)


@endpoint(summary="Exchange a refresh token for a new pair (the old one stops working)", auth=False,
          body=s.RefreshRequest, response=s.TokenPairOut, tags=TAGS, errors=(401,))
def refresh(ctx, body: s.RefreshRequest) -> s.TokenPairOut:
    pair = ctx.deps.accounts.refresh(body.refresh_token)
    return s.TokenPairOut(access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in)


@endpoint(summary="End this session", body=s.RefreshRequest, status=204, tags=TAGS, errors=(401,))
def logout(ctx, body: s.RefreshRequest) -> Result:
    ctx.deps.accounts.logout(ctx.user(), body.refresh_token)
    return Result(status=204)


@endpoint(summary="Ask for a password-reset code", auth=False, body=s.ForgotPasswordRequest,
          response=s.AcceptedOut, status=202, tags=TAGS)
def forgot_password(ctx, body: s.ForgotPasswordRequest) -> s.AcceptedOut:
    ctx.deps.accounts.forgot_password(body.email)
    return s.AcceptedOut(detail="if an account has this address, a code is on its way to it")


@endpoint(summary="Set a new password with a reset or invitation code", auth=False, body=s.ResetPasswordRequest,
          response=s.UserEnvelope, tags=TAGS, errors=(409, 422, 429))
def reset_password(ctx, body: s.ResetPasswordRequest) -> s.UserEnvelope:
    user = ctx.deps.accounts.reset_password(body.email, body.code, body.new_password)
    return s.UserEnvelope(user=user_out(user))


@endpoint(summary="Who I am and the roles I hold", response=s.UserOut, tags=TAGS, errors=(401,))
def me(ctx) -> s.UserOut:
    return _me(ctx, ctx.user())


@endpoint(summary="Change my name or language", body=s.ProfileRequest, response=s.UserOut, tags=TAGS,
          errors=(401, 409, 422))
def update_me(ctx, body: s.ProfileRequest) -> s.UserOut:
    caller = ctx.user()
    user = ctx.deps.accounts.update_profile(caller, body.name, body.language)
    return _me(ctx, replace(caller, name=user.name, language=user.language))


def _me(ctx, caller) -> s.UserOut:
    return s.UserOut(
        id=caller.user_id, email=caller.email, name=caller.name, language=caller.language,
        roles=[s.Role(role=g.role, node_id=g.node_id) for g in caller.grants],
        delegated_roles=[s.DelegatedRoleOut(role=d.role, node_id=d.node_id, on_behalf_of=d.delegator_name,
                                            until=ctx.api_time(d.ends_at)) for d in caller.delegated],
    )
