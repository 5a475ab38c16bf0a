"""The auditor's step-by-step replay of a wizard run, read from its audit chain.

Every saved step is an event naming the step (``details.step``) with the step's
answers as its 'after' values; the answers at any point are the last values of
each step up to that event.
"""

from audit.personal import Keyring
from audit.presentation import display_value, event_body


def replay_points(events) -> list[int]:
    """Sequence numbers of the events that saved a step of a multi-step form."""
    points = []
    for event in events:
        body = event_body(event)
        if (body.get("details") or {}).get("step") and isinstance(
            body.get("after"), dict
        ):
            points.append(body["seq"])
    return points


def replay_state(events, upto: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """The form's answers as they stood after event ``upto``: each event naming a step
    replaces that step's answers with its 'after' values (a step-by-step replay)."""
    keyring = Keyring()
    state: dict[str, dict] = {}
    for event in events:
        body = event_body(event)
        if body["seq"] > upto:
            break
        step = (body.get("details") or {}).get("step")
        if step and isinstance(body.get("after"), dict):
            state[step] = keyring.open_values(body["after"])
    return [
        (
            step,
            [(field, display_value(value)) for field, value in sorted(values.items())],
        )
        for step, values in state.items()
    ]


def replay_panel(events, request) -> dict | None:
    """The replay at the saved step nearest to ``?paso=``, or None for a chain that
    saved no step."""
    points = replay_points(events)
    if not points:
        return None
    try:
        at = int(request.GET.get("paso", points[0]))
    except ValueError:
        at = points[0]
    at = min(points, key=lambda seq: abs(seq - at))
    index = points.index(at)
    return {
        "at": at,
        "number": index + 1,
        "total": len(points),
        "previous": points[index - 1] if index else None,
        "next": points[index + 1] if index + 1 < len(points) else None,
        "state": replay_state(events, at),
    }
