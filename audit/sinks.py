"""Where each signed checkpoint is copied outside the database (its witness).

``AUDIT_CHECKPOINT_SINK`` names the class. The copy must live where the database's
superuser cannot reach it (not on the database host, not writable by its OS user), so
that a rewrite of the database cannot rewrite the checkpoints it must agree with.

- ``FileSink`` (default): one append-only JSON-lines file per database in
  ``AUDIT_CHECKPOINT_DIR``. Readable back, so ``create_checkpoint`` and
  ``audit_verify`` compare the database's checkpoints with it.
- ``SyslogSink``: one line per checkpoint to a remote syslog collector
  (``AUDIT_CHECKPOINT_SYSLOG``, e.g. ``tcp://testigo.example:514``) run by someone
  else. Write-only: ``audit_verify --witness FILE`` reads the collector's copy.
"""

import json
import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils.module_loading import import_string
from django.utils.text import slugify

from . import chain

# Marks a checkpoint line wherever a collector stores it (syslog adds its own prefix).
MARKER = "ventanilla-audit-checkpoint "


class CheckpointSink:
    def write(self, entry: dict) -> None:
        raise NotImplementedError

    def read(self) -> list[dict] | None:
        """Every entry written so far, oldest first; None when it cannot be read back."""
        return None


class FileSink(CheckpointSink):
    """Append-only file; in production a directory of another OS user or a WORM mount."""

    def __init__(self, directory=None):
        self.directory = Path(directory or settings.AUDIT_CHECKPOINT_DIR)

    @property
    def path(self) -> Path:
        # One file per database, so two databases never mix their checkpoints.
        database = Path(str(connection.settings_dict["NAME"])).name
        return self.directory / f"checkpoints-{slugify(database)}.jsonl"

    def write(self, entry: dict) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        line = (chain.canonical_json(entry) + "\n").encode()
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, line)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def read(self) -> list[dict]:
        if not self.path.exists():
            return []
        return parse_lines(self.path.read_text(encoding="utf-8"), marker="")


class SyslogSink(CheckpointSink):
    """One syslog line per checkpoint to a remote collector (``udp://`` or
    ``tcp://host:port``); a failed send raises, so it is never lost silently."""

    # authpriv (10) * 8 + crit (2)
    PRIORITY = 82

    def __init__(self, address=None):
        url = urlsplit(address or settings.AUDIT_CHECKPOINT_SYSLOG)
        if url.scheme not in ("udp", "tcp") or not url.hostname:
            raise ImproperlyConfigured(
                "AUDIT_CHECKPOINT_SYSLOG must look like tcp://host:514 or udp://host:514."
            )
        self.address = (url.hostname, url.port or 514)
        self.socktype = socket.SOCK_STREAM if url.scheme == "tcp" else socket.SOCK_DGRAM

    def write(self, entry: dict) -> None:
        line = f"<{self.PRIORITY}>ventanilla: {MARKER}{chain.canonical_json(entry)}\n"
        if self.socktype == socket.SOCK_STREAM:
            with socket.create_connection(self.address, timeout=10) as sock:
                sock.sendall(line.encode())
            return
        family, socktype, proto, _name, address = socket.getaddrinfo(
            *self.address, type=socket.SOCK_DGRAM
        )[0]
        with socket.socket(family, socktype, proto) as sock:
            sock.sendto(line.encode(), address)


def parse_lines(text: str, marker: str = MARKER) -> list[dict]:
    """Checkpoint entries in a witness copy: a sink file or a collector's log."""
    entries = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if marker:
            if marker not in line:
                continue
            line = line.split(marker, 1)[1]
        entries.append(json.loads(line))
    return entries


def get_sink() -> CheckpointSink:
    return import_string(settings.AUDIT_CHECKPOINT_SINK)()
