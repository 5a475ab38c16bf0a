"""Accounts' audit events: all on their own chain, apart from the cases'."""

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
