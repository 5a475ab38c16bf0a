"""The auditor console in the Wagtail admin: search, timelines, integrity, exports.

Auditors only read. Every look at the trail is itself recorded, on the auditor's
own access chain.
"""

import json
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import record
from .exports import history_csv, render_pdf
from .forms import EventSearchForm
from .models import ChainHead, Checkpoint
from .presentation import present_all
from .registry import registry
from .selectors import chain_events, chain_summary, search_events
from .verify import verify

PERMISSION = "audit.audit_trail"


def auditor_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _record_access(request, action: str, subject: str, **details) -> None:
    record(
        action=action,
        subject_type="audit",
        subject_id=subject[:64],
        chain_key=f"access:{request.user.pk}",
        details=details,
    )


@auditor_required
def index(request):
    form = EventSearchForm(request.GET or None)
    page = None
    if form.has_criteria():
        page = Paginator(search_events(form), 50).get_page(request.GET.get("p"))
        page.object_list = present_all(page.object_list)
        _record_access(
            request,
            "audit.viewed",
            "search",
            query={k: str(v) for k, v in form.cleaned_data.items() if v},
        )
    context = {
        "form": form,
        "page": page,
        "n_chains": ChainHead.objects.count(),
        "last_checkpoint": Checkpoint.objects.order_by("-id").first(),
    }
    return render(request, "audit/admin/index.html", context)


def _covering_checkpoint(chain_key: str) -> Checkpoint | None:
    """The latest signed checkpoint, if it includes this chain (else None)."""
    last = Checkpoint.objects.order_by("-id").first()
    if last is not None and chain_key in json.loads(last.heads):
        return last
    return None


@auditor_required
def timeline(request, chain_key):
    rows = list(chain_events(chain_key))
    if not rows:
        raise Http404
    events = present_all(rows)
    report = verify(chain_key)
    _record_access(request, "audit.viewed", chain_key)
    context = {
        "chain_key": chain_key,
        "events": events,
        "report": report,
        "checkpoint": _covering_checkpoint(chain_key),
    }
    # Sections that other apps register for a chain (see audit.registry).
    context["panels"] = []
    for panel in registry.timeline_panels():
        panel_context = panel.get_context(rows, request)
        if panel_context is not None:
            context[panel.name] = panel_context
            context["panels"].append(panel.template_name)
    return render(request, "audit/admin/timeline.html", context)


@auditor_required
@require_http_methods(["GET", "POST"])
def integrity(request):
    report = None
    if request.method == "POST":
        report = verify()
        _record_access(
            request, "audit.verified", "all", ok=report.ok, events=report.events
        )
    return render(
        request,
        "audit/admin/integrity.html",
        {"report": report, "chains": chain_summary()},
    )


@auditor_required
def export(request, chain_key, fmt):
    if fmt not in ("csv", "pdf"):
        raise Http404
    events = present_all(chain_events(chain_key))
    if not events:
        raise Http404
    _record_access(request, "audit.exported", chain_key, format=fmt)
    filename = f"auditoria-{slugify(chain_key.replace(':', '-'))}"
    if fmt == "csv":
        response = HttpResponse(
            history_csv(events), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    report = verify(chain_key)
    _html, pdf = render_pdf(
        "audit/pdf/history.html",
        {
            "chain_key": chain_key,
            "events": events,
            "report": report,
            "checkpoint": _covering_checkpoint(chain_key),
            "title": _("Historial de auditoría"),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response
