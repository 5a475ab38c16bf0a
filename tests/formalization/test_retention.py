"""docs/reliability.md P-4: a run never submitted loses its answers and uploads after the
retention period; submitted runs and recent drafts are kept; the trail says so."""

import datetime
import json

from django.conf import settings
from django.utils import timezone

import time_machine

from audit.models import AuditEvent
from audit.verify import verify
from formalization import services, tasks
from formalization.models import Draft, DraftDocument

from .personas import AGENCIA, TIENDA

RETENTION = datetime.timedelta(days=settings.FORMALIZATION_DRAFT_RETENTION_DAYS)


def test_abandoned_drafts_are_purged_with_their_files_and_the_rest_kept(
    wizard, django_capture_on_commit_callbacks
):
    abandoned = wizard()
    abandoned.answer(AGENCIA, stop_before="resumen")  # with an uploaded document
    document = DraftDocument.objects.get(draft__run_id=abandoned.run_id)
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    submitted = wizard()
    submitted.answer(TIENDA)
    page = abandoned.client.get("/formaliza/")
    kept_until = (timezone.localtime() + RETENTION).strftime("%d/%m/%Y")
    assert f"se conserva hasta el {kept_until}" in page.text

    # One day before the end of the period nothing goes.
    almost = timezone.now() + RETENTION - datetime.timedelta(days=1)
    with time_machine.travel(almost, tick=False):
        assert services.draft_purge_abandoned() == 0
        recent = wizard()  # started just before the sweep that purges
    with (
        time_machine.travel(timezone.now() + RETENTION + datetime.timedelta(hours=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.purge_abandoned_drafts.delay().get() == 1

    assert not Draft.objects.filter(run_id=abandoned.run_id).exists()
    assert not DraftDocument.objects.filter(pk=document.pk).exists()
    assert not storage.exists(name)
    assert Draft.objects.filter(run_id=submitted.run_id).exists()
    assert Draft.objects.filter(run_id=recent.run_id).exists()
    # The run's URL is gone for its owner too; the chain stays, intact, saying why.
    assert abandoned.client.get(abandoned.url("resumen")).status_code == 404
    chain_key = f"formalizacion:{abandoned.run_id}"
    last = json.loads(AuditEvent.objects.filter(chain_key=chain_key).latest("seq").body)
    assert last["action"] == "formalization.draft_purged"
    assert last["details"]["documents"] == 1
    assert (
        last["details"]["retention_days"] == settings.FORMALIZATION_DRAFT_RETENTION_DAYS
    )
    assert verify(chain_key).ok
    # A second sweep finds nothing more.
    with time_machine.travel(timezone.now() + RETENTION + datetime.timedelta(hours=2)):
        assert services.draft_purge_abandoned() == 0


def test_the_sweep_runs_nightly_from_beat():
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "formalization.tasks.purge_abandoned_drafts"
    )
    assert entry["schedule"].hour == {3}
