"""Where accounts' e-mails go: the outbox of the app that owns it.

The outbox (a row written in the same transaction, sent by a worker, swept if
lost) lives in ``procedures``, above this app. Rather than import upwards, the
outbox registers itself here when its app is ready (``ProceduresConfig.ready``).
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_outbox: Callable | None = None


def outbox_register(queue: Callable) -> None:
    """``queue(*, key, recipient, subject, template, context)`` writes one e-mail
    to the outbox inside the caller's transaction."""
    global _outbox
    _outbox = queue


def mail_queue(
    *, key: str, recipient: str, subject: str, template: str, context: dict
) -> None:
    """Queue one e-mail; it is sent only if the caller's transaction commits."""
    if _outbox is None:
        raise ImproperlyConfigured(
            "No e-mail outbox is registered for accounts (see accounts.mail)."
        )
    _outbox(
        key=key,
        recipient=recipient,
        subject=subject,
        template=template,
        context=context,
    )
