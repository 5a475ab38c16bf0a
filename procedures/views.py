"""Citizen pages: file a procedure online, "Mis trámites", a case, its documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.services import AccountError
from catalog import fees
from catalog.formatting import format_cop
from catalog.models import ProcedurePage

from . import drafts, payments, services, workflow
from .access_log import access_log
from .applicant import applicant_update_profile
from .forms import (
    AnswerForm,
    CitizenExtensionForm,
    FilingForm,
    IrregularityReportForm,
)
from .models import Case, CaseDocument, FilingPayment, IrregularityReport
from .sections import CASE_SECTIONS, MY_CASES_SECTIONS, page_sections
from .timeline import case_timeline

APPLICANT_FIELD = {
    "document_number": "numero_documento",
    "phone": "telefono",
    "first_name": "nombres",
    "last_name": "apellidos",
}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def file_case(request, slug):
    procedure = (
        ProcedurePage.objects.live().filter(slug=slug).select_related("entity").first()
    )
    if procedure is None or not procedure.can_file_online:
        raise Http404
    if request.method == "POST" and "guardar" in request.POST:
        return _save_draft(request, procedure)
    if request.method == "POST" and "pagar" in request.POST:
        return _start_payment(request, procedure)
    draft = drafts.draft_for(owner=request.user, procedure=procedure)
    form = FilingForm(
        procedure,
        request.POST or None,
        request.FILES or None,
        applicant=request.user,
        initial=dict(draft.data) if draft else None,
    )
    fee = fees.quote(procedure)
    paid = payments.approved_payment(owner=request.user, procedure=procedure)
    if request.method == "POST" and form.is_valid():
        if fee.payable_online and paid is None:
            form.add_error(
                None,
                _("Pague el valor del trámite (%(amount)s) antes de radicar.")
                % {"amount": fee.label},
            )
        elif _update_profile(request, form):
            case = _file(request, procedure, form, fee)
            return redirect("mis_tramites:case", radicado=case.radicado)
    return render(
        request,
        "procedures/file_case.html",
        {
            "procedure": procedure,
            "form": form,
            "draft": draft,
            "fee": fee,
            "paid": paid,
        },
    )


def _update_profile(request, form) -> bool:
    """With the citizen's consent, changed applicant facts go to their profile; a
    refused change is shown beside its field and nothing is filed."""
    if not (form.wants_profile_update and form.profile_changes()):
        return True
    try:
        applicant_update_profile(request.user, form.cleaned_data)
    except AccountError as refused:
        form.add_error(f"solicitante_{APPLICANT_FIELD[refused.field]}", refused.error)
        return False
    return True


def _file(request, procedure, form, fee):
    """File the case; a paid procedure uses up its approved payment in the same
    transaction (a second filing must pay again)."""
    with transaction.atomic():
        paid = None
        if fee.payable_online:
            paid = payments.approved_payment(
                owner=request.user, procedure=procedure, lock=True
            )
        case, created = services.case_file(
            procedure=procedure,
            applicant=request.user,
            answers=form.answers(),
            documents=form.validated_documents,
            submission_token=form.cleaned_data["submission_token"],
            fee_facts=(
                services.fee_facts(computed=fee.amount, charged=paid.amount)
                if paid is not None
                else None
            ),
        )
        if created and paid is not None:
            payments.payment_attach(paid, case, computed=fee.amount)
        drafts.draft_discard(owner=request.user, procedure=procedure)
    return case


def _start_payment(request, procedure):
    """ "Pagar con PSE": keep the answers so far, then go to the bank for the fee the
    server quotes. Nothing the browser sends sets the amount."""
    form = FilingForm(procedure)
    drafts.draft_save(
        owner=request.user,
        procedure=procedure,
        answers=drafts.draft_answers(form, request.POST),
    )
    try:
        payment = payments.filing_payment_start(owner=request.user, procedure=procedure)
    except payments.NotPayable:
        messages.info(request, _("Este trámite no se paga en línea."))
        return redirect(request.path)
    if payment.status == payments.APPROVED:
        messages.info(request, _("El pago de este trámite ya está aprobado."))
        return redirect(request.path)
    return redirect(payments.provider(payment.provider).checkout_url(payment))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def sandbox_bank(request, reference):
    """The sandbox's stand-in for the bank's PSE page, for a single filing's fee."""
    payment = get_object_or_404(
        FilingPayment.objects.select_related("procedure").filter(owner=request.user),
        reference=reference,
    )
    if request.method == "POST" and payment.status == payments.PENDING:
        provider = payments.provider(payment.provider)
        body = provider.notice_body(
            payment,
            approved=request.POST.get("decision") == "aprobar",
            payer_account=request.POST.get("payer_account", "")[:40],
        )
        # What PSE does server to server; the notice takes the same path as a webhook.
        payments.filing_payment_notice(payment.provider, body, provider.sign(body))
        payment.refresh_from_db()
        if payment.status == payments.APPROVED:
            messages.success(
                request, _("Pago aprobado. Revise sus respuestas y radique.")
            )
        else:
            messages.error(
                request, _("El banco rechazó el pago. Puede intentarlo de nuevo.")
            )
        return redirect("file_case", slug=payment.procedure.slug)
    return render(
        request,
        "procedures/sandbox_bank.html",
        {"payment": payment, "amount": format_cop(payment.amount, whole_pesos=True)},
    )


@csrf_exempt
@require_POST
def payment_notice(request, provider_name):
    """Server-to-server notice from the payment provider (signed; replay-safe)."""
    if provider_name not in payments.PROVIDERS:
        raise Http404
    try:
        payments.filing_payment_notice(
            provider_name,
            request.body,
            request.META.get(payments.SIGNATURE_HEADER, ""),
        )
    except payments.InvalidNotice:
        return HttpResponseBadRequest("aviso rechazado")
    return HttpResponse("ok")


def _save_draft(request, procedure):
    """ "Guardar y continuar después": the answers so far, without validating them."""
    form = FilingForm(procedure)
    drafts.draft_save(
        owner=request.user,
        procedure=procedure,
        answers=drafts.draft_answers(form, request.POST),
    )
    message = _(
        "Guardamos sus respuestas. Vuelva a esta página cuando quiera para terminar y radicar."
    )
    if request.FILES:
        message += " " + _(
            "Los documentos no se guardan en el borrador: adjúntelos de nuevo al radicar."
        )
    messages.success(request, message)
    return redirect(request.path)


@never_cache
@login_required
def my_cases(request):
    cases = (
        Case.objects.filter(applicant=request.user)
        .select_related("procedure", "entity")
        .order_by("-filed_at")
    )
    return render(
        request,
        "procedures/my_cases.html",
        {"cases": cases, "sections": page_sections(MY_CASES_SECTIONS, request)},
    )


def _visible_case(request, radicado) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related(
            "procedure", "entity", "applicant"
        ),
        radicado=radicado,
    )


EXTENSION_ACTION = "prorroga"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request, radicado):
    case = _visible_case(request, radicado)
    answer_form = extension_form = None
    if (
        case.applicant == request.user
        and case.status == workflow.Status.REQUIERE_INFORMACION
    ):
        asks_extension = request.POST.get("accion") == EXTENSION_ACTION
        data = request.POST or None
        answer_form = AnswerForm(
            None if asks_extension else data,
            None if asks_extension else (request.FILES or None),
            initial={"version": case.version},
            requested_documents=case.requested_documents,
        )
        if case.citizen_extension_on is None:
            extension_form = CitizenExtensionForm(
                data if asks_extension else None, initial={"version": case.version}
            )
        form = extension_form if asks_extension else answer_form
        if request.method == "POST" and form is not None and form.is_valid():
            try:
                if asks_extension:
                    services.case_act(
                        case.pk,
                        actor=request.user,
                        action=workflow.Action.REQUEST_EXTENSION,
                        expected_version=form.cleaned_data["version"],
                    )
                else:
                    services.case_act(
                        case.pk,
                        actor=request.user,
                        action=workflow.Action.ANSWER,
                        expected_version=form.cleaned_data["version"],
                        reason=form.cleaned_data["answer"],
                        documents=form.validated_documents,
                    )
            except services.CaseConflict as refused:
                messages.error(request, str(refused))
            except workflow.TransitionError as refused:
                if asks_extension:
                    messages.error(request, str(refused))
                    return redirect("mis_tramites:case", radicado=case.radicado)
                # A rule the form did not foresee: shown on the form, answers kept.
                form.add_error(None, str(refused))
                return _render_case(request, case, answer_form, extension_form)
            else:
                if asks_extension:
                    case.refresh_from_db()
                    messages.success(
                        request,
                        _("Su plazo para responder ahora vence el %(date)s.")
                        % {"date": f"{case.citizen_deadline:%d/%m/%Y}"},
                    )
                else:
                    messages.success(
                        request,
                        _(
                            "Recibimos su respuesta; la entidad continúa con su trámite."
                        ),
                    )
            return redirect("mis_tramites:case", radicado=case.radicado)
        if request.method == "POST" and asks_extension:
            return redirect("mis_tramites:case", radicado=case.radicado)
    elif request.method == "POST":
        return redirect("mis_tramites:case", radicado=case.radicado)
    services.case_viewed(case, user=request.user)
    return _render_case(request, case, answer_form, extension_form)


def _render_case(request, case, answer_form, extension_form):
    documents = list(case.documents.all())
    context = {
        "case": case,
        "documents": documents,
        "received": [d for d in documents if d.kind == CaseDocument.Kind.UPLOAD],
        "acknowledgement": next(
            (d for d in documents if d.kind == CaseDocument.Kind.ACKNOWLEDGEMENT),
            None,
        ),
        "answer_form": answer_form,
        "extension_form": extension_form,
        "extension_action": EXTENSION_ACTION,
        "sections": page_sections(CASE_SECTIONS, request, case),
        # Citizen-safe: no officer names, no internal events.
        "timeline": case_timeline(case, citizen=True),
        # Who else read or acted on the file: servants by name (issue 14 point 5).
        "access_log": access_log(case),
        # Only the applicant reads of their reports: an officer may open this page
        # too, and may be the one reported.
        "is_applicant": case.applicant_id == request.user.pk,
        "reports": (
            list(case.irregularity_reports.filter(reporter=request.user))
            if case.applicant_id == request.user.pk
            else []
        ),
    }
    return render(request, "procedures/case_detail.html", context)


@never_cache
@login_required
def document_download(request, radicado, document_id):
    case = _visible_case(request, radicado)
    document = get_object_or_404(CaseDocument, case=case, pk=document_id)
    services.document_open(document, user=request.user)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.display_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response


def _own_case(request, radicado) -> Case:
    """The case, only for its applicant: an irregularity is reported by the citizen
    it happened to (404 for everyone else, officers and auditors included)."""
    return get_object_or_404(
        Case.objects.filter(applicant=request.user).select_related(
            "procedure", "entity"
        ),
        radicado=radicado,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report_irregularity(request, radicado):
    case = _own_case(request, radicado)
    form = IrregularityReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report, _created = services.irregularity_report(
                case,
                user=request.user,
                category=form.cleaned_data["category"],
                text=form.cleaned_data["text"],
                token=form.cleaned_data["submission_token"],
            )
        except services.ReportRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect(
                "mis_tramites:report_filed",
                radicado=case.radicado,
                report=report.radicado,
            )
    return render(
        request, "procedures/report_irregularity.html", {"case": case, "form": form}
    )


@never_cache
@login_required
def report_filed(request, radicado, report):
    """The confirmation of a report (GOV.UK confirmation page)."""
    case = _own_case(request, radicado)
    report = get_object_or_404(
        IrregularityReport, case=case, reporter=request.user, radicado=report
    )
    return render(
        request,
        "procedures/report_filed.html",
        {"case": case, "report": report},
    )
