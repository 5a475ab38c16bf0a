"""Formaliza tu empresa: the wizard, the application page, receipt and payment."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import View

from . import (
    ciiu,
    fees,
    forms,
    mapping,
    obligations,
    payments,
    registry,
    review,
    services,
)
from .access_log import application_access_log
from .models import Application, Draft, Payment
from .progress import Progress
from .steps import BY_SLUG, REVIEW, STEPS
from .storage import DraftStorage

DONE = "enviar"
# A "Cambiar" link of the review page: the step, once saved, leads back to it.
RETURN = "volver"
# The session remembers the radicado just submitted: its page opens with the panel.
JUST_SUBMITTED = "formaliza_enviada"


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
class FormalizationWizard(View):
    """One step of a run over ``steps.STEPS``: GET shows it, POST saves it and moves
    on, goes back (``wizard_goto_step``), or submits the run after the last step.

    A step posted names itself in ``formaliza_<run>-current_step``, as formtools'
    management form did; the URL's step only matters for GET."""

    def dispatch(self, request, run_id, step=None):
        with transaction.atomic():
            drafts = Draft.objects.filter(owner=request.user)
            if request.method == "POST":
                # Posts of one run take turns: 20 parallel final posts submit once.
                drafts = drafts.select_for_update()
            self.draft = get_object_or_404(drafts, run_id=run_id)
            if self.draft.submitted_at is not None:
                return redirect(
                    "formalization:application",
                    radicado=self.draft.application.radicado,
                )
            self.storage = DraftStorage(self.draft)
            self.progress = Progress(self.storage)
            self._evaluate()
            response = super().dispatch(request, step)
            self.storage.save()
        return response

    def _evaluate(self):
        """Validate every stored step again (bench/wizard times this per request)."""
        self.progress.update()

    def url(self, step):
        return reverse(
            "formalization:step", kwargs={"run_id": self.draft.run_id, "step": step}
        )

    # -- GET ---------------------------------------------------------------------------

    def get(self, request, step=None):
        progress = self.progress
        if step is None:
            return redirect(self.url(self.storage.current_step or progress.active[0]))
        if step == DONE:
            # Only the last step's POST submits.
            return redirect(self.url(progress.first_incomplete() or STEPS[-1].slug))
        if step not in progress.active:
            # An unknown or skipped step name goes back to the first step.
            self.storage.current_step = progress.active[0]
            return redirect(self.url(progress.active[0]))
        if not progress.reachable(step):
            return redirect(self.url(progress.first_incomplete()))
        self.storage.current_step = step
        return self.render(step, progress.form(step, self.storage.step_data(step)))

    def returning(self, step) -> bool:
        """The step was opened from the review page's "Cambiar"."""
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        return data.get(RETURN) == REVIEW and self.progress.is_before(step, REVIEW)

    # -- POST --------------------------------------------------------------------------

    def post(self, request, step=None):
        goto = request.POST.get("wizard_goto_step")
        if goto:
            return self.go_back(goto)
        posted = request.POST.get(f"formaliza_{self.draft.run_id.hex}-current_step")
        if posted not in self.progress.active:
            return _bad_request(request)
        if not self.progress.reachable(posted):
            if all(
                self.storage.step_data(s) is not None
                for s in self.progress.earlier(posted)
            ):
                # Every earlier step was answered, but one no longer passes (e.g. its
                # business name was registered meanwhile): back to it, not a 400.
                return self.revise(self.progress.first_incomplete())
            return _bad_request(request)
        return self.save(posted)

    def go_back(self, goto):
        """'Anterior' (or any step already reachable): no answer is saved."""
        if not self.progress.reachable(goto):
            return _bad_request(self.request)
        current = self.storage.current_step
        if self.progress.is_before(goto, current):
            services.draft_went_back(
                self.draft, from_step=current, to_step=goto, user=self.request.user
            )
        self.storage.current_step = goto
        return redirect(self.url(goto))

    def revise(self, step):
        messages.error(
            self.request, _("Revise este paso: algunos datos cambiaron o faltan.")
        )
        self.storage.current_step = step
        return redirect(self.url(step))

    def save(self, step):
        """Keep a valid step (with an audit event when its answers changed, and once
        for a step without typed answers), then show the next or submit."""
        form = self.progress.form(step, self.request.POST, self.request.FILES)
        self.storage.current_step = step
        if not form.is_valid():
            return self.render(step, form)
        before, data = self.storage.raw_step(step), _step_data(form)
        if isinstance(form, forms.DocumentsForm) and form.validated:
            services.draft_documents_store(
                self.draft, form.validated, user=self.request.user
            )
            self.progress.documents_changed()
        if data != before or self.storage.step_data(step) is None:
            services.draft_step_saved(
                self.draft,
                step=step,
                before=_answers_only(before),
                after=_answers_only(data),
                user=self.request.user,
            )
        self.storage.set_step_data(step, data)
        self._evaluate()
        next_step = self.progress.after(step)
        if next_step is None:
            return self.submit()
        if self.returning(step):
            return self.back_to_review()
        self.storage.current_step = next_step
        return redirect(self.url(next_step))

    def back_to_review(self):
        """After a "Cambiar": straight back to the review, unless the change made a
        step apply (or fail) that has no valid answers yet: that one first, still on
        the way back."""
        incomplete = self.progress.first_incomplete()
        if incomplete is not None and self.progress.is_before(incomplete, REVIEW):
            self.storage.current_step = incomplete
            return redirect(f"{self.url(incomplete)}?{RETURN}={REVIEW}")
        self.storage.current_step = REVIEW
        return redirect(self.url(REVIEW))

    def submit(self):
        """Every step passed again just now: file the application once."""
        incomplete = self.progress.first_incomplete()
        if incomplete is not None:
            return self.revise(incomplete)
        try:
            application, _created = services.application_submit(
                draft=self.draft, answers=self.progress.answers, user=self.request.user
            )
        except services.SubmissionError as error:
            messages.error(self.request, str(error))
            return redirect(self.url("resumen"))
        self.request.session[JUST_SUBMITTED] = application.radicado
        return redirect("formalization:application", radicado=application.radicado)

    # -- the page ------------------------------------------------------------------------

    def render(self, step, form):
        return TemplateResponse(
            self.request, "formalization/step.html", self.get_context_data(step, form)
        )

    def get_context_data(self, current, form):
        progress = self.progress
        index = progress.active.index(current)
        context = {
            "form": form,
            "draft": self.draft,
            "step": BY_SLUG[current],
            "step_number": index + 1,
            "step_total": len(progress.active),
            "progress": [
                {
                    "slug": slug,
                    "title": BY_SLUG[slug].title,
                    "done": slug in progress.cleaned,
                    "current": slug == current,
                    "reachable": progress.reachable(slug),
                }
                for slug in progress.active
            ],
            "previous_step": progress.active[index - 1] if index else None,
            "returning": self.returning(current),
            "review_url": self.url(REVIEW),
        }
        if current == REVIEW:
            context["sections"] = [
                (section, self.url(section.slug))
                for section in review.review_sections(progress, BY_SLUG)
            ]
        if current == "empresa":
            context["activities"] = ciiu.activities().values()
        if current in ("resumen", "confirmacion"):
            # Both need the total (the button says "Enviar y pagar"); only the
            # summary shows the procedures and the fees.
            context.update(_summary(progress.before[current]))
        if current == "confirmacion":
            context["privacy_notice_version"] = settings.PRIVACY_NOTICE_VERSION
        return context


def _summary(answers: dict) -> dict:
    """What the summary shows: procedures that apply and why, fees, affiliations."""
    context = {"choices": mapping.affiliation_choices(answers)}
    try:
        verdicts = registry.evaluate(answers)
        codes = [v.code for v in verdicts if v.applies]
        breakdown = fees.fee_breakdown(answers, codes, on=timezone.localdate())
    except fees.ParameterMissing as missing:
        # No estimate in last year's money: say so instead of failing.
        context["money_missing"] = missing
    else:
        named = review.procedure_names(v.code for v in verdicts)
        summary = fees.fee_summary(breakdown, codes)
        context["applicable"] = [
            (named[v.code], v.reason) for v in verdicts if v.applies
        ]
        context["not_applicable"] = [
            (named[v.code], v.reason) for v in verdicts if not v.applies
        ]
        context["verdicts"] = verdicts
        context["applicable_count"] = len(codes)
        context["fees"] = breakdown
        context["fee_lines"] = [(named[line.code], line) for line in breakdown.lines]
        context["fee_summary"] = {
            "total": summary.total_online,
            "payable": [named[code] for code in summary.payable],
            "free": [named[code] for code in summary.free],
            "unconfirmed": [named[code] for code in summary.unconfirmed],
        }
    return context


def _step_data(form) -> dict[str, list]:
    """The raw POST of the step's own fields: no CSRF token, management data or
    made-up keys."""
    names = {
        form.add_prefix(name) + suffix
        for name, field in form.fields.items()
        # A day/month/year date posts one box per part (or, from an older page,
        # one value under its own name).
        for suffix in ["", *getattr(field.widget, "widgets_names", ())]
    }
    data = {key: values for key, values in form.data.lists() if key in names}
    if any("\x00" in value for values in data.values() for value in values):
        # A field that ignores its text (a checkbox) let a NUL through:
        # PostgreSQL refuses it in JSON, so it is a bad request, not a 500.
        raise SuspiciousOperation("NUL character in wizard step data")
    return data


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
    just_submitted = request.session.pop(JUST_SUBMITTED, None) == radicado
    services.application_viewed(application, user=request.user)
    return render(
        request,
        "formalization/application.html",
        {
            "application": application,
            "items": items,
            "tasks": review.task_list(items),
            "just_submitted": just_submitted,
            "obligations": obligations.calendar_for(application),
            "pending_payment": application.payments.filter(
                status=Payment.Status.PENDING
            ).first(),
            "access_log": application_access_log(application, items),
            "show_file": True,
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


wizard = FormalizationWizard.as_view()
