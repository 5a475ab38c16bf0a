"""The officers' back office in the Wagtail admin: their entity's queue, a case, its actions."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from audit.presentation import present_all

from . import calendar, services, wording, workflow
from .action_forms import ActionForm
from .models import Case

DUE_SOON_BUSINESS_DAYS = 3


def is_officer(user) -> bool:
    return (
        user.is_active and user.groups.filter(officer_entities__isnull=False).exists()
    )


class QueueFilterForm(forms.Form):
    estado = forms.ChoiceField(
        label=_("Estado"),
        required=False,
        choices=[("", _("Todos los abiertos"))] + list(workflow.Status.choices),
    )
    tramite = forms.CharField(
        label=_("Código del trámite"), required=False, max_length=20
    )
    vencidos = forms.BooleanField(label=_("Solo vencidos"), required=False)
    mios = forms.BooleanField(label=_("Asignados a mí"), required=False)


def _today() -> datetime.date:
    return calendar.to_bogota(timezone.now()).date()


def queue(request):
    if not is_officer(request.user):
        raise PermissionDenied
    form = QueueFilterForm(request.GET or None)
    cases = (
        Case.objects.in_queue_of(request.user)
        .select_related("procedure", "assigned_to")
        # Only what the queue shows: not each procedure page's StreamFields.
        .only(
            "radicado",
            "status",
            "due_date",
            "calendar_days",
            "procedure__title",
            "assigned_to__username",
            "assigned_to__first_name",
            "assigned_to__last_name",
        )
        .order_by("due_date", "id")
    )

    today = _today()
    if form.is_valid():
        data = form.cleaned_data
        cases = cases.filter(status=data["estado"]) if data["estado"] else cases.open()
        if data["tramite"]:
            cases = cases.filter(procedure__code=data["tramite"].strip().upper())
        if data["vencidos"]:
            cases = cases.filter(due_date__lt=today)
        if data["mios"]:
            cases = cases.filter(assigned_to=request.user)
    else:
        cases = cases.open()
    page = Paginator(cases, 50).get_page(request.GET.get("p"))
    rows = []
    for case in page.object_list:
        # None once the case is closed: a decided case has no term left to count.
        remaining = case.days_left(today)
        running = remaining is not None and not case.clock_stopped
        rows.append(
            {
                "case": case,
                "remaining": remaining,
                "due_label": (
                    wording.due_in(remaining, calendar_days=case.calendar_days)
                    if running
                    else ""
                ),
                "overdue": running and remaining < 0,
                "due_soon": running and 0 <= remaining <= DUE_SOON_BUSINESS_DAYS,
                "clock_stopped": case.clock_stopped,
                "assignee": services.user_display(case.assigned_to) or "—",
            }
        )
    return render(
        request,
        "procedures/admin/queue.html",
        {"form": form, "page": page, "rows": rows},
    )


def case_detail(request, radicado):
    if not is_officer(request.user):
        raise PermissionDenied
    case = (
        Case.objects.in_queue_of(request.user)
        .select_related(
            "procedure",
            "entity",
            "applicant",
            "assigned_to",
            "remitted_from__entity",
            "remitted_to__entity",
        )
        .filter(radicado=radicado)
        .first()
    )
    if case is None:
        raise Http404
    services.case_viewed(case, user=request.user)
    history = present_all(
        AuditEvent.objects.filter(chain_key=case.audit_chain).order_by("seq")
    )
    today = _today()
    refusals = action_refusals(case, today, request.user)
    forms = [
        ActionForm(case=case, action=action)
        for action in workflow.allowed_actions(case.status, workflow.Role.OFFICER)
        if action not in refusals
    ]
    context = {
        "case": case,
        "documents": case.documents.all(),
        "history": _with_names(history),
        "actions": [form for form in forms if not form.secondary],
        "secondary_actions": [form for form in forms if form.secondary],
        "term_status": term_status(case, today),
        "extension_label": wording.days(
            case.extension_days, calendar_days=case.calendar_days
        ),
        "assignee": services.user_display(case.assigned_to) or "—",
        "refusals": list(refusals.values()),
    }
    return render(request, "procedures/admin/case.html", context)


def term_status(case: Case, today: datetime.date) -> str:
    """The "Vence" line's note: days left while the term runs, and otherwise why
    none are counted (a closed case shows no "N días restantes")."""
    if case.is_closed:
        return _("Trámite terminado el %(date)s") % {
            "date": f"{calendar.to_bogota(case.decided_at):%d/%m/%Y}"
            if case.decided_at
            else "—"
        }
    if case.clock_stopped:
        return _("Término suspendido desde el %(date)s") % {
            "date": f"{case.clock_stopped_on:%d/%m/%Y}"
            if case.clock_stopped_on
            else "—"
        }
    return wording.remaining(case.days_left(today), calendar_days=case.calendar_days)


# Refusals foreseen on the case page: rules on the term that no input can
# satisfy, so the reason is shown instead of the button (the service refuses
# them too). Other guards depend on what the officer enters.
FORESEEN_REFUSALS = (workflow.Action.REQUEST_INFO, workflow.Action.EXTEND)


def action_refusals(case: Case, today: datetime.date, user) -> dict:
    """Actions the table allows now but the law does not for this case, with the
    Spanish reason shown instead of the button."""
    refusals = {}
    for action in workflow.allowed_actions(case.status, workflow.Role.OFFICER):
        if action not in FORESEEN_REFUSALS:
            continue
        # The smallest extension: if one day is refused, every one is.
        probe = workflow.Act(
            case=case,
            action=action,
            role=workflow.Role.OFFICER,
            actor=user,
            today=today,
            extra_days=1,
        )
        row = workflow.TRANSITIONS[(workflow.Status(case.status), action)]
        try:
            for guard in row.guards:
                guard(probe)
        except workflow.TransitionError as refused:
            refusals[action] = f"{action.label}: {refused}"
    return refusals


def _with_names(history) -> list[tuple]:
    """Each event with its actor's full name (the trail keeps the username)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(
        username__in={event.actor for event in history}
    )
    names = {user.get_username(): services.user_display(user) for user in users}
    return [(event, names.get(event.actor, event.actor)) for event in history]


@require_POST
def case_action(request, radicado):
    if not is_officer(request.user):
        raise PermissionDenied
    case = Case.objects.in_queue_of(request.user).filter(radicado=radicado).first()
    if case is None:
        raise Http404
    form = ActionForm(request.POST, case=case)
    if not form.is_valid():
        if set(form.errors) <= set(form.SPECIFIC_ERRORS):
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.error(
                request,
                _("La acción no es válida. Recargue la página e intente de nuevo."),
            )
        return redirect("procedures_admin_case", radicado=radicado)
    data = form.cleaned_data
    try:
        acted = services.case_act(
            case.pk,
            actor=request.user,
            action=data["action"],
            expected_version=data["version"],
            **form.inputs(),
        )
    except services.CaseConflict as conflict:
        messages.error(request, str(conflict))
    except workflow.TransitionError as refused:
        messages.error(request, str(refused))
    else:
        target = acted.remission
        if target is not None:
            messages.success(
                request,
                _("Remitido a %(entity)s con radicado %(radicado)s.")
                % {"entity": target.entity.name, "radicado": target.radicado},
            )
        else:
            messages.success(
                request,
                _("Acción registrada: %(action)s.")
                % {"action": workflow.Action(data["action"]).label},
            )
    return redirect("procedures_admin_case", radicado=radicado)
