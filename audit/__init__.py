"""The audit trail. ``record()`` is the only way to write an event."""


def record(**kwargs):
    from .services import record as _record

    return _record(**kwargs)
