"""Accounts' audit events: all on their own chain, apart from the cases'."""

from django.conf import settings

import audit

AUTH_CHAIN = "auth"


def record_for_user(action: str, user, **kwargs) -> None:
    """An event the account's owner caused, about their own account."""
    audit.record(
        action=action,
        subject_type="user",
        subject_id=user.pk,
        chain_key=AUTH_CHAIN,
        actor=user,
        **kwargs,
    )


USER_VIEWED = "user.viewed"
DEFAULT_DEDUP_MINUTES = 5


def user_viewed(user, *, viewer) -> None:
    """A servant opened ``user``'s record in the admin (personal data): recorded
    once per viewer within ``ACCESS_VIEW_DEDUP_MINUTES``."""
    from audit.selectors import recorded_recently

    minutes = getattr(settings, "ACCESS_VIEW_DEDUP_MINUTES", DEFAULT_DEDUP_MINUTES)
    if recorded_recently(
        action=USER_VIEWED,
        subject_type="user",
        subject_id=user.pk,
        actor=viewer,
        minutes=minutes,
    ):
        return
    audit.record(
        action=USER_VIEWED,
        subject_type="user",
        subject_id=user.pk,
        chain_key=AUTH_CHAIN,
        actor=viewer,
    )
