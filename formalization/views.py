"""Formaliza tu empresa: the wizard, the application page, receipt and payment."""

from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import TemplateView

from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlWizardView, StepsHelper

from . import ciiu, fees, forms, mapping, obligations, payments, registry, services
from .models import Application, Draft, Payment
from .steps import BY_SLUG, STEPS
from .storage import DraftStorage

DONE = "enviar"


def _bad_request(request):
    return HttpResponseBadRequest(
        render_to_string("formalization/bad_request.html", request=request)
    )


@never_cache
@require_http_methods(["GET", "POST"])
def start(request):
    """The landing page: what the wizard does, the user's drafts and applications."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        draft = services.draft_start(request.user)
        return redirect("formalization:step", run_id=draft.run_id, step=STEPS[0].slug)
    drafts = applications = ()
    if request.user.is_authenticated:
        drafts = Draft.objects.filter(
            owner=request.user, submitted_at__isnull=True
        ).order_by("-updated_at")[:10]
        applications = Application.objects.filter(applicant=request.user).order_by(
            "-submitted_at"
        )[:10]
    return render(
        request,
        "formalization/start.html",
        {"drafts": drafts, "applications": applications, "steps": STEPS},
    )


@method_decorator([never_cache, login_required], name="dispatch")
class FormalizationWizard(NamedUrlWizardView):
    form_list = [(step.slug, step.form) for step in STEPS]
    template_name = "formalization/step.html"
    _documents_version = 0

    # -- run and storage -------------------------------------------------------

    def dispatch(self, request, *args, **kwargs):
        with transaction.atomic():
            drafts = Draft.objects.filter(owner=request.user)
            if request.method == "POST":
                # Posts of one run take turns: 20 parallel final posts submit once.
                drafts = drafts.select_for_update()
            self.draft = get_object_or_404(drafts, run_id=kwargs["run_id"])
            if self.draft.submitted_at is not None:
                return redirect(
                    "formalization:application",
                    radicado=self.draft.application.radicado,
                )
            self.prefix = f"formaliza_{self.draft.run_id.hex}"
            self.storage = DraftStorage(self.prefix, request, draft=self.draft)
            self.steps = StepsHelper(self)
            response = TemplateView.dispatch(self, request, *args, **kwargs)
            if self.storage.changed:
                Draft.objects.filter(pk=self.draft.pk).update(
                    data=self.storage.data, updated_at=timezone.now()
                )
        return response

    def get_step_url(self, step):
        return reverse(
            "formalization:step", kwargs={"run_id": self.draft.run_id, "step": step}
        )

    # -- which steps are shown, and what is known before each -------------------

    def _evaluate(self):
        answers, active, cleaned, before = {}, [], {}, {}
        for step in STEPS:
            if not step.shown(answers):
                continue
            active.append(step.slug)
            before[step.slug] = dict(answers)
            data = self.storage.get_step_data(step.slug)
            if data is None:
                continue
            result = self._validate(step, data, answers)
            if result is not None:
                cleaned[step.slug] = result
                answers.update(result)
        self._resolved_form_list = OrderedDict(
            (slug, self.form_list[slug]) for slug in active
        )
        self._cache_signature = None
        self._answers, self._before, self._cleaned = answers, before, cleaned

    def _validate(self, step, data, answers) -> dict | None:
        """A stored step's cleaned data, or None if it no longer validates. Memoized per
        request on (data, earlier answers): formtools re-resolves the step list after
        every save, and only the steps whose inputs changed need validating again."""
        key = (
            step.slug,
            repr(sorted(data.lists())),
            repr(sorted(answers.items())),
            self._documents_version if step.form is forms.DocumentsForm else 0,
        )
        memo = self.__dict__.setdefault("_validated", {})
        if key not in memo:
            form = step.form(
                data=data, prefix=step.slug, answers=dict(answers), draft=self.draft
            )
            memo[key] = form.cleaned_data if form.is_valid() else None
        return memo[key]

    def get_form_list(self):
        if getattr(self, "_resolved_form_list", None) is None:
            self._evaluate()
        return self._resolved_form_list

    def get_all_cleaned_data(self):
        self.get_form_list()
        return dict(self._answers)

    def first_incomplete(self) -> str | None:
        for slug in self.get_form_list():
            if slug not in self._cleaned:
                return slug
        return None

    def _reachable(self, slug: str) -> bool:
        """A step can be shown or posted once every step before it is complete."""
        form_list = list(self.get_form_list())
        if slug not in form_list:
            return False
        return all(s in self._cleaned for s in form_list[: form_list.index(slug)])

    def get_form_kwargs(self, step=None):
        self.get_form_list()
        step = step or self.steps.current
        return {"answers": self._before.get(step, self._answers), "draft": self.draft}

    def get_form_step_data(self, form):
        # Only this step's fields: no CSRF token, management data or made-up keys.
        names = {form.add_prefix(name) for name in form.fields}
        data = {key: values for key, values in form.data.lists() if key in names}
        if any("\x00" in value for values in data.values() for value in values):
            # A field that ignores its text (a checkbox) let a NUL through:
            # PostgreSQL refuses it in JSON, so it is a bad request, not a 500.
            raise SuspiciousOperation("NUL character in wizard step data")
        return data

    def get_form_step_files(self, form):
        return {}

    # -- requests ----------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        step = kwargs.get("step")
        if (
            step
            and step != DONE
            and step in self.get_form_list()
            and not self._reachable(step)
        ):
            return redirect(self.get_step_url(self.first_incomplete()))
        return super().get(request, *args, **kwargs)

    def post(self, *args, **kwargs):
        form_list = self.get_form_list()
        goto = self.request.POST.get("wizard_goto_step")
        if goto:
            if not self._reachable(goto):
                return _bad_request(self.request)
            current = self.storage.current_step
            if current in form_list and list(form_list).index(goto) < list(
                form_list
            ).index(current):
                services.draft_went_back(
                    self.draft, from_step=current, to_step=goto, user=self.request.user
                )
            return self.render_goto_step(goto)
        management = ManagementForm(self.request.POST, prefix=self.prefix)
        if not management.is_valid():
            return _bad_request(self.request)
        step = management.cleaned_data["current_step"]
        if step not in form_list:
            return _bad_request(self.request)
        if not self._reachable(step):
            earlier = list(form_list)[: list(form_list).index(step)]
            if all(self.storage.get_step_data(s) is not None for s in earlier):
                # Every earlier step was answered, but one no longer passes (e.g. its
                # business name was registered meanwhile): back to it, as formtools'
                # revalidation does, instead of a bad request.
                messages.error(
                    self.request,
                    _("Revise este paso: algunos datos cambiaron o faltan."),
                )
                return self.render_revalidation_failure(self.first_incomplete(), None)
            return _bad_request(self.request)
        self._posted_step, self._before_raw = step, self.storage.raw_step(step)
        # A step without typed answers (documents, summary) is recorded once too.
        self._first_save = self.storage.get_step_data(step) is None
        return super().post(*args, **kwargs)

    def process_step(self, form):
        data = self.get_form_step_data(form)
        if isinstance(form, forms.DocumentsForm) and form.validated:
            services.draft_documents_store(
                self.draft, form.validated, user=self.request.user
            )
            self._documents_version += 1
        if data != self._before_raw or self._first_save:
            services.draft_step_saved(
                self.draft,
                step=self._posted_step,
                before=_answers_only(self._before_raw),
                after=_answers_only(data),
                user=self.request.user,
            )
        return data

    def render_done(self, form, **kwargs):
        if self.request.method != "POST":
            return redirect(
                self.get_step_url(self.first_incomplete() or STEPS[-1].slug)
            )
        self._evaluate()
        incomplete = self.first_incomplete()
        if incomplete is not None:
            messages.error(
                self.request, _("Revise este paso: algunos datos cambiaron o faltan.")
            )
            return self.render_revalidation_failure(incomplete, None)
        try:
            application, _created = services.application_submit(
                draft=self.draft, answers=self._answers, user=self.request.user
            )
        except services.SubmissionError as error:
            messages.error(self.request, str(error))
            return redirect(self.get_step_url("resumen"))
        return redirect("formalization:application", radicado=application.radicado)

    # -- page context -------------------------------------------------------------

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        form_list = list(self.get_form_list())
        current = self.steps.current
        context.update(
            {
                "draft": self.draft,
                "step": BY_SLUG[current],
                "step_number": form_list.index(current) + 1,
                "step_total": len(form_list),
                "progress": [
                    {
                        "slug": slug,
                        "title": BY_SLUG[slug].title,
                        "done": slug in self._cleaned,
                        "current": slug == current,
                        "reachable": self._reachable(slug),
                    }
                    for slug in form_list
                ],
                "previous_step": form_list[form_list.index(current) - 1]
                if form_list.index(current) > 0
                else None,
            }
        )
        if current == "empresa":
            context["activities"] = ciiu.activities().values()
        if current in ("resumen", "confirmacion"):
            answers = self._before.get(current, self._answers)
            context["choices"] = mapping.affiliation_choices(answers)
            try:
                verdicts = registry.evaluate(answers)
                codes = [v.code for v in verdicts if v.applies]
                breakdown = fees.fee_breakdown(answers, codes, on=timezone.localdate())
            except fees.ParameterMissing as missing:
                # No estimate in last year's money: say so instead of failing.
                context["money_missing"] = missing
            else:
                context["verdicts"] = verdicts
                context["applicable_count"] = len(codes)
                context["fees"] = breakdown
        if current == "confirmacion":
            from django.conf import settings

            context["privacy_notice_version"] = settings.PRIVACY_NOTICE_VERSION
        return context


def _answers_only(raw: dict) -> dict:
    """Step data as the audit stores it: field name to value, without the prefix."""
    return {
        key.split("-", 1)[1]: values[0] if len(values) == 1 else values
        for key, values in raw.items()
    }


def _visible_application(request, radicado) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "draft", "applicant"
        ),
        radicado=radicado,
    )


@never_cache
@login_required
def application_detail(request, radicado):
    application = _visible_application(request, radicado)
    items = list(
        application.items.select_related("procedure__entity", "case").order_by("order")
    )
    for item in items:
        item.chosen = mapping.chosen_administrator(item.code, application.answers)
    return render(
        request,
        "formalization/application.html",
        {
            "application": application,
            "items": items,
            "obligations": obligations.calendar_for(application),
            "pending_payment": application.payments.filter(
                status=Payment.Status.PENDING
            ).first(),
        },
    )


@never_cache
@login_required
def application_receipt(request, radicado):
    application = _visible_application(request, radicado)
    if not application.receipt:
        from procedures.enqueue import enqueue

        from . import tasks

        # The sweep renders it too; this only hurries it (and may fail harmlessly).
        enqueue(tasks.render_application_receipt, application.pk)
        messages.info(
            request,
            _(
                "El acuse de recibo se está generando. Vuelva a intentarlo en un momento."
            ),
        )
        return redirect("formalization:application", radicado=radicado)
    return FileResponse(
        application.receipt.open("rb"),
        as_attachment=True,
        filename=f"acuse-{application.radicado}.pdf",
        content_type="application/pdf",
    )


@never_cache
@login_required
@require_POST
def payment_start(request, radicado):
    application = get_object_or_404(
        Application.objects.filter(applicant=request.user), radicado=radicado
    )
    try:
        payment = payments.payment_start(application)
    except payments.InvalidNotice:
        messages.info(request, _("Esta solicitud no tiene pagos pendientes."))
        return redirect("formalization:application", radicado=radicado)
    return redirect(payments.provider(payment.provider).checkout_url(payment))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def sandbox_bank(request, reference):
    """The sandbox's stand-in for the bank's PSE page."""
    payment = get_object_or_404(
        Payment.objects.select_related("application").filter(
            application__applicant=request.user
        ),
        reference=reference,
    )
    if request.method == "POST" and payment.status == Payment.Status.PENDING:
        provider = payments.provider(payment.provider)
        body = provider.notice_body(
            payment, approved=request.POST.get("decision") == "aprobar"
        )
        # What PSE does server to server; the notice takes the same path as a webhook.
        payments.payment_notice(payment.provider, body, provider.sign(body))
        payment.refresh_from_db()
        if payment.status == Payment.Status.APPROVED:
            messages.success(
                request, _("Pago aprobado. Sus trámites se están radicando.")
            )
        else:
            messages.error(
                request, _("El banco rechazó el pago. Puede intentarlo de nuevo.")
            )
        return redirect(
            "formalization:application", radicado=payment.application.radicado
        )
    return render(request, "formalization/sandbox_bank.html", {"payment": payment})


@csrf_exempt
@require_POST
def payment_notice(request, provider_name):
    """Server-to-server notice from the payment provider (signed; replay-safe)."""
    if provider_name not in payments.PROVIDERS:
        raise Http404
    try:
        payments.payment_notice(
            provider_name,
            request.body,
            request.META.get(payments.SIGNATURE_HEADER, ""),
        )
    except payments.InvalidNotice:
        return HttpResponseBadRequest("aviso rechazado")
    return HttpResponse("ok")


wizard = FormalizationWizard.as_view(url_name="formalization:step", done_step_name=DONE)
