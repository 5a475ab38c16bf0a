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
