"""The officers' queue with the changes this benchmark proposes, to measure them.

Applied on 2026-11-24: the three changes below are now in procedures/models.py and
procedures/admin_views.py, so this module only mirrors the app. It stays as the
template for measuring the next proposal, and runs only with ``run.py --what-if``.

NOT application code: ``officer_queue.py --what-if`` installs these in its own process
(before the first request resolves the admin URLs) and measures the same URLs, and
checks that every page lists the same cases in the same order as the app's view.
The proposed patch, against procedures/models.py and procedures/admin_views.py:

1. ``CaseQuerySet.open()``: ``filter(status__in=OPEN_STATUSES)`` instead of
   ``exclude(status__in=FINAL_STATUSES)``. Same rows (status always has one of the
   choices), but ``status = ANY(...)`` is an index condition on ``case_queue``
   (entity, status, due_date): PostgreSQL reads the entity's ~1,000 open cases
   instead of all ~30,000 of its cases, scattered over the heap.
2. ``CaseQuerySet.in_queue_of()``: the officer's entity ids first (one small query),
   then ``entity_id IN (...)``: the planner sees the actual entity (and its share of
   the table) instead of a semi-join it must guess, and picks the ordered index
   scan for the status filters (no sort of 20,000 approved cases).
3. ``admin_views.queue``: ``select_related("procedure", "assigned_to")`` with
   ``only()`` of what the template shows. Today every row carries its whole
   ProcedurePage (~11 kB: eight StreamFields, parsed for each of the 50 rows) and
   an Entity nobody displays.
"""

from django.core.paginator import Paginator
from django.shortcuts import render

from procedures import admin_views, calendar, workflow
from procedures.models import Case, CaseQuerySet

OPEN_STATUSES = [s.value for s in workflow.Status if s not in workflow.FINAL_STATUSES]
QUEUE_COLUMNS = (
    "radicado",
    "status",
    "due_date",
    "procedure__title",
    "assigned_to__username",
)


def in_queue_of(self, user):
    if user is None or not user.is_authenticated or not user.is_active:
        return self.none()
    from catalog.models import Entity

    entity_ids = list(
        Entity.objects.filter(officer_group__in=user.groups.all()).values_list(
            "pk", flat=True
        )
    )
    return self.filter(entity_id__in=entity_ids)


def open_cases(self):
    return self.filter(status__in=OPEN_STATUSES)


def queue(request):
    """admin_views.queue with change 3 (and 1, 2 through the queryset methods)."""
    if not admin_views.is_officer(request.user):
        raise admin_views.PermissionDenied
    form = admin_views.QueueFilterForm(request.GET or None)
    cases = (
        Case.objects.in_queue_of(request.user)
        .select_related("procedure", "assigned_to")
        .only(*QUEUE_COLUMNS)
        .order_by("due_date", "id")
    )
    today = admin_views._today()
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
        remaining = calendar.business_days_between(today, case.due_date)
        clock_stopped = case.status in workflow.CLOCK_STOPPED_STATUSES
        rows.append(
            {
                "case": case,
                "remaining": remaining,
                "overdue": remaining < 0 and not clock_stopped,
                "due_soon": 0 <= remaining <= admin_views.DUE_SOON_BUSINESS_DAYS
                and not clock_stopped,
                "clock_stopped": clock_stopped,
            }
        )
    return render(
        request,
        "procedures/admin/queue.html",
        {"form": form, "page": page, "rows": rows},
    )


def install() -> None:
    """Swap the proposed code in, in this process only (before any request)."""
    CaseQuerySet.in_queue_of = in_queue_of
    CaseQuerySet.open = open_cases
    admin_views.queue = queue
