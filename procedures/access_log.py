"""«¿Quién ha consultado mi trámite?»: the reads and acts on a citizen's file, from
the audit trail (issue 14 point 5).

Public servants act in public, so the citizen reads each servant's name, role and
entity, when (Bogotá time) and what they did, in plain Spanish. Left out:

* the citizen's own actions: they know what they did, and their case's timeline
  already tells their filing and answers; this section answers another question
  (who else looked or acted);
* events nobody would call an access (uploads listed with the documents, refused
  conflicts, e-mails) and every free text (reasons may be internal notes).

Repeated views of one person within ``ACCESS_VIEW_DEDUP_MINUTES`` read as one row
with the time of the first and how many there were, so the list is not flooded.
Newest first: the citizen opens it to see what happened lately.

Two queries whatever the history's length: one for the events (the file's chains,
the auditor console's reads of those chains and the admin's reads of the
applicant's user record) and one for the servants' names and entities.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from accounts.events import USER_VIEWED
from audit.chain import parse_time
from audit.models import AuditEvent
from audit.presentation import event_body
from audit.services import SYSTEM_ROLE

from . import calendar

DEFAULT_DEDUP_MINUTES = 5
# Rows shown before the rest is folded away (the page stays readable on a phone).
SHOWN_ROWS = 20

# What the auditor console records when it opens or exports a chain; its subject
# is the chain's key.
AUDIT_READS = ("audit.viewed", "audit.exported")
# Reads: repeated ones within the window are merged.
READS = ("case.viewed", "case.document_downloaded", USER_VIEWED, *AUDIT_READS)


# What each shown action says was done; every other action is left out.
DONE = {
    "case.viewed": _lazy("Consultó el caso"),
    "case.document_downloaded": _lazy("Descargó un documento"),
    "case.tomar": _lazy("Tomó el caso para revisarlo"),
    "case.asignar": _lazy("Asignó el caso"),
    "case.solicitar_informacion": _lazy("Solicitó información"),
    "case.aprobar": _lazy("Aprobó la solicitud"),
    "case.rechazar": _lazy("Rechazó la solicitud"),
    "case.prorrogar": _lazy("Prorrogó el término de respuesta"),
    "case.remitir": _lazy("Remitió la solicitud a la entidad competente"),
    "case.declarar_desistimiento": _lazy("Declaró el desistimiento"),
    # The remitting officer starts the competent entity's case.
    "case.received_by_remission": _lazy("Remitió la solicitud a esta entidad"),
    "audit.viewed": _lazy("Consultó el historial de auditoría"),
    "audit.exported": _lazy("Exportó el historial de auditoría"),
    USER_VIEWED: _lazy("Consultó sus datos de usuario"),
}


def _what(body: dict) -> str | None:
    """What was done, in plain Spanish; None for an event the log leaves out."""
    action = body["action"]
    details = body.get("details") or {}
    after = body.get("after") if isinstance(body.get("after"), dict) else {}
    if action == "case.document_downloaded" and details.get("document"):
        return _("Descargó un documento: %(document)s") % {
            "document": details["document"]
        }
    if action == "case.asignar" and after.get("assigned_to"):
        return _("Asignó el caso a %(name)s") % {"name": after["assigned_to"]}
    if action == "case.solicitar_informacion" and details.get("requested_documents"):
        # The citizen's page lists the same names: nothing internal.
        return _("Solicitó información y estos documentos: %(names)s") % {
            "names": ", ".join(details["requested_documents"])
        }
    label = DONE.get(action)
    return None if label is None else str(label)


@dataclass(frozen=True)
class File:
    """One part of the citizen's file: an audit chain and how the table names it."""

    chain_key: str
    label: str = ""


@dataclass(frozen=True)
class AccessEntry:
    """One row of the table: who did what, when (the first time, if repeated)."""

    at: datetime.datetime
    who: str
    role: str
    entity: str
    what: str
    file: str = ""
    count: int = 1
    # What makes two events the same read (actor, action, detail, file).
    key: tuple = ()

    @property
    def when(self) -> str:
        # Colombian order, Bogotá time: 04/12/2026 10:35.
        return f"{calendar.to_bogota(self.at):%d/%m/%Y %H:%M}"

    @property
    def iso(self) -> str:
        return self.at.isoformat()

    @property
    def repeats(self) -> str:
        if self.count < 2:
            return ""
        return ngettext("(%(n)s consulta)", "(%(n)s consultas)", self.count) % {
            "n": self.count
        }


def dedup_minutes() -> int:
    return int(getattr(settings, "ACCESS_VIEW_DEDUP_MINUTES", DEFAULT_DEDUP_MINUTES))


def merge_repeats(
    entries: Sequence[AccessEntry], minutes: int | None = None
) -> list[AccessEntry]:
    """Entries oldest first → the same, with the repeats of one read within
    ``minutes`` of its first time folded into that first one (a count)."""
    window = datetime.timedelta(minutes=dedup_minutes() if minutes is None else minutes)
    merged: list[AccessEntry] = []
    open_reads: dict[tuple, int] = {}  # key -> index in merged of its first read
    for entry in entries:
        index = open_reads.get(entry.key) if entry.key else None
        if index is not None and entry.at - merged[index].at <= window:
            merged[index] = replace(merged[index], count=merged[index].count + 1)
            continue
        if entry.key:
            open_reads[entry.key] = len(merged)
        merged.append(entry)
    return merged


def _events(files: Sequence[File], applicant_id, actions) -> list[dict]:
    chains = [file.chain_key for file in files]
    wanted = (
        Q(chain_key__in=chains)
        | Q(subject_type="audit", subject_id__in=chains, action__in=AUDIT_READS)
        | Q(subject_type="user", subject_id=str(applicant_id), action=USER_VIEWED)
    )
    # The citizen's own actions are left out (see the module's note).
    rows = AuditEvent.objects.filter(wanted, action__in=actions).exclude(
        actor_id=str(applicant_id)
    )
    bodies = [event_body(row) for row in rows.only("body")]
    return sorted(bodies, key=lambda body: body["at"])


def _servants(actor_ids: set[str]) -> tuple[dict, dict]:
    """Full names by user id, and entity names by officer group name, in one query."""
    names: dict[str, str] = {}
    entities: dict[str, str] = {}
    ids = [int(pk) for pk in actor_ids if pk.isdigit()]
    rows = (
        get_user_model()
        .objects.filter(pk__in=ids)
        .values_list(
            "pk",
            "first_name",
            "last_name",
            "username",
            "groups__name",
            "groups__officer_entities__name",
        )
    )
    for pk, first, last, username, group, entity in rows:
        names[str(pk)] = f"{first} {last}".strip() or username
        if group and entity:
            entities[group] = entity
    return names, entities


def _role(body: dict, entities: Mapping[str, str]) -> tuple[str, str]:
    """(role, entity) in plain Spanish, from the role recorded on the event."""
    recorded = body.get("actor_role") or ""
    if recorded == SYSTEM_ROLE or not body.get("actor_id"):
        return _("Sistema"), ""
    groups = [name.strip() for name in recorded.split(",")]
    for group in groups:
        if group in entities:
            return _("Funcionario(a) de %(entity)s") % {
                "entity": entities[group]
            }, entities[group]
    if any("auditor" in group.lower() for group in groups):
        return _("Auditor(a)"), ""
    if recorded == "superusuario":
        return _("Administrador(a) de la plataforma"), ""
    return _("Servidor(a) público(a)"), ""


def access_log_of(
    files: Sequence[File],
    *,
    applicant_id,
    extra_actions: Mapping[str, str] | None = None,
) -> list[AccessEntry]:
    """Every servant's read and act on these parts of one citizen's file, merged in
    time order, repeats folded, newest first. ``extra_actions`` names the actions
    of an upper app's chain (its code → what was done)."""
    extra_actions = extra_actions or {}
    labels = {file.chain_key: file.label for file in files}
    bodies = _events(files, applicant_id, [*DONE, *extra_actions])
    names, entities = _servants({body.get("actor_id") or "" for body in bodies})
    entries = []
    for body in bodies:
        what = extra_actions.get(body["action"]) or _what(body)
        if what is None:
            continue
        actor_id = body.get("actor_id") or ""
        role, entity = _role(body, entities)
        who = (
            _("Sistema")
            if role == _("Sistema")
            else names.get(actor_id) or body.get("actor_username") or ""
        )
        chain = body["chain"]
        if body["action"] in AUDIT_READS:
            chain = body["subject_id"]
        file = labels.get(chain, "")
        is_read = body["action"] in READS or body["action"] in extra_actions
        entries.append(
            AccessEntry(
                at=parse_time(body["at"]),
                who=who,
                role=role,
                entity=entity,
                what=what,
                file=file,
                key=(actor_id, body["action"], what, file) if is_read else (),
            )
        )
    return list(reversed(merge_repeats(entries)))


def access_log(case) -> list[AccessEntry]:
    """The access log of one case (``Case``), newest first."""
    return access_log_of(
        [File(case.audit_chain, case.radicado)], applicant_id=case.applicant_id
    )
