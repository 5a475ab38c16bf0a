"""The login throttle: failed attempts counted per account and client, per client and
per account, in the shared cache, with a wait that doubles after the free ones.

There is no lock-out: every wait ends, a browser where the owner logged in before
counts on its own (the device cookie), and a password reset clears the account's
counters. Sign-ups and password-reset requests are counted per client too.
"""

import hashlib
import ipaddress
import math
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

import audit

from .events import AUTH_CHAIN


def key_digest(value: str) -> str:
    """A keyed digest for cache keys and cookies: no e-mail or username in clear."""
    return salted_hmac("ventanilla.cuenta.clave", value.strip().lower()).hexdigest()[
        :32
    ]


@dataclass(frozen=True)
class Limit:
    """Failures that cost nothing, then a wait that doubles up to ``max_delay``."""

    free: int
    max_delay: int


# One account from one client, or from a browser that logged in to it before.
ACCOUNT_CLIENT_LIMIT = Limit(free=5, max_delay=15 * 60)
# One client (an address, an IPv6 /64), whatever accounts it tries: no spraying.
CLIENT_LIMIT = Limit(free=20, max_delay=15 * 60)
# One account from many clients: counts the distinct clients that failed on it; past
# three, each failure holds the clients that already failed on this account, for up
# to a minute. A client with no failure on it (the owner in a new browser) is never
# held by a stranger's guesses, so nobody can lock the owner out.
ACCOUNT_LIMIT = Limit(free=3, max_delay=60)
# Sign-ups and password-reset requests from one client (every request counts).
REQUEST_LIMIT = Limit(free=10, max_delay=15 * 60)
LOGIN_FREE_FAILURES = ACCOUNT_CLIENT_LIMIT.free
LOGIN_MEMORY = 60 * 60
DEVICE_SALT = "ventanilla.cuenta.dispositivo"
DEVICE_MAX_AGE = 180 * 24 * 60 * 60


DEVICE_COOKIE = "ventanilla_dispositivo"


def device_cookie_name() -> str:
    # The __Host- prefix needs Secure; plain-HTTP development keeps the bare name.
    return ("__Host-" if settings.SESSION_COOKIE_SECURE else "") + DEVICE_COOKIE


def client_address(request) -> str:
    """The address a request comes from, as the throttle counts it.

    REMOTE_ADDR, or with TRUSTED_PROXY_HOPS proxies in front the address the
    outermost trusted proxy saw (X-Forwarded-For from the right; what the client
    wrote to the left of it is ignored). IPv6 counts per /64, what one subscriber
    usually holds.
    """
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:45] or "desconocido"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class LoginThrottle:
    """Failed attempts counted under one key, in the shared cache.

    The first ``limit.free`` failures cost nothing; after that each failure doubles
    the wait before the next attempt is even evaluated (1 s, 2 s, 4 s... up to
    ``limit.max_delay``). There is no lock: the wait always ends, a browser where the
    owner logged in before has its own counter, and a password reset clears the
    account's counters.
    """

    def __init__(self, key: str, limit: Limit = ACCOUNT_CLIENT_LIMIT):
        self.key = f"cuenta:intentos:{key}"
        self.limit = limit
        self.adds = True

    @staticmethod
    def _account(username: str) -> str:
        digest = key_digest(username)
        # Bumped by a password reset: every per-client counter of the account lapses.
        epoch = cache.get(f"cuenta:epoca:{digest}", 0)
        return f"{digest}:{epoch}"

    @classmethod
    def for_account_client(cls, username: str, client: str) -> "LoginThrottle":
        key = f"cuenta:{cls._account(username)}:{key_digest(client)}"
        return cls(key, ACCOUNT_CLIENT_LIMIT)

    @classmethod
    def for_account(cls, username: str) -> "LoginThrottle":
        return cls(f"cuenta:{cls._account(username)}", ACCOUNT_LIMIT)

    @classmethod
    def for_client(cls, client: str, kind: str = "ingreso") -> "LoginThrottle":
        limit = CLIENT_LIMIT if kind == "ingreso" else REQUEST_LIMIT
        return cls(f"cliente:{kind}:{key_digest(client)}", limit)

    @classmethod
    def for_device(cls, nonce: str) -> "LoginThrottle":
        key = f"dispositivo:{hashlib.sha256(nonce.encode()).hexdigest()[:32]}"
        return cls(key, ACCOUNT_CLIENT_LIMIT)

    @staticmethod
    def account_reset(username: str) -> None:
        """A new password: forget every failure counted against the account."""
        digest = key_digest(username)
        cache.set(
            f"cuenta:epoca:{digest}", secrets.randbits(31), timeout=LOGIN_MEMORY * 24
        )

    def failures(self) -> int:
        return (cache.get(self.key) or {"failures": 0})["failures"]

    def wait_seconds(self, now: float | None = None) -> int:
        state = cache.get(self.key)
        if not state:
            return 0
        now = time.time() if now is None else now
        return max(0, math.ceil(state["next_at"] - now))

    def failed(self, now: float | None = None) -> None:
        """Record a failure (if ``adds`` is False, re-arm the wait without counting)."""
        now = time.time() if now is None else now
        failures = self.failures() + (1 if self.adds else 0)
        if not failures:
            return
        delay = 0
        if failures >= self.limit.free:
            exponent = min(failures - self.limit.free, 30)
            delay = min(2**exponent, self.limit.max_delay)
        cache.set(
            self.key,
            {"failures": failures, "next_at": now + delay},
            timeout=LOGIN_MEMORY + delay,
        )

    def clear(self) -> None:
        cache.delete(self.key)

    def acquire(self) -> bool:
        """One attempt at a time per key, so parallel guesses cannot skip the wait."""
        return cache.add(f"{self.key}:en-curso", 1, timeout=10)

    def release(self) -> None:
        cache.delete(f"{self.key}:en-curso")


class LoginThrottled(ValidationError):
    """The throttle refused the attempt before the password was even checked.

    Django's ``authenticate()`` lets it through (it stops only at PermissionDenied).
    As a ValidationError, any AuthenticationForm (ours, Wagtail's admin login) shows
    the Spanish message as a form error.
    """

    def __init__(self, wait: int):
        message = ngettext(
            "Por seguridad, espere %(seconds)d segundo antes de intentarlo de nuevo. Si olvidó su contraseña, puede restablecerla.",
            "Por seguridad, espere %(seconds)d segundos antes de intentarlo de nuevo. Si olvidó su contraseña, puede restablecerla.",
            wait,
        ) % {"seconds": wait}
        super().__init__(message, code="throttled")
        self.wait = wait


def login_throttles(request, account: str) -> tuple[list, list]:
    """The counters that hold one login attempt, and those it counts on if it fails
    (the first of them is the one a success clears).

    A browser that logged in to the account before has its own counter only: neither
    a stranger's failures nor a crowded address hold it. Otherwise the attempt is held
    by its account-and-client and client counters, and by the account's counter only
    if this client already failed on this account.
    """
    device = trusted_device(request, account)
    if device:
        throttle = LoginThrottle.for_device(device)
        return [throttle], [throttle]
    client = client_address(request) if request is not None else "sin-solicitud"
    pair = LoginThrottle.for_account_client(account, client)
    everyone = LoginThrottle.for_account(account)
    counted = [pair, LoginThrottle.for_client(client), everyone]
    if pair.failures():
        # Already failed here: held by the account's counter, and adds no client to it.
        everyone.adds = False
        return counted, counted
    return counted[:2], counted


def trusted_device(request, username: str) -> str | None:
    if request is None:
        return None
    value = request.get_signed_cookie(
        device_cookie_name(),
        default=None,
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
    )
    account, _sep, nonce = (value or "").partition(":")
    return nonce if nonce and account == key_digest(username) else None


def remember_device(response, user) -> None:
    response.set_signed_cookie(
        device_cookie_name(),
        f"{key_digest(user.get_username())}:{secrets.token_urlsafe(16)}",
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def request_throttled(request, kind: str) -> int:
    """Count a sign-up or password-reset request of this client; the seconds it must
    wait first (0 lets it through)."""
    throttle = LoginThrottle.for_client(client_address(request), kind)
    wait = throttle.wait_seconds()
    if not wait:
        throttle.failed()
    return wait


def refuse_throttled(typed: str, wait: int):
    """Record the refused attempt and raise LoginThrottled."""
    audit.record(
        action="auth.login_throttled",
        subject_type="user",
        subject_id=typed[:64],
        chain_key=AUTH_CHAIN,
        result="denied",
        reason="demasiados intentos fallidos",
        details={"username": typed[:150], "wait_seconds": wait},
    )
    raise LoginThrottled(wait)
