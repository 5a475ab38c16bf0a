"""Reading audit bodies in tests: personal values are sealed (audit.personal)."""

from audit.personal import Keyring, is_sealed


def opened(body: dict) -> dict:
    """The event body with its sealed ``before``/``after`` values opened."""
    keyring = Keyring()
    return {
        **body,
        "before": keyring.open_values(body.get("before")),
        "after": keyring.open_values(body.get("after")),
    }


def all_sealed(values: dict | None) -> bool:
    return bool(values) and all(is_sealed(v) for v in values.values() if v)
