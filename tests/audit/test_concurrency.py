import threading

from django.db import connections

import pytest

from audit import record
from audit.models import AuditEvent
from audit.verify import verify

THREADS = 8
EVENTS_PER_THREAD = 15


@pytest.mark.django_db(transaction=True)
def test_parallel_appends_to_one_chain_stay_contiguous_and_valid(postgres_only):
    barrier = threading.Barrier(THREADS)
    errors = []

    def worker(n):
        try:
            barrier.wait()
            for i in range(EVENTS_PER_THREAD):
                record(
                    action="test.parallel",
                    subject_type="case",
                    subject_id="C1",
                    details={"thread": n, "i": i},
                )
        except Exception as exc:  # noqa: BLE001 - report any failure of a thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    seqs = list(
        AuditEvent.objects.filter(chain_key="case:C1")
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, THREADS * EVENTS_PER_THREAD + 1))
    report = verify("case:C1")
    assert report.ok, report.breaks
