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
from .forms import AnswerForm, CitizenExtensionForm, FilingForm
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
    form = FilingForm(procedure, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
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
            except (services.CaseConflict, workflow.TransitionError) as refused:
                messages.error(request, str(refused))
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
    context = {
        "case": case,
        "documents": case.documents.all(),
        "answer_form": answer_form,
        "extension_form": extension_form,
        "extension_action": EXTENSION_ACTION,
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
