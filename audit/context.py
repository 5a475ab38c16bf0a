"""Who and where an event comes from: the request, a Celery task or a command.

The middleware binds the request's identity for the duration of the request; the
Celery signals bind the task's. Anything else is a command or the system.
"""

import contextvars
import sys
import uuid
from dataclasses import dataclass, replace

_current: contextvars.ContextVar["AuditContext | None"] = contextvars.ContextVar(
    "audit_context", default=None
)


@dataclass(frozen=True)
class AuditContext:
    request_id: str = ""
    ip: str = ""
    user_agent: str = ""
    origin: str = ""
    user: object = None


def _process_origin() -> str:
    argv = sys.argv
    if len(argv) > 1 and argv[0].endswith("manage.py"):
        return f"command:{argv[1]}"
    return "system"


def current() -> AuditContext:
    context = _current.get()
    return context if context is not None else AuditContext(origin=_process_origin())


def bind(**values) -> contextvars.Token:
    """Override parts of the current context until ``reset(token)``."""
    return _current.set(replace(current(), **values))


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


def client_ip(request) -> str:
    # REMOTE_ADDR is the proxy in production; the proxy must overwrite X-Forwarded-For.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


class AuditContextMiddleware:
    """Binds request id, user, IP and user agent for every event the request records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex
        request.audit_request_id = request_id
        token = _current.set(
            AuditContext(
                request_id=request_id,
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                origin=f"web:{request.method}",
                user=getattr(request, "user", None),
            )
        )
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response
