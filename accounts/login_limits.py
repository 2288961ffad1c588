"""Brute force stopped without locking the owner out.

allauth's own per-address limit refused even the right password once an address had 5 failures, so anyone could
lock any account. Here the per-address limit ("login_failed_address" in settings.ACCOUNT_RATE_LIMITS) changes what a
login asks for instead of refusing it:

- under the limit, the password is enough (and a wrong one says so);
- over the limit, the right password is followed by allauth's login-code stage: a 6-digit code emailed to the
  address (single use, 10 minutes, 3 tries), so the owner still gets in; a wrong password (or an unknown address)
  gets exactly the same "a code was sent" page with a code that can never match. Over the limit, a guess therefore
  tells the attacker nothing, and the attacker cannot stop the owner from logging in.

The per-IP limits ("login", "login_failed") stay refusals: they are sized for an office behind one address, keyed on
the real client address (settings.TRUSTED_PROXY_COUNT).

If the cache (Redis) is down, the counters read nothing and write nothing: every login is under the limits, and the
lock allauth takes around a counter is skipped rather than waited for (see `cache_lock`).
"""

import time
from contextlib import contextmanager

from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess
from allauth.account.models import Login
from allauth.account.stages import LoginByCodeStage, LoginStageController
from allauth.core.internal import ratelimit
from allauth.core.internal.httpkit import headed_redirect_response
from django.conf import settings
from django.core.cache import cache

ADDRESS_ACTION = "login_failed_address"
# Codes emailed to one address: even someone who has the password (but not the mailbox) gets only a few codes of
# 3 tries each per hour. Only the right password spends it, so an attacker without it cannot.
CODE_ACTION = "login_code_address"
_OVER_LIMIT_ATTRIBUTE = "_login_address_over_limit"


def client_ip(request) -> str | None:
    """The address of the client the per-IP limits count: behind settings.TRUSTED_PROXY_COUNT reverse proxies, the
    entry the first of them appended to X-Forwarded-For (what the client itself sends there comes before it and is
    ignored); without proxy, or for a request that did not come through them, REMOTE_ADDR."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    if count > 0 and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def address_key(email: str) -> str:
    return (email or "").strip().lower()


def consume_address_failure(request, email: str):
    """Count one more attempt for the address (rolled back by the adapter when the password is right).
    None when the address is over the limit; the request then remembers it for the rest of the login."""
    usage = ratelimit.consume(request, app="allauth.account", action=ADDRESS_ACTION, key=address_key(email))
    if usage is None:
        setattr(request, _OVER_LIMIT_ATTRIBUTE, True)
    return usage


def is_over_limit(request) -> bool:
    return bool(request is not None and getattr(request, _OVER_LIMIT_ATTRIBUTE, False))


def clear_address_failures(request, email: str) -> None:
    """After a password reset the new password is enough again."""
    ratelimit.clear(request, app="allauth.account", action=ADDRESS_ACTION, key=address_key(email))


def answer_as_if_a_code_was_sent(request, email: str):
    """The answer to a wrong password over the limit: the same redirect, message and code page as the right password
    gets, for a login-code step that has no account and no code (nothing is sent, nothing can match)."""
    login = Login(user=None, email=email)
    login.state["stages"] = {"current": LoginByCodeStage.key}
    stage = LoginByCodeStage(LoginStageController(request, login), request, login)
    stage.state.update(LoginCodeVerificationProcess.initial_state(user=None, email=email))
    stage.state["initiated_by_user"] = False
    stage.state["login_by_code_required"] = True
    process = LoginCodeVerificationProcess(stage=stage)
    process.add_sent_message({"email": email, "recipient": email})
    process.persist()
    return headed_redirect_response("account_confirm_login_code")


class LoginLimitMixin:
    """For allauth's LoginView subclasses (the portals', the back office's, allauth's own)."""

    def form_valid(self, form):
        email = form.cleaned_data["login"]
        if is_over_limit(self.request) and not ratelimit.consume(
            self.request, app="allauth.account", action=CODE_ACTION, key=address_key(email)
        ):
            return answer_as_if_a_code_was_sent(self.request, email)
        return super().form_valid(form)

    def form_invalid(self, form):
        email = form.cleaned_data.get("login") if hasattr(form, "cleaned_data") else None
        if email and is_over_limit(self.request):
            return answer_as_if_a_code_was_sent(self.request, email)
        return super().form_invalid(form)


# --- When the cache is down ------------------------------------------------------------------------------------


@contextmanager
def cache_lock(cache_key: str):
    """allauth's lock around a counter (same timeouts), except that a cache that stores nothing (Redis down, the
    cache degrading silently) neither makes each counted request wait a second nor refuses it: when the lock cannot
    be taken and nobody holds it, the request goes on (and the counter, which reads nothing, lets it in)."""
    lock_key = f"{cache_key}:lock"
    deadline = time.monotonic() + ratelimit.CACHE_LOCK_WAIT_TIMEOUT
    interval = ratelimit.CACHE_LOCK_RETRY_INTERVAL
    while not cache.add(lock_key, True, timeout=ratelimit.CACHE_LOCK_TIMEOUT):
        if cache.get(lock_key) is None:
            yield True  # the cache holds nothing: no lock to wait for
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            yield False
            return
        time.sleep(min(interval, remaining))
        interval = min(interval * 2, ratelimit.CACHE_LOCK_MAX_RETRY_INTERVAL)
    try:
        yield True
    finally:
        cache.delete(lock_key)


def install() -> None:
    """Called from AccountsConfig.ready(): allauth's counters use this lock."""
    ratelimit.cache_lock = cache_lock
