"""The workflow table walked exhaustively, plus the pure rule checks.

No database: workflow.py is plain data and functions.
"""

import datetime
import itertools

import pytest

from procedures.workflow import (
    CLOCK_STOPPED_STATUSES,
    FINAL_STATUSES,
    MIN_REASON_LENGTH,
    REASON_REQUIRED_ACTIONS,
    TRANSITIONS,
    Action,
    Role,
    Status,
    TransitionError,
    allowed_actions,
    check_citizen_extension,
    check_desistimiento,
    check_extension,
    check_four_eyes,
    check_information_request,
    check_reason,
    clock_runs,
    next_status,
)

S, A, R = Status, Action, Role
OFFICER, APPLICANT, SYSTEM = R.OFFICER, R.APPLICANT, R.SYSTEM

# Written out by hand from the issue and Ley 1755, independently of TRANSITIONS,
# so the walk below checks the table instead of restating it.
EXPECTED: dict[tuple[Status, Action], tuple[Status, frozenset[Role]]] = {
    (S.RADICADO, A.TAKE): (S.EN_REVISION, frozenset({OFFICER})),
    (S.RADICADO, A.EXTEND): (S.RADICADO, frozenset({OFFICER})),
    (S.RADICADO, A.REMIT): (S.REMITIDO, frozenset({OFFICER})),
    (S.RADICADO, A.ASSIGN): (S.RADICADO, frozenset({OFFICER, SYSTEM})),
    (S.EN_REVISION, A.REQUEST_INFO): (S.REQUIERE_INFORMACION, frozenset({OFFICER})),
    (S.EN_REVISION, A.APPROVE): (S.APROBADO, frozenset({OFFICER})),
    (S.EN_REVISION, A.REJECT): (S.RECHAZADO, frozenset({OFFICER})),
    (S.EN_REVISION, A.EXTEND): (S.EN_REVISION, frozenset({OFFICER})),
    (S.EN_REVISION, A.REMIT): (S.REMITIDO, frozenset({OFFICER})),
    (S.EN_REVISION, A.ASSIGN): (S.EN_REVISION, frozenset({OFFICER, SYSTEM})),
    (S.REQUIERE_INFORMACION, A.ANSWER): (S.EN_REVISION, frozenset({APPLICANT})),
    # Art. 17: the citizen may ask for "un término igual" before the month ends.
    (S.REQUIERE_INFORMACION, A.REQUEST_EXTENSION): (
        S.REQUIERE_INFORMACION,
        frozenset({APPLICANT}),
    ),
    (S.REQUIERE_INFORMACION, A.DESIST): (S.DESISTIDO, frozenset({OFFICER, SYSTEM})),
    (S.REQUIERE_INFORMACION, A.ASSIGN): (
        S.REQUIERE_INFORMACION,
        frozenset({OFFICER, SYSTEM}),
    ),
}

VERBS = {
    A.TAKE: "tomar",
    A.REQUEST_INFO: "solicitar información",
    A.ANSWER: "responder",
    A.REQUEST_EXTENSION: "solicitar prórroga del plazo",
    A.APPROVE: "aprobar",
    A.REJECT: "rechazar",
    A.EXTEND: "prorrogar",
    A.REMIT: "remitir por competencia",
    A.DESIST: "declarar desistimiento",
    A.ASSIGN: "asignar",
}

ALL_TRIPLES = list(itertools.product(Status, Action, Role))


def _allowed(status: Status, action: Action, role: Role) -> bool:
    entry = EXPECTED.get((status, action))
    return entry is not None and role in entry[1]


# --- the table ----------------------------------------------------------------


def test_table_has_exactly_the_expected_pairs_and_roles():
    assert {key: (t.to, t.roles) for key, t in TRANSITIONS.items()} == EXPECTED


def test_table_is_read_only():
    with pytest.raises(TypeError):
        TRANSITIONS[(S.APROBADO, A.TAKE)] = TRANSITIONS[(S.RADICADO, A.TAKE)]  # type: ignore[index]


@pytest.mark.parametrize(
    ("status", "action", "role"),
    ALL_TRIPLES,
    ids=[f"{s.value}-{a.value}-{r.value}" for s, a, r in ALL_TRIPLES],
)
def test_every_status_action_role(status: Status, action: Action, role: Role):
    if _allowed(status, action, role):
        assert next_status(status, action, role) == EXPECTED[(status, action)][0]
        return
    with pytest.raises(TransitionError) as excinfo:
        next_status(status, action, role)
    error = excinfo.value
    message = str(error)
    # Spanish, user-facing, naming both the action and the status.
    assert f"«{VERBS[action]}»" in message
    assert f"«{status.label}»" in message
    assert message.endswith(".")
    assert message == error.message
    assert (error.status, error.action, error.role) == (status, action, role)
    if (status, action) in EXPECTED:
        assert message.startswith(f"El rol «{role.label}» no puede")
    else:
        assert message.startswith("No se puede")


def test_triple_count_covers_the_whole_product():
    assert len(ALL_TRIPLES) == len(Status) * len(Action) * len(Role) == 210


@pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
def test_final_statuses_admit_no_action(status: Status):
    assert not [key for key in TRANSITIONS if key[0] == status]
    for role in Role:
        assert allowed_actions(status, role) == []
    with pytest.raises(TransitionError, match="el trámite ya terminó"):
        next_status(status, A.ASSIGN, OFFICER)


def test_final_statuses_are_the_decisions_and_the_exits():
    assert {S.APROBADO, S.RECHAZADO, S.REMITIDO, S.DESISTIDO} == FINAL_STATUSES


@pytest.mark.parametrize(
    ("status", "role"),
    list(itertools.product(Status, Role)),
    ids=[f"{s.value}-{r.value}" for s, r in itertools.product(Status, Role)],
)
def test_allowed_actions_agrees_with_next_status(status: Status, role: Role):
    permitted = []
    for action in Action:
        try:
            next_status(status, action, role)
        except TransitionError:
            continue
        permitted.append(action)
    # Same set, and in Action's declaration order (the order of the buttons).
    assert allowed_actions(status, role) == permitted


def test_buttons_per_role():
    assert allowed_actions(S.EN_REVISION, OFFICER) == [
        A.REQUEST_INFO,
        A.APPROVE,
        A.REJECT,
        A.EXTEND,
        A.REMIT,
        A.ASSIGN,
    ]
    assert allowed_actions(S.EN_REVISION, APPLICANT) == []
    assert allowed_actions(S.REQUIERE_INFORMACION, APPLICANT) == [
        A.ANSWER,
        A.REQUEST_EXTENSION,
    ]
    assert allowed_actions(S.REQUIERE_INFORMACION, SYSTEM) == [A.DESIST, A.ASSIGN]
    assert allowed_actions(S.RADICADO, SYSTEM) == [A.ASSIGN]


def _reachable(start: Status) -> set[Status]:
    seen = {start}
    frontier = [start]
    while frontier:
        current = frontier.pop()
        for (source, _action), transition in TRANSITIONS.items():
            if source == current and transition.to not in seen:
                seen.add(transition.to)
                frontier.append(transition.to)
    return seen


def test_every_status_is_reachable_from_radicado():
    assert _reachable(S.RADICADO) == set(Status)


@pytest.mark.parametrize("status", sorted(set(Status) - FINAL_STATUSES))
def test_every_open_status_can_still_end(status: Status):
    assert _reachable(status) & FINAL_STATUSES


def test_the_issue_path_walks_through():
    status = S.RADICADO
    steps = [
        (A.ASSIGN, SYSTEM, S.RADICADO),
        (A.TAKE, OFFICER, S.EN_REVISION),
        (A.EXTEND, OFFICER, S.EN_REVISION),
        (A.REQUEST_INFO, OFFICER, S.REQUIERE_INFORMACION),
        (A.ANSWER, APPLICANT, S.EN_REVISION),
        (A.APPROVE, OFFICER, S.APROBADO),
    ]
    for action, role, expected in steps:
        status = next_status(status, action, role)
        assert status == expected


def test_extensions_and_assign_keep_the_status():
    for (source, action), transition in TRANSITIONS.items():
        if action in {A.EXTEND, A.REQUEST_EXTENSION, A.ASSIGN}:
            assert transition.to == source


def test_applicant_only_answers_or_asks_for_more_time():
    for (_source, action), transition in TRANSITIONS.items():
        assert (APPLICANT in transition.roles) == (
            action in {A.ANSWER, A.REQUEST_EXTENSION}
        )


def test_flags_are_per_action_and_match_the_rules():
    by_action: dict[Action, set[tuple[bool, bool, bool]]] = {}
    for (_source, action), t in TRANSITIONS.items():
        by_action.setdefault(action, set()).add(
            (t.needs_reason, t.needs_output, t.notifies_applicant)
        )
    # The same action behaves the same from every status it applies to.
    assert all(len(flags) == 1 for flags in by_action.values())
    assert {A.REJECT, A.REQUEST_INFO, A.EXTEND, A.REMIT} == REASON_REQUIRED_ACTIONS
    assert {a for (_s, a), t in TRANSITIONS.items() if t.needs_output} == {A.APPROVE}
    assert {a for (_s, a), t in TRANSITIONS.items() if t.notifies_applicant} == {
        A.REQUEST_INFO,
        A.APPROVE,
        A.REJECT,
        A.EXTEND,
        A.REQUEST_EXTENSION,
        A.REMIT,
        A.DESIST,
    }


def test_plain_strings_from_the_database_are_accepted():
    assert next_status("en_revision", "aprobar", "funcionario") == S.APROBADO
    assert isinstance(next_status("radicado", "tomar", "funcionario"), Status)
    assert allowed_actions("requiere_informacion", "solicitante") == [
        A.ANSWER,
        A.REQUEST_EXTENSION,
    ]


def test_unknown_values_are_programming_errors():
    with pytest.raises(ValueError):
        next_status("borrador", A.TAKE, OFFICER)
    with pytest.raises(ValueError):
        next_status(S.RADICADO, "publicar", OFFICER)
    with pytest.raises(ValueError):
        allowed_actions(S.RADICADO, "auditor")


def test_labels_are_spanish():
    assert [str(s.label) for s in Status] == [
        "Radicado",
        "En revisión",
        "Requiere información",
        "Aprobado",
        "Rechazado",
        "Remitido por competencia",
        "Desistido",
    ]
    assert [str(r.label) for r in Role] == ["Solicitante", "Funcionario", "Sistema"]


def test_message_example_from_the_issue():
    with pytest.raises(TransitionError) as excinfo:
        next_status(S.REQUIERE_INFORMACION, A.APPROVE, OFFICER)
    assert str(excinfo.value) == (
        "No se puede «aprobar» un trámite en estado «Requiere información»."
    )


# --- the legal clock ----------------------------------------------------------


@pytest.mark.parametrize("status", list(Status))
def test_clock_runs_only_in_open_statuses_not_waiting_on_the_citizen(status: Status):
    expected = status in {S.RADICADO, S.EN_REVISION}
    assert clock_runs(status) is expected


def test_clock_stops_on_request_and_resumes_on_answer():
    assert {S.REQUIERE_INFORMACION} == CLOCK_STOPPED_STATUSES
    asked = TRANSITIONS[(S.EN_REVISION, A.REQUEST_INFO)]
    answered = TRANSITIONS[(S.REQUIERE_INFORMACION, A.ANSWER)]
    assert clock_runs(S.EN_REVISION) and not clock_runs(asked.to)
    assert clock_runs(answered.to)
    # An extension moves the due date; it never stops the clock.
    assert clock_runs(TRANSITIONS[(S.EN_REVISION, A.EXTEND)].to)


# --- check_reason ---------------------------------------------------------------


@pytest.mark.parametrize("action", [A.REJECT, A.REQUEST_INFO, A.EXTEND, A.REMIT])
def test_reason_of_ten_characters_is_enough(action: Action):
    check_reason(action, "x" * MIN_REASON_LENGTH)
    # Surrounding spaces do not count, but do not hurt either.
    check_reason(action, "   0123456789   ")
    check_reason(action.value, "Documento ilegible")


@pytest.mark.parametrize("action", [A.REJECT, A.REQUEST_INFO, A.EXTEND, A.REMIT])
@pytest.mark.parametrize("reason", [None, "", "          ", "x" * 9, "   123456789   "])
def test_short_or_blank_reason_is_refused(action: Action, reason: str | None):
    with pytest.raises(TransitionError) as excinfo:
        check_reason(action, reason)
    assert str(excinfo.value) == (
        f"Para «{VERBS[action]}» escriba el motivo (al menos 10 caracteres)."
    )
    assert excinfo.value.action == action


@pytest.mark.parametrize(
    "action",
    [a for a in Action if a not in {A.REJECT, A.REQUEST_INFO, A.EXTEND, A.REMIT}],
)
def test_other_actions_need_no_reason(action: Action):
    check_reason(action, None)
    check_reason(action, "")


# --- check_extension --------------------------------------------------------------

DUE = datetime.date(2026, 3, 20)


def _extend(**overrides) -> None:
    kwargs = {
        "today": DUE,
        "due_date": DUE,
        "original_term_days": 15,
        "extended_term_days_so_far": 0,
        "extra_days": 10,
    }
    kwargs.update(overrides)
    check_extension(**kwargs)


def test_extension_before_and_on_the_due_date_is_allowed():
    _extend(today=DUE - datetime.timedelta(days=5))
    _extend(today=DUE)


def test_extension_the_day_after_the_due_date_is_refused():
    with pytest.raises(TransitionError, match=r"venció el 20/03/2026") as excinfo:
        _extend(today=DUE + datetime.timedelta(days=1))
    assert "art. 14, parágrafo" in str(excinfo.value)
    assert excinfo.value.action == A.EXTEND


def test_extension_up_to_exactly_double_the_term_is_allowed():
    _extend(extra_days=15)
    _extend(original_term_days=30, extra_days=30)


def test_extension_beyond_double_the_term_is_refused():
    with pytest.raises(TransitionError, match="como máximo 15 días hábiles"):
        _extend(extra_days=16)


def test_second_extension_is_refused():
    with pytest.raises(TransitionError, match="solo cabe una prórroga"):
        _extend(extended_term_days_so_far=5, extra_days=1)


@pytest.mark.parametrize("extra_days", [0, -1])
def test_extension_must_add_at_least_one_day(extra_days: int):
    with pytest.raises(TransitionError, match="al menos un día"):
        _extend(extra_days=extra_days)


def test_expiry_is_checked_before_the_size_of_the_extension():
    with pytest.raises(TransitionError, match="venció"):
        _extend(today=DUE + datetime.timedelta(days=1), extra_days=99)


def test_extension_with_a_nonsense_original_term_is_a_programming_error():
    with pytest.raises(ValueError):
        _extend(original_term_days=0)


# --- check_desistimiento ------------------------------------------------------------

DEADLINE = datetime.date(2026, 4, 20)


@pytest.mark.parametrize("days", [-10, -1, 0])
def test_desistimiento_on_or_before_the_deadline_is_refused(days: int):
    with pytest.raises(TransitionError) as excinfo:
        check_desistimiento(
            today=DEADLINE + datetime.timedelta(days=days), citizen_deadline=DEADLINE
        )
    assert "hasta el 20/04/2026" in str(excinfo.value)
    assert "art. 17" in str(excinfo.value)
    assert excinfo.value.action == A.DESIST


@pytest.mark.parametrize("days", [1, 30])
def test_desistimiento_after_the_deadline_is_allowed(days: int):
    check_desistimiento(
        today=DEADLINE + datetime.timedelta(days=days), citizen_deadline=DEADLINE
    )


# --- check_four_eyes ------------------------------------------------------------------


def test_four_eyes_off_lets_the_reviewer_approve():
    check_four_eyes(four_eyes=False, approver_id=7, reviewer_ids={7, 8})


def test_four_eyes_on_refuses_a_reviewer_as_approver():
    with pytest.raises(TransitionError, match="no puede aprobarlo") as excinfo:
        check_four_eyes(four_eyes=True, approver_id=7, reviewer_ids={7, 8})
    assert excinfo.value.action == A.APPROVE
    with pytest.raises(TransitionError):
        check_four_eyes(four_eyes=True, approver_id=8, reviewer_ids=frozenset({7, 8}))


def test_four_eyes_on_lets_someone_else_approve():
    check_four_eyes(four_eyes=True, approver_id=9, reviewer_ids={7, 8})
    check_four_eyes(four_eyes=True, approver_id=9, reviewer_ids=set())


def test_extension_is_refused_where_the_catalog_allows_none():
    with pytest.raises(TransitionError, match="no admite prórroga"):
        _extend(allowed=False, extra_days=1)


def test_extension_cap_of_a_calendar_day_term_speaks_of_calendar_days():
    with pytest.raises(TransitionError, match="como máximo 1 día calendario adicional"):
        _extend(original_term_days=1, extra_days=2, calendar_days=True)


# --- Ley 1755 art. 17 -------------------------------------------------------------

LAST_DAY = datetime.date(2026, 3, 16)


def test_information_request_up_to_the_tenth_day_is_allowed():
    check_information_request(today=LAST_DAY, last_day=LAST_DAY, previous_request=None)


def test_information_request_after_the_tenth_day_is_refused():
    with pytest.raises(TransitionError) as excinfo:
        check_information_request(
            today=LAST_DAY + datetime.timedelta(days=1),
            last_day=LAST_DAY,
            previous_request=None,
        )
    assert "10 días hábiles" in str(excinfo.value) and "16/03/2026" in str(
        excinfo.value
    )
    assert excinfo.value.action == A.REQUEST_INFO


def test_a_second_information_request_is_refused_even_in_time():
    with pytest.raises(TransitionError, match="un solo requerimiento") as excinfo:
        check_information_request(
            today=datetime.date(2026, 3, 10),
            last_day=LAST_DAY,
            previous_request=datetime.date(2026, 3, 5),
        )
    assert "05/03/2026" in str(excinfo.value)


def test_citizen_extension_on_the_deadline_is_in_time():
    check_citizen_extension(
        today=LAST_DAY, citizen_deadline=LAST_DAY, already_extended=False
    )


def test_citizen_extension_after_the_deadline_or_twice_is_refused():
    with pytest.raises(TransitionError, match="venció el 16/03/2026"):
        check_citizen_extension(
            today=LAST_DAY + datetime.timedelta(days=1),
            citizen_deadline=LAST_DAY,
            already_extended=False,
        )
    with pytest.raises(TransitionError, match="una sola|otra prórroga"):
        check_citizen_extension(
            today=LAST_DAY, citizen_deadline=LAST_DAY, already_extended=True
        )
