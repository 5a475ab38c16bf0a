"""Open data: every published procedure as CSV and JSON (Ley 1712 de 2014)."""

import csv

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from audit.exports import spreadsheet_safe

from .exports import EXPORT_COLUMNS, export_rows


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
