"""Open data: every published procedure as CSV and JSON (Ley 1712 de 2014)."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from audit.exports import spreadsheet_safe

from . import search_log
from .exports import EXPORT_COLUMNS, export_rows

SEARCH_REPORT_PERMISSION = "catalog.view_searchqueryday"


@require_GET
def procedures_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tramites.csv"'
    response.write("\ufeff")  # BOM: spreadsheets then read the accents right.
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    for row in export_rows(request):
        writer.writerow([spreadsheet_safe(row[column]) for column in EXPORT_COLUMNS])
    return response


@require_GET
def procedures_json(request):
    rows = list(export_rows(request))
    response = JsonResponse(
        {"count": len(rows), "procedures": rows},
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def search_report(request):
    """Editors' report: what people searched in the last 30 days, and what found
    nothing (to add a synonym, a promotion or the missing procedure)."""
    if not request.user.has_perm(SEARCH_REPORT_PERMISSION):
        raise PermissionDenied
    return TemplateResponse(
        request, "catalog/admin/search_report.html", search_log.report()
    )
