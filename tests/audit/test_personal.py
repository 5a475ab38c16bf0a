"""Personal values in audit payloads: sealed per person, shreddable, chain intact."""

import base64
import json

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from audit import personal, record
from audit.checks import audit_data_key
from audit.models import AuditEvent, DataSubjectKey
from audit.presentation import present_all
from audit.verify import verify

from .helpers import tamper

pytestmark = pytest.mark.django_db

SUBJECT = "user:987654"


def profile_event(after: dict, subject: str = SUBJECT) -> AuditEvent:
    return record(
        action="account.profile_changed",
        subject_type="user",
        subject_id=subject.partition(":")[2],
        chain_key="pruebas-datos",
        before={"phone": "3001234567", "is_staff": False},
        after=after,
        data_subject=subject,
        personal_fields=("phone",),
    )


def after(view) -> dict:
    return {change.field: change.after for change in view.changes}


def body(event) -> dict:
    return json.loads(AuditEvent.objects.get(pk=event.pk).body)


def test_only_the_personal_fields_are_sealed_and_the_auditor_reads_them():
    event = profile_event({"phone": "6013386000", "is_staff": True})
    stored = body(event)
    assert "3001234567" not in event.body and "6013386000" not in event.body
    assert personal.is_sealed(stored["after"]["phone"])
    assert stored["after"]["is_staff"] is True and stored["before"]["is_staff"] is False
    [view] = present_all([event])
    assert {(c.field, c.before, c.after) for c in view.changes} == {
        ("phone", "3001234567", "6013386000"),
        ("is_staff", "no", "sí"),
    }


def test_each_person_has_a_key_of_their_own_wrapped_by_the_data_key():
    profile_event({"phone": "6013386000"})
    profile_event({"phone": "6013386001"}, subject="user:1")
    keys = DataSubjectKey.objects.filter(subject__in=[SUBJECT, "user:1"])
    assert keys.count() == 2 and len({k.key_id for k in keys}) == 2
    for key in keys:
        assert len(bytes(key.wrapped)) == 12 + 32 + 16  # nonce, key, GCM tag


def test_a_list_of_events_loads_each_key_once():
    events = [profile_event({"phone": f"60133860{i:02d}"}) for i in range(10)]
    with CaptureQueriesContext(connection) as queries:
        views = present_all(events)
    assert len(queries) == 1
    assert [after(v)["phone"] for v in views] == [f"60133860{i:02d}" for i in range(10)]


def test_shredding_makes_the_values_unreadable_and_the_chain_still_verifies():
    old = profile_event({"phone": "6013386000"})
    assert personal.shred(SUBJECT, reason="solicitud de supresión (Ley 1581)")
    assert not personal.shred(SUBJECT, reason="otra vez")  # nothing left to destroy
    [view] = present_all([AuditEvent.objects.get(pk=old.pk)])
    assert after(view)["phone"] == "[dato personal suprimido]"
    assert verify().ok
    shredded = body(
        AuditEvent.objects.filter(action="audit.data_shredded").latest("id")
    )
    assert shredded["subject_id"] == "987654" and shredded["chain"] == "security"
    # New facts about the same person get a new key; the old ones stay unreadable.
    new = profile_event({"phone": "6013386999"})
    old_view, new_view = present_all([AuditEvent.objects.get(pk=old.pk), new])
    assert after(old_view)["phone"] == "[dato personal suprimido]"
    assert after(new_view)["phone"] == "6013386999"


def test_deleting_an_account_shreds_its_key(django_user_model):
    user = django_user_model.objects.create_user(
        "persona.borrada", email="persona.borrada@example.com", password="x" * 12
    )
    created = AuditEvent.objects.filter(action="user.created").latest("id")
    assert "persona.borrada" not in created.body
    user.delete()
    [view] = present_all([AuditEvent.objects.get(pk=created.pk)])
    shown = {c.field: c.after for c in view.changes}
    assert shown["email"] == shown["username"] == "[dato personal suprimido]"
    assert shown["is_active"] == "sí"
    assert verify().ok


def test_a_sealed_value_altered_in_the_table_shows_as_unreadable_and_breaks_the_chain():
    event = profile_event({"phone": "6013386000"})
    stored = body(event)
    token = stored["after"]["phone"]
    flipped = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    stored["after"]["phone"] = flipped
    tamper(
        "UPDATE audit_auditevent SET body = %s WHERE id = %s",
        [json.dumps(stored, ensure_ascii=False, sort_keys=True), event.pk],
    )
    [view] = present_all([AuditEvent.objects.get(pk=event.pk)])
    assert after(view)["phone"] == "[dato ilegible]"
    assert not verify("pruebas-datos").ok


def test_deploy_check_wants_a_data_key_of_its_own(settings):
    settings.AUDIT_DATA_KEY = ""
    assert [w.id for w in audit_data_key(None)] == ["audit.W002"]
    settings.AUDIT_DATA_KEY = base64.b64encode(b"x" * 16).decode()
    assert [w.id for w in audit_data_key(None)] == ["audit.W002"]
    settings.AUDIT_DATA_KEY = base64.b64encode(b"k" * 32).decode()
    assert audit_data_key(None) == []


def test_shred_command_destroys_a_persons_key(django_user_model, capsys):
    user = django_user_model.objects.create_user("olvidar", password="x" * 12)
    call_command("audit_shred", "--user", str(user.pk), "--reason", "supresión")
    assert DataSubjectKey.objects.get(subject=personal.subject_of(user)).wrapped is None
    assert "destruida" in capsys.readouterr().out
