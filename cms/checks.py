from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def staff_two_factor(app_configs, **kwargs):
    if not settings.STAFF_2FA_REQUIRED:
        return [
            checks.Warning(
                "STAFF_2FA_REQUIRED is off: staff could log in without a second factor.",
                id="cms.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def host_prefixed_cookies(app_configs, **kwargs):
    """Django's deploy checks do not look at the __Host- prefix (docs/reliability.md §1.2)."""
    messages = []
    for kind in ("SESSION", "CSRF"):
        name = getattr(settings, f"{kind}_COOKIE_NAME")
        if not (
            name.startswith("__Host-")
            and getattr(settings, f"{kind}_COOKIE_SECURE")
            and getattr(settings, f"{kind}_COOKIE_DOMAIN") is None
            and getattr(settings, f"{kind}_COOKIE_PATH") == "/"
        ):
            messages.append(
                checks.Warning(
                    f"{kind}_COOKIE_NAME lacks the __Host- prefix (it needs Secure, "
                    "Path=/ and no Domain): a sibling host could set this cookie.",
                    id="cms.W002" if kind == "SESSION" else "cms.W003",
                )
            )
    return messages


@checks.register(checks.Tags.security, deploy=True)
def staff_session_limits(app_configs, **kwargs):
    idle, lifetime = (
        settings.STAFF_SESSION_IDLE_SECONDS,
        settings.STAFF_SESSION_MAX_SECONDS,
    )
    if idle > 30 * 60 or lifetime > 12 * 60 * 60 or idle > lifetime:
        return [
            checks.Warning(
                "Staff sessions outlive ASVS L2: at most 30 minutes idle and "
                "12 hours in all (STAFF_SESSION_IDLE_SECONDS, STAFF_SESSION_MAX_SECONDS).",
                id="cms.W004",
            )
        ]
    return []
