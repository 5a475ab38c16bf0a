"""The scan: incremental passes and a full recompute raise the same flags.

A tiny detector per scope stands in for D1–D15 (registered only here), so the test
shows the engine's contract whatever detectors land: events planted through
``audit.record``, incremental passes in small batches, then a full recompute, and
the flag sets compared field by field.
"""

import itertools

from django.core.management import CommandError, call_command

import pytest

from audit import record
from oversight import detectors, scan, tasks
from oversight.detectors import Detector, Finding
from oversight.models import RiskFlag, ScannedCase, ScanPosition
from tests.audit.helpers import tamper

pytestmark = pytest.mark.django_db

PREFIX = "TSCAN"  # The planted cases' radicados; demo cases are left to the scan too.


def _mine(group):
    return [facts for facts in group if facts.radicado.startswith(PREFIX)]


def waiting_for_information(group, _thresholds):
    """Case scope: an open case the officer asked for information (retired once
    decided, so the test sees a flag go inactive)."""
    for facts in _mine(group):
        requests = facts.by_action("case.solicitar_informacion")
        if requests and facts.is_open:
            yield Finding(
                detector="T1",
                key=f"T1:{facts.chain_key}",
                summary=f"{len(requests)} solicitudes de información abiertas",
                at=requests[-1].at,
                evidence=tuple(event.id for event in requests),
                radicados=(facts.radicado,),
                entity=facts.entity,
                procedure=facts.procedure,
            )


def busy_procedure(group, _thresholds):
    """Procedure scope: two or more planted cases of one procedure."""
    mine = _mine(group)
    if len(mine) >= 2:
        yield Finding(
            detector="T2",
            key=f"T2:{mine[0].entity}:{mine[0].procedure}",
            summary=f"{len(mine)} casos del trámite",
            at=mine[-1].filed_at,
            evidence=tuple(facts.events[0].id for facts in mine),
            radicados=tuple(facts.radicado for facts in mine),
            severity="baja",
        )


def shared_contact(group, _thresholds):
    """Contact scope: one point behind two or more applicants."""
    mine = _mine(group)
    if len({facts.applicant for facts in mine}) >= 2:
        [(kind, value)] = set.intersection(
            *({(k, v) for k, v in f.contacts.items()} for f in mine)
        )
        yield Finding(
            detector="T3",
            key=f"T3:{kind}:{value}",
            summary=f"{len(mine)} solicitantes comparten un punto de contacto",
            at=mine[-1].filed_at,
            evidence=tuple(facts.events[0].id for facts in mine),
            radicados=tuple(facts.radicado for facts in mine),
        )


def officer_with_many(group, _thresholds):
    """Officer scope: an officer who acted on three or more planted cases."""
    mine = _mine(group)
    acts = sorted(
        (e for f in mine for e in f.by_action("case.tomar")), key=lambda e: e.id
    )
    officers = {event.actor_id for event in acts}
    if len(mine) >= 3 and len(officers) == 1:
        yield Finding(
            detector="T4",
            key=f"T4:{acts[0].actor_id}",
            summary=f"{len(mine)} casos tomados",
            at=acts[-1].at,
            evidence=tuple(event.id for event in acts),
            officer=acts[0].actor_id,
        )


STAND_INS = {
    "T1": Detector("T1", "case", waiting_for_information),
    "T2": Detector("T2", "procedure", busy_procedure),
    "T3": Detector("T3", "contact", shared_contact),
    "T4": Detector("T4", "officer", officer_with_many),
}


@pytest.fixture(autouse=True)
def stand_ins(monkeypatch):
    monkeypatch.setattr(detectors, "registry", lambda: STAND_INS)


class Planter:
    numbers = itertools.count(1)

    def file(self, applicant, email, procedure="PSCAN1"):
        radicado = f"{PREFIX}-{next(self.numbers):05d}"
        self.event(
            radicado,
            "case.filed",
            after={"status": "radicado", "due_date": "2026-12-30"},
            details={
                "entity": "SCAN",
                "procedure": procedure,
                "applicant": f"user:{applicant}",
                "term_days": 15,
                "contact": {"email": email},
            },
        )
        return radicado

    def act(self, radicado, action, officer=None, status="en_revision"):
        return self.event(
            radicado,
            f"case.{action}",
            actor=officer,
            after={"status": status},
            details={
                "entity": "SCAN",
                "assigned_to_id": str(officer.pk) if officer else "",
            },
        )

    def event(self, radicado, action, *, actor=None, after=None, details=None):
        return record(
            action=action,
            subject_type="case",
            subject_id=radicado,
            radicado=radicado,
            actor=actor,
            after=after,
            details=details,
        )


def officer_act(planter, radicado, action, officer_id):
    """An officer's act, the officer its actor (``actor_id`` in the body)."""
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(pk=officer_id)
    return planter.act(radicado, action, officer=officer)


def snapshot():
    return {
        flag.key: (flag.active, *(getattr(flag, name) for name in scan.COMPARED))
        for flag in RiskFlag.objects.order_by("key")
    }


@pytest.fixture
def officer_id(django_user_model):
    return str(django_user_model.objects.filter(is_staff=True).first().pk)


def plant_history(planter, officer):
    first = planter.file(1, "m1:aaa")
    second = planter.file(2, "m1:aaa")
    third = planter.file(3, "m1:bbb", procedure="PSCAN2")
    for radicado in (first, second, third):
        officer_act(planter, radicado, "tomar", officer)
    officer_act(planter, first, "solicitar_informacion", officer)
    officer_act(planter, second, "solicitar_informacion", officer)
    return first, second, third


def test_incremental_batches_and_full_recompute_raise_the_same_flags(officer_id):
    scan.full()
    planter = Planter()
    first, second, third = plant_history(planter, officer_id)
    while scan.incremental(batch_size=3).events:
        pass
    after_first_round = snapshot()
    assert after_first_round[f"T1:case:{first}"][0] is True
    assert after_first_round["T2:SCAN:PSCAN1"][0] is True
    assert after_first_round["T3:email:m1:aaa"][0] is True
    assert after_first_round[f"T4:{officer_id}"][0] is True

    # The information is answered and the case decided: T1 retires that flag.
    officer_act(planter, first, "aprobar", officer_id)
    fourth = planter.file(4, "m1:aaa")
    while scan.incremental(batch_size=2).events:
        pass
    incremental = snapshot()
    assert incremental[f"T1:case:{first}"][0] is False
    assert incremental[f"T1:case:{second}"][0] is True
    assert fourth in incremental["T3:email:m1:aaa"][7]  # radicados

    result = scan.full()
    assert snapshot() == incremental
    assert (result.created, result.updated, result.retired) == (0, 0, 0)
    assert ScannedCase.objects.filter(radicado=fourth).exists()


def test_a_scan_with_nothing_new_changes_nothing(officer_id):
    plant_history(Planter(), officer_id)
    scan.full()
    stamps = dict(RiskFlag.objects.values_list("key", "updated_at"))
    position = ScanPosition.objects.get(name=scan.POSITION).last_event_id
    assert scan.incremental().events == 0
    again = scan.full()
    assert (again.created, again.updated, again.retired) == (0, 0, 0)
    assert dict(RiskFlag.objects.values_list("key", "updated_at")) == stamps
    assert ScanPosition.objects.get(name=scan.POSITION).last_event_id == position


def test_a_chain_break_raises_the_engine_d12_flag(officer_id):
    planter = Planter()
    radicado = planter.file(1, "m1:ccc")
    officer_act(planter, radicado, "tomar", officer_id)
    altered = officer_act(planter, radicado, "solicitar_informacion", officer_id)
    tamper(
        "UPDATE audit_auditevent SET body = replace(body, 'en_revision', 'aprobado')"
        " WHERE id = %s",
        [altered.pk],
    )
    scan.full()
    flag = RiskFlag.objects.get(key=f"D12:chain:case:{radicado}")
    assert (flag.active, flag.severity, flag.evidence) == (True, "alta", [altered.pk])
    assert flag.radicados == [radicado]

    # A break among events the incremental pass reads is found there too.
    later = planter.file(2, "m1:ddd")
    forged = planter.act(later, "tomar")
    tamper("UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["0" * 64, forged.pk])
    scan.incremental()
    assert RiskFlag.objects.get(key=f"D12:chain:case:{later}").evidence == [forged.pk]
    assert scan.compare().differences == []


def test_a_disposition_survives_a_full_recompute(officer_id):
    planter = Planter()
    first, _second, _third = plant_history(planter, officer_id)
    scan.full()
    RiskFlag.objects.filter(key=f"T1:case:{first}").update(
        status=RiskFlag.Status.DISMISSED, disposition_reason="Solicitud justificada."
    )
    scan.full()
    flag = RiskFlag.objects.get(key=f"T1:case:{first}")
    assert (flag.status, flag.active) == (RiskFlag.Status.DISMISSED, True)
    officer_act(planter, first, "aprobar", officer_id)
    scan.full()
    flag.refresh_from_db()
    assert (flag.status, flag.active) == (RiskFlag.Status.DISMISSED, False)
    assert flag.disposition_reason == "Solicitud justificada."


def test_compare_reports_a_stored_flag_that_does_not_reproduce(officer_id, capsys):
    first, _second, _third = plant_history(Planter(), officer_id)
    call_command("risk_scan")
    call_command("risk_scan", "--compare")
    assert "se reproducen" in capsys.readouterr().out
    RiskFlag.objects.filter(key=f"T1:case:{first}").update(summary="cambiado")
    with pytest.raises(CommandError) as error:
        call_command("risk_scan", "--compare")
    assert error.value.returncode == 1
    assert f"~ T1:case:{first}: difiere en summary" in capsys.readouterr().out


def test_the_beat_task_runs_one_incremental_pass(officer_id):
    scan.full()
    first, _second, _third = plant_history(Planter(), officer_id)
    read = tasks.scan_new_events.apply().get()
    assert read == 8  # three filings, three "tomar", two requests
    assert RiskFlag.objects.get(key=f"T1:case:{first}").active
    assert tasks.scan_new_events.apply().get() == 0


def test_the_position_waits_at_a_gap_an_open_transaction_may_fill():
    """pk 11 missing between 10 and 12: while a transaction begun before event 12 is
    open elsewhere, the position stops at 10; once it ends, the gap was a rollback."""
    from django.db import connection
    from django.utils import timezone

    import psycopg

    from audit.chain import format_time

    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
    )
    try:
        other.execute("SELECT 1")  # Opens its transaction (psycopg's default).
        event_12_at = format_time(timezone.now())
        pks = [9, 10, 12, 13]
        assert scan.first_gap(8, pks) == 2
        assert scan.settled(8, pks, 2, event_12_at) == 10
        other.rollback()
        assert scan.settled(8, pks, 2, event_12_at) == 13
    finally:
        other.close()
    assert scan.settled(8, [9, 10], None, "") == 10
