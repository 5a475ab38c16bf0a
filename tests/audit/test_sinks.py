"""The checkpoints' witness outside the database: file sink, syslog sink, --witness."""

import socketserver
import threading

from django.core.management import CommandError, call_command

import pytest

from audit import sinks
from audit.checkpoints import read_sink, sink_entry
from audit.models import Checkpoint
from audit.verify import CHECKPOINT_SINK, verify

from .helpers import make_chain, tamper

pytestmark = pytest.mark.django_db


def test_the_file_sink_is_the_default_and_appends_one_line_per_checkpoint(
    settings, make_checkpoint
):
    assert settings.AUDIT_CHECKPOINT_SINK == "audit.sinks.FileSink"
    make_chain("case:S1", 2)
    first = make_checkpoint()
    second = make_checkpoint()
    path = sinks.FileSink().path
    assert path.parent == settings.AUDIT_CHECKPOINT_DIR
    lines = path.read_text().splitlines()
    assert len(lines) == 2
    assert read_sink() == [sink_entry(first), sink_entry(second)]


def test_a_copy_lost_after_commit_is_made_at_the_next_checkpoint(make_checkpoint):
    from audit.checkpoints import create_checkpoint

    make_chain("case:S2", 2)
    lost = create_checkpoint()  # its after-commit copy never ran
    assert read_sink() == []
    later = make_checkpoint()
    assert [entry["hash"] for entry in read_sink()] == [
        lost.checkpoint_hash,
        later.checkpoint_hash,
    ]
    assert verify().ok


class _Collector(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        self.lines: list[str] = []
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        for raw in self.rfile:
            self.server.lines.append(raw.decode().rstrip("\n"))


@pytest.fixture
def collector():
    server = _Collector()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_syslog_sink_sends_each_checkpoint_to_the_collector(
    settings, collector, make_checkpoint, tmp_path
):
    host, port = collector.server_address
    settings.AUDIT_CHECKPOINT_SINK = "audit.sinks.SyslogSink"
    settings.AUDIT_CHECKPOINT_SYSLOG = f"tcp://{host}:{port}"
    make_chain("case:S3", 3)
    first = make_checkpoint()
    make_chain("case:S4", 1)
    second = make_checkpoint()
    for _ in range(50):
        if len(collector.lines) == 2:
            break
        threading.Event().wait(0.05)
    assert all(line.startswith("<82>ventanilla: ") for line in collector.lines)
    assert sinks.parse_lines("\n".join(collector.lines)) == [
        sink_entry(first),
        sink_entry(second),
    ]
    # What the collector stored (with its own prefix) is the witness audit_verify reads.
    stored = tmp_path / "collector.log"
    stored.write_text(
        "".join(f"Dec  3 10:00:00 app {line}\n" for line in collector.lines)
        + "Dec  3 10:00:01 app sshd[1]: unrelated\n"
    )
    call_command("audit_verify", witness=stored)
    tamper("DELETE FROM audit_checkpoint WHERE id = %s", [second.pk])
    # The database alone cannot tell the last checkpoint is gone; its witness can.
    assert verify().ok
    with pytest.raises(CommandError, match="copia externa"):
        call_command("audit_verify", witness=stored)
    assert not Checkpoint.objects.filter(pk=second.pk).exists()


def test_a_witness_file_from_the_file_sink_is_read_too(make_checkpoint, tmp_path):
    make_chain("case:S5", 2)
    make_checkpoint()
    copy = tmp_path / "copia.jsonl"
    copy.write_text(sinks.FileSink().path.read_text())
    last = make_checkpoint()
    tamper("DELETE FROM audit_checkpoint WHERE id = %s", [last.pk])
    call_command("audit_verify", witness=copy)  # the copy predates the last one
    report = verify()
    assert [b.kind for b in report.breaks] == [CHECKPOINT_SINK]


def test_a_misconfigured_syslog_address_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.AUDIT_CHECKPOINT_SYSLOG = "witness.example:514"
    with pytest.raises(ImproperlyConfigured):
        sinks.SyslogSink()


def test_a_checkpoint_copied_twice_by_racing_runs_counts_once(make_checkpoint):
    make_chain("case:S6", 2)
    first = make_checkpoint()
    sinks.FileSink().write(sink_entry(first))  # the racing run's copy
    second = make_checkpoint()
    assert [entry["hash"] for entry in read_sink()] == [
        first.checkpoint_hash,
        first.checkpoint_hash,
        second.checkpoint_hash,
    ]
    assert verify().ok
