"""The auditors' risk queue and a flag's page, in the Wagtail admin.

Auditors (the audit trail permission) read the flags and record a disposition;
they change nothing else. A flag about the person asking does not exist for them:
the queue leaves it out and its page is a 404.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

import audit
from audit.views import auditor_required

from . import scan, selectors, thresholds
from .forms import DispositionForm, RiskQueueFilterForm
from .services import DispositionRefused, flag_dispose

PAGE_SIZE = 50


@auditor_required
def risk_queue(request):
    form = RiskQueueFilterForm(request.GET)
    flags = selectors.visible_flags(request.user)
    if form.is_valid():
        flags = selectors.filter_flags(flags, form.cleaned_data)
    else:
        flags = flags.none()
    page = Paginator(selectors.in_queue_order(flags), PAGE_SIZE).get_page(
        request.GET.get("p")
    )
    page.object_list = selectors.label_flags(page.object_list)
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "oversight/admin/queue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "scanned": selectors.scan_position(),
        },
    )


@auditor_required
@require_http_methods(["POST"])
def risk_scan_now(request):
    """Read the events appended since the last scan now, instead of waiting for
    beat (the embedded default has no beat). Reading changes no case."""
    result = scan.incremental_until_done()
    messages.success(
        request,
        _("Registro revisado: %(events)d eventos nuevos, %(created)d alertas nuevas.")
        % {"events": result.events, "created": result.created},
    )
    return redirect("oversight_risk_queue")


@auditor_required
@require_http_methods(["GET", "POST"])
def risk_flag(request, pk):
    flag = get_object_or_404(selectors.visible_flags(request.user), pk=pk)
    form = DispositionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            flag_dispose(
                flag,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DispositionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Disposición registrada."))
            return redirect("oversight_risk_flag", pk=flag.pk)
    if request.method == "GET":
        # Auditors' looks are on the trail, as in the audit console.
        audit.record(
            action="audit.viewed",
            subject_type="audit",
            subject_id=f"risk_flag:{flag.pk}",
            chain_key=f"access:{request.user.pk}",
        )
    flag.refresh_from_db()
    [flag] = selectors.label_flags([flag])
    spec = thresholds.catalogue()["detectors"].get(flag.detector, {})
    context = {
        "flag": flag,
        "spec": spec,
        "thresholds": _threshold_rows(flag),
        "events": selectors.evidence(flag),
        "form": form,
        "disposed_by_name": (
            flag.disposed_by.get_full_name() or flag.disposed_by.get_username()
            if flag.disposed_by
            else ""
        ),
    }
    return render(request, "oversight/admin/flag.html", context)


def _threshold_rows(flag) -> list[tuple[str, str]]:
    """The thresholds that applied to this flag's procedure, as the YAML says them."""
    spec = thresholds.catalogue()["detectors"].get(flag.detector)
    if not spec:
        return []
    catalogue = thresholds.catalogue()
    names = catalogue.get("threshold_labels", {})
    words = catalogue.get("value_labels", {})
    rows = []
    for name in spec.get("thresholds", {}):
        value = thresholds.value(flag.detector, name, procedure=flag.procedure_code)
        if isinstance(value, list):
            value = ", ".join(str(words.get(v, v)) for v in value if v != "") or "—"
        else:
            value = words.get(value, value)
        rows.append((names.get(name, name), str(value)))
    return rows
