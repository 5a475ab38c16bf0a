import base64

from django.conf import settings
from django.core import checks

DEV_KEY_PREFIX = "7u+ZHgafu/95u0G/"


@checks.register(checks.Tags.security, deploy=True)
def audit_signing_key(app_configs, **kwargs):
    key = settings.AUDIT_SIGNING_KEY
    problem = None
    if not key:
        problem = "AUDIT_SIGNING_KEY is not set: audit checkpoints cannot be signed."
    elif key.startswith(DEV_KEY_PREFIX):
        problem = "AUDIT_SIGNING_KEY is the development key."
    else:
        try:
            valid = len(base64.b64decode(key, validate=True)) == 32
        except ValueError:
            valid = False
        if not valid:
            problem = "AUDIT_SIGNING_KEY must be base64 of a 32-byte Ed25519 seed."
    return [checks.Warning(problem, id="audit.W001")] if problem else []


@checks.register(checks.Tags.security, deploy=True)
def audit_data_key(app_configs, **kwargs):
    key = settings.AUDIT_DATA_KEY
    if not key:
        problem = (
            "AUDIT_DATA_KEY is not set: personal data in the audit trail is sealed "
            "with a key derived from SECRET_KEY, and rotating it would lose that data."
        )
    else:
        try:
            problem = (
                None
                if len(base64.b64decode(key, validate=True)) == 32
                else "AUDIT_DATA_KEY must be base64 of 32 random bytes."
            )
        except ValueError:
            problem = "AUDIT_DATA_KEY must be base64 of 32 random bytes."
    return [checks.Warning(problem, id="audit.W002")] if problem else []
