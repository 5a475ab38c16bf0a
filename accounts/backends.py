"""The authentication backend every login path goes through (the citizen's page,
Wagtail's /admin/login/, the API): Django's ModelBackend behind the login throttle,
accepting an account's e-mail in place of its username."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .throttle import login_throttles, refuse_throttled

User = get_user_model()


def login_username(typed: str) -> str:
    """The username to authenticate: an e-mail that belongs to exactly one account
    becomes its username (demo and staff accounts keep theirs)."""
    typed = typed.strip()
    if "@" not in typed:
        return typed
    matches = list(
        User.objects.filter(email__iexact=typed).values_list("username", flat=True)[:2]
    )
    return matches[0] if len(matches) == 1 else typed.lower()


class ThrottledModelBackend(ModelBackend):
    """Django's ModelBackend behind the login throttle: every login path that calls
    ``authenticate()`` (the citizen's page, Wagtail's /admin/login/) counts failures
    and waits in this one place: per account and client, per client, per account."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        # An e-mail and the username it belongs to share one counter.
        account = login_username(str(username))
        holding, counted = login_throttles(request, account)
        wait = max(throttle.wait_seconds() for throttle in holding)
        if wait:
            refuse_throttled(str(username), wait)
        held = []
        try:
            # The account-and-client and the client counters: one attempt at a time.
            for throttle in counted[:2]:
                if not throttle.acquire():
                    refuse_throttled(str(username), 1)
                held.append(throttle)
            user = super().authenticate(
                request, username=username, password=password, **kwargs
            )
            if user is None:
                for throttle in counted:
                    throttle.failed()
            else:
                counted[0].clear()
            return user
        finally:
            for throttle in held:
                throttle.release()
