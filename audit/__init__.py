"""The audit trail. ``record()`` (or ``record_many()``, several at once) is the only
way to write an event."""


def record(**kwargs):
    from .services import record as _record

    return _record(**kwargs)


def record_many(events, **kwargs):
    from .services import record_many as _record_many

    return _record_many(events, **kwargs)
