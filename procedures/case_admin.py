"""One case in the officers' back office: its page, and its actions one at a time.

The case page lays the case out for review (GOV.UK summary lists: the request,
the applicant, the answers, the documents, the timeline) and lists the actions
the workflow allows now. The officer chooses one; its own page shows only that
action's form. An action that ends the case or tells the citizen something
(``Transition.needs_confirmation``) goes through a confirmation page first: what
will be recorded, the e-mail the citizen will receive and the output document,
rendered from the same templates (``services.case_preview``), and nothing is
recorded until "Confirmar y enviar". The service's version check refuses a
second submit, or a colleague's action in between, with a message.
"""

import datetime
import re

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from audit.models import AuditEvent
from audit.presentation import present_all

from . import calendar, services, wording, workflow
from . import documents as case_pdfs
from .action_forms import ActionForm
from .applicant import APPLICANT_LABELS
from .models import Case
from .timeline import case_timeline

QUEUE_TITLE = gettext_lazy("Casos de mi entidad")
CASE_RELATIONS = (
    "procedure",
    "entity",
    "applicant",
    "assigned_to",
    "remitted_from__entity",
    "remitted_to__entity",
)


def _today() -> datetime.date:
    return calendar.to_bogota(timezone.now()).date()


class CaseScopedMixin(PermissionCheckedMixin):
    """The case named in the URL, found only in the officer's queue (404 for a
    case of another entity, never a hint that it exists)."""

    model = Case
    any_permission_required = ["view"]

    def get_case(self, queryset=None):
        cases = self.permission_policy.instances_user_has_permission_for(
            self.request.user, "view"
        )
        return get_object_or_404(
            cases if queryset is None else queryset.filter(pk__in=cases),
            radicado=self.kwargs["radicado"],
        )


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
# satisfy, so the reason is shown instead of the action (the service refuses
# them too). Other guards depend on what the officer enters.
FORESEEN_REFUSALS = (workflow.Action.REQUEST_INFO, workflow.Action.EXTEND)


def action_refusals(case: Case, today: datetime.date, user) -> dict:
    """Actions the table allows now but the law does not for this case, with the
    Spanish reason shown instead of the action."""
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


def available_actions(case: Case, user) -> list[ActionForm]:
    """The actions the officer may choose now, each as its (unbound) form."""
    refusals = action_refusals(case, _today(), user)
    return [
        ActionForm(case=case, action=action)
        for action in workflow.allowed_actions(case.status, workflow.Role.OFFICER)
        if action not in refusals
    ]


def _with_names(history) -> list[tuple]:
    """Each event with its actor's full name (the trail keeps the username)."""
    users = get_user_model().objects.filter(
        username__in={event.actor for event in history}
    )
    names = {user.get_username(): services.user_display(user) for user in users}
    return [(event, names.get(event.actor, event.actor)) for event in history]


def applicant_rows(case: Case) -> tuple[list, list]:
    """The answers split in two: the applicant block (who asks) and the rest."""
    applicant, answers = [], []
    for name, row in zip(case.answers, case.answer_rows(), strict=True):
        (applicant if name in APPLICANT_LABELS else answers).append(row)
    return applicant, answers


class CaseView(CaseScopedMixin, generic.InspectView):
    template_name = "procedures/admin/case.html"
    pk_url_kwarg = "radicado"

    def get_fields(self):
        return []

    def get_object(self, queryset=None):
        return self.get_case(Case.objects.select_related(*CASE_RELATIONS))

    def get_page_title(self):
        return self.object.radicado

    def get_page_subtitle(self):
        return self.object.procedure.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": QUEUE_TITLE},
            {"url": "", "label": self.object.radicado},
        ]

    def get(self, request, *args, **kwargs):
        services.case_viewed(self.object, user=request.user)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        case = self.object
        today = _today()
        forms = available_actions(case, self.request.user)
        history = present_all(
            AuditEvent.objects.filter(chain_key=case.audit_chain)
            # The officer may be the one reported: the citizen's report is for
            # the auditors (their trail and risk queue), not this page.
            .exclude(action=services.IRREGULARITY_REPORTED)
            .order_by("seq")
        )
        applicant, answers = applicant_rows(case)
        return super().get_context_data(
            case=case,
            applicant_answers=applicant,
            answers=answers,
            documents=case.documents.all(),
            timeline=case_timeline(case, citizen=False),
            history=_with_names(history),
            actions=[form for form in forms if not form.secondary],
            secondary_actions=[form for form in forms if form.secondary],
            term_status=term_status(case, today),
            extension_label=wording.days(
                case.extension_days, calendar_days=case.calendar_days
            ),
            assignee=services.user_display(case.assigned_to) or "—",
            refusals=list(action_refusals(case, today, self.request.user).values()),
            **kwargs,
        )


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)


def _document_body(html: str) -> str:
    """The body of a rendered document template, to show inside the admin page
    (its own <head> and styles are the PDF's)."""
    found = _BODY.search(html)
    return found.group(1) if found else html


@method_decorator(never_cache, name="dispatch")
class ActionView(CaseScopedMixin, WagtailAdminTemplateMixin, TemplateView):
    """One action of a case: its form, its confirmation when it needs one, and
    then ``case_act``. At ``…/accion/<action>/`` (GET shows the form); the
    older ``…/accion/`` takes the same POSTs."""

    form_template = "procedures/admin/action.html"
    confirm_template = "procedures/admin/confirm.html"

    def dispatch(self, request, *args, **kwargs):
        self.case = self.get_case(Case.objects.select_related(*CASE_RELATIONS))
        return super().dispatch(request, *args, **kwargs)

    # --- The page around the form ---------------------------------------------

    def get_page_title(self):
        return self.form.label if getattr(self, "form", None) else ""

    def get_page_subtitle(self):
        return self.case.radicado

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("procedures_admin_queue"), "label": QUEUE_TITLE},
            {
                "url": reverse("procedures_admin_case", args=[self.case.radicado]),
                "label": self.case.radicado,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def _render(self, template, **context):
        self.template_name = template
        return self.render_to_response(
            self.get_context_data(
                case=self.case,
                form=self.form,
                step_url=reverse(
                    "procedures_admin_action_step",
                    args=[self.case.radicado, self.form.action.value],
                ),
                **context,
            )
        )

    def _back_to_case(self):
        return redirect("procedures_admin_case", radicado=self.case.radicado)

    def _offered(self, form: ActionForm) -> bool:
        """Whether the case page offers this action to the officer now."""
        return form.transition is not None and form.action in {
            offered.action
            for offered in available_actions(self.case, self.request.user)
        }

    # --- GET: the chosen action's form ------------------------------------------

    def get(self, request, radicado, action=None):
        self.form = ActionForm(case=self.case, action=action) if action else None
        if self.form is None or not self._offered(self.form):
            messages.error(
                request,
                _(
                    "Esa acción no está disponible ahora para este trámite. Elija una de la lista."
                ),
            )
            return self._back_to_case()
        if self.form.needs_confirmation and not self.form.has_inputs:
            # Nothing to fill in (approve): the choice leads to the confirmation.
            self.form = ActionForm(
                {"action": action, "version": self.case.version}, case=self.case
            )
            if self.form.is_valid():
                return self._confirm()
        return self._render(self.form_template)

    # --- POST: check, confirm, act ----------------------------------------------

    def post(self, request, radicado, action=None):
        data = request.POST
        self.form = ActionForm(data, request.FILES, case=self.case)
        if self._stale(data):
            # Sent for an earlier version (a second submit, or a colleague acted
            # since): the service refuses it, whatever the form now allows.
            return self._act_refused(data["action"], int(data["version"]))
        if self.form.transition is None:
            messages.error(
                request,
                _("La acción no es válida. Recargue la página e intente de nuevo."),
            )
            return self._back_to_case()
        if "editar" in data:
            return self._edit(data)
        if not self.form.is_valid():
            if self.form.errors.keys() <= set(self.form.CONFIRMATION_FIELDS):
                # The signed act was refused: the confirmation again, with its error.
                return self._confirm()
            if set(self.form.errors) <= {
                name
                for name, field in self.form.fields.items()
                if not field.widget.is_hidden
            }:
                return self._render(self.form_template)
            messages.error(
                request,
                _("La acción no es válida. Recargue la página e intente de nuevo."),
            )
            return self._back_to_case()
        if self.form.needs_confirmation and "confirmar" not in data:
            return self._confirm()
        return self._act()

    def _edit(self, data):
        """Back from the confirmation to the form, with what was typed."""
        action = self.form.action
        self.form = ActionForm(case=self.case, action=action)
        for name in self.form.fields:
            if name in data:
                values = data.getlist(name)
                self.form.initial[name] = values if name == "requested" else values[-1]
        return self._render(self.form_template)

    def _confirm(self):
        try:
            preview = services.case_preview(
                self.case.pk,
                actor=self.request.user,
                action=self.form.cleaned_data["action"],
                **self.form.inputs(),
            )
        except workflow.TransitionError as refused:
            self.form.add_error(None, str(refused))
            return self._render(self.form_template)
        return self._render(
            self.confirm_template,
            preview=preview,
            # Our own template, rendered with autoescaping: safe to embed.
            output_body=mark_safe(_document_body(preview.output_html)),
            carried=self._carried_fields(),
            preview_url=reverse(
                "procedures_admin_action_preview",
                args=[self.case.radicado, self.form.action.value],
            ),
        )

    def _carried_fields(self) -> list[tuple[str, str]]:
        """The form's values as hidden inputs of the confirmation form."""
        carried = []
        for name in self.form.fields:
            if name in self.form.CONFIRMATION_FIELDS:
                continue
            for value in (
                self.form.data.getlist(name)
                if hasattr(self.form.data, "getlist")
                else [self.form.data.get(name, "")]
            ):
                carried.append((name, value))
        return carried

    def _stale(self, data) -> bool:
        version = data.get("version", "")
        return (
            data.get("action") in workflow.Action.values
            and version.isdigit()
            and int(version) != self.case.version
        )

    def _act_refused(self, action: str, version: int):
        """The service's refusal of a stale version (it records the conflict)."""
        try:
            services.case_act(
                self.case.pk,
                actor=self.request.user,
                action=action,
                expected_version=version,
            )
        except services.CaseConflict as refused:
            return self._conflict(workflow.Action(action), refused)
        raise AssertionError("case_act accepted a stale version")

    def _conflict(self, action: workflow.Action, refused: Exception):
        if services.case_repeated_act(
            self.case, actor=self.request.user, action=action
        ):
            messages.warning(
                self.request,
                _(
                    "«%(action)s» ya quedó registrado con su primer envío; no se "
                    "registró dos veces."
                )
                % {"action": action.label},
            )
        else:
            messages.error(self.request, str(refused))
        return self._back_to_case()

    def _act(self):
        data = self.form.cleaned_data
        action = workflow.Action(data["action"])
        try:
            acted = services.case_act(
                self.case.pk,
                actor=self.request.user,
                action=action,
                expected_version=data["version"],
                **self.form.inputs(),
            )
        except services.CaseConflict as refused:
            return self._conflict(action, refused)
        except workflow.TransitionError as refused:
            self.form.add_error(None, str(refused))
            return self._render(self.form_template)
        target = acted.remission
        if target is not None:
            messages.success(
                self.request,
                _("Remitido a %(entity)s con radicado %(radicado)s.")
                % {"entity": target.entity.name, "radicado": target.radicado},
            )
        else:
            messages.success(
                self.request,
                _("Acción registrada: %(action)s.") % {"action": action.label},
            )
        return self._back_to_case()


@method_decorator(never_cache, name="dispatch")
class OutputPreviewView(CaseScopedMixin, TemplateView):
    """The output document an approval would issue, as a PDF rendered for this
    request and never stored; the query string carries the action's form."""

    def get(self, request, radicado, action):
        case = self.get_case(Case.objects.select_related(*CASE_RELATIONS))
        form = ActionForm(
            {**request.GET.dict(), "action": action, "version": case.version},
            case=case,
        )
        if not (form.transition and form.transition.needs_output and form.is_valid()):
            messages.error(request, _("Esta acción no emite un documento de salida."))
            return redirect("procedures_admin_case", radicado=radicado)
        try:
            preview = services.case_preview(
                case.pk, actor=request.user, action=action, **form.inputs()
            )
        except workflow.TransitionError as refused:
            messages.error(request, str(refused))
            return redirect("procedures_admin_case", radicado=radicado)
        response = HttpResponse(
            case_pdfs.output_preview_pdf(preview.case), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'inline; filename="vista-previa-{case.radicado}.pdf"'
        )
        response["Cache-Control"] = "no-store"
        return response
