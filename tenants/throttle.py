"""Login throttling on Redis with the `limits` package (moving windows, shared by all processes)."""

from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


@lru_cache(maxsize=4)
def _limiter(storage_url: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(storage_url, socket_timeout=2))


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _account_key(username: str) -> str:
    # NFKC as Django's login form applies it: otherwise a fullwidth spelling of an email would get
    # a fresh window while authenticating the same account. Case-folded so case variants share too.
    folded = unicodedata.normalize("NFKC", username).strip().casefold()
    return hashlib.sha256(folded.encode()).hexdigest()[:32]


def login_allowed(request: HttpRequest, username: str) -> bool:
    """Count one attempt; False when the account+IP or the IP is over its limit."""
    limiter = _limiter(settings.RATELIMIT_STORAGE_URL)
    ip = client_ip(request)
    per_ip = limiter.hit(parse(settings.LOGIN_THROTTLE_PER_IP), "login-ip", ip)
    per_account = limiter.hit(
        parse(settings.LOGIN_THROTTLE_PER_ACCOUNT), "login-account", ip, _account_key(username)
    )
    return per_ip and per_account


def login_succeeded(request: HttpRequest, username: str) -> None:
    """A good password clears that account's window for this IP (the IP window stays)."""
    limiter = _limiter(settings.RATELIMIT_STORAGE_URL)
    limiter.clear(
        parse(settings.LOGIN_THROTTLE_PER_ACCOUNT),
        "login-account",
        client_ip(request),
        _account_key(username),
    )
