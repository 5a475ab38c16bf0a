"""Citizen pages: file a procedure online, "Mis trámites", a case, its documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from catalog.models import ProcedurePage

from . import services, workflow
from .accounts import AccountError
from .applicant import applicant_update_profile
from .forms import AnswerForm, FilingForm
from .models import Case, CaseDocument

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
    form = FilingForm(
        procedure, request.POST or None, request.FILES or None, applicant=request.user
    )
    if request.method == "POST" and form.is_valid():
        if form.wants_profile_update and form.profile_changes():
            try:
                applicant_update_profile(request.user, form.cleaned_data)
            except AccountError as refused:
                form.add_error(
                    f"solicitante_{APPLICANT_FIELD[refused.field]}", refused.error
                )
                return render(
                    request,
                    "procedures/file_case.html",
                    {"procedure": procedure, "form": form},
                )
        case, _created = services.case_file(
            procedure=procedure,
            applicant=request.user,
            answers=form.answers(),
            documents=form.validated_documents,
            submission_token=form.cleaned_data["submission_token"],
        )
        return redirect("mis_tramites:case", radicado=case.radicado)
    return render(
        request, "procedures/file_case.html", {"procedure": procedure, "form": form}
    )


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
    context = {
        "case": case,
        "documents": case.documents.all(),
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
