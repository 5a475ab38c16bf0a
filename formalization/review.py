"""What the citizen reads back: the answers on "Revise sus respuestas" (GOV.UK's
check-answers pattern) and the procedures by name and entity, never a bare code."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms as django_forms
from django.utils.translation import gettext as _

from catalog.formatting import format_cop
from catalog.models import ProcedurePage

from . import ciiu, forms

# Steps that ask nothing of their own: the review, the summary and the consent.
NOT_REVIEWED = (forms.ReviewForm, forms.SummaryForm, forms.ConfirmForm)


@dataclass(frozen=True)
class Named:
    """A procedure as the citizen knows it."""

    code: str
    title: str
    entity: str

    def __str__(self):
        return f"{self.title} ({self.entity})" if self.entity else self.title


def procedure_names(codes) -> dict[str, Named]:
    """Each code's catalog name and entity (one query)."""
    codes = list(codes)
    pages = ProcedurePage.objects.filter(code__in=codes).select_related("entity")
    named = {
        page.code: Named(page.code, page.title, page.entity.name if page.entity else "")
        for page in pages
    }
    # A code without a published page cannot be filed (submit refuses it); it is
    # still named in words rather than left as a code.
    for code in codes:
        named.setdefault(code, Named(code, _("Trámite sin publicar"), ""))
    return named


@dataclass
class Section:
    slug: str
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    # The first rows come from the profile: they change there, not in the wizard.
    known_count: int = 0


def display(form_field, value) -> str:
    """An answer in the words the citizen chose it by."""
    if value in (None, "", [], ()):
        return _("No indicó")
    if isinstance(value, bool):
        return _("Sí") if value else _("No")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format_cop(value)
    if isinstance(form_field, django_forms.FileField):
        return getattr(value, "display_name", None) or getattr(value, "name", "")
    choices = dict(getattr(form_field, "choices", None) or ())
    if isinstance(value, list | tuple):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if choices:
        return str(choices.get(value, value))
    return str(value)


def review_sections(progress, steps_by_slug) -> list[Section]:
    """One section per answered step shown in this run, with its answers in order."""
    sections = []
    for slug in progress.active:
        step = steps_by_slug[slug]
        if step.form in NOT_REVIEWED or slug not in progress.cleaned:
            continue
        form = progress.form(slug, data=progress.storage.step_data(slug))
        cleaned = progress.cleaned[slug]
        section = Section(slug, str(step.title))
        for name, form_field in form.fields.items():
            value = cleaned.get(name)
            if isinstance(form, forms.DocumentsForm):
                value = value or form.on_file.get(name)
            elif name == "ciiu" and value:
                activity = ciiu.lookup(value)
                value = activity.label if activity else value
            section.rows.append((str(form_field.label), display(form_field, value)))
        known = [(str(label), value) for label, value in form.known_rows()]
        section.rows[:0] = known
        section.known_count = len(known)
        sections.append(section)
    return sections


@dataclass(frozen=True)
class Task:
    """A row of the application's task list: the procedure, its tag and a hint."""

    item: object
    named: Named
    tag: str
    tone: str  # done, waiting, blocked, action or "" (in progress)
    hint: str = ""
    waits_for: tuple[Named, ...] = ()


CASE_TONES = {
    "aprobado": "done",
    "requiere_informacion": "action",
    "rechazado": "blocked",
    "desistido": "blocked",
    "remitido": "blocked",
}


def task_list(items) -> list[Task]:
    """The application's procedures by name and entity with their status, in order.
    What an item waits for is read from its prerequisites, not from its stored note
    (which names codes): "Espera a: Matrícula mercantil (Cámara de Comercio …)"."""
    from .models import ApplicationItem

    by_code = {item.code: item for item in items}
    named = {
        item.code: Named(
            item.code,
            item.procedure.title,
            item.chosen or item.procedure.entity.name,
        )
        for item in items
    }
    tasks = []
    for item in items:
        prerequisites = [by_code[c] for c in item.depends_on if c in by_code]
        if item.case is not None:
            tasks.append(
                Task(
                    item,
                    named[item.code],
                    item.case.get_status_display(),
                    CASE_TONES.get(item.case.status, ""),
                )
            )
        elif item.state == ApplicationItem.State.WAITING:
            pending = tuple(
                named[p.code]
                for p in prerequisites
                if p.case is None or p.case.status != "aprobado"
            )
            tasks.append(
                Task(item, named[item.code], _("En espera"), "waiting", "", pending)
            )
        elif item.state == ApplicationItem.State.BLOCKED:
            failed = ", ".join(
                str(named[p.code])
                for p in prerequisites
                if p.state == ApplicationItem.State.BLOCKED
                or (p.case is not None and CASE_TONES.get(p.case.status) == "blocked")
            )
            hint = (
                _("No se puede radicar porque no se aprobó: %(names)s.")
                % {"names": failed}
                if failed
                else ""
            )
            tasks.append(
                Task(item, named[item.code], _("No se puede radicar"), "blocked", hint)
            )
        else:
            tasks.append(
                Task(
                    item,
                    named[item.code],
                    _("Pendiente de pago"),
                    "action",
                    _("Se radica cuando el banco confirme el pago."),
                )
            )
    return tasks
