"""Citizen pages: file a procedure online, "Mis trámites", a case, its documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from catalog.models import ProcedurePage

from . import drafts, services, workflow
from .forms import AnswerForm, FilingForm
from .models import Case, CaseDocument


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
    draft = drafts.draft_for(owner=request.user, procedure=procedure)
    form = FilingForm(
        procedure,
        request.POST or None,
        request.FILES or None,
        initial=dict(draft.data) if draft else None,
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            case, _created = services.case_file(
                procedure=procedure,
                applicant=request.user,
                answers=form.answers(),
                documents=form.validated_documents,
                submission_token=form.cleaned_data["submission_token"],
            )
            drafts.draft_discard(owner=request.user, procedure=procedure)
        return redirect("mis_tramites:case", radicado=case.radicado)
    return render(
        request,
        "procedures/file_case.html",
        {"procedure": procedure, "form": form, "draft": draft},
    )


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
    return render(request, "procedures/my_cases.html", {"cases": cases})


def _visible_case(request, radicado) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related(
            "procedure", "entity", "applicant"
        ),
        radicado=radicado,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request, radicado):
    case = _visible_case(request, radicado)
    answer_form = None
    if (
        case.applicant == request.user
        and case.status == workflow.Status.REQUIERE_INFORMACION
    ):
        answer_form = AnswerForm(
            request.POST or None,
            request.FILES or None,
            initial={"version": case.version},
        )
        if request.method == "POST" and answer_form.is_valid():
            try:
                services.case_act(
                    case.pk,
                    actor=request.user,
                    action=workflow.Action.ANSWER,
                    expected_version=answer_form.cleaned_data["version"],
                    reason=answer_form.cleaned_data["answer"],
                    documents=answer_form.validated_documents,
                )
            except (services.CaseConflict, workflow.TransitionError) as refused:
                messages.error(request, str(refused))
            else:
                messages.success(
                    request,
                    _("Recibimos su respuesta; la entidad continúa con su trámite."),
                )
            return redirect("mis_tramites:case", radicado=case.radicado)
    elif request.method == "POST":
        return redirect("mis_tramites:case", radicado=case.radicado)
    services.case_viewed(case, user=request.user)
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
