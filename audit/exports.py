"""Exports of a subject's history: CSV safe for spreadsheets, and a WeasyPrint PDF."""

import csv
import io

from django.template.loader import render_to_string

from .presentation import EventView

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = [
    ("seq", "Secuencia"),
    ("at_bogota", "Fecha y hora (Bogotá)"),
    ("actor", "Actor"),
    ("role", "Rol"),
    ("action", "Acción"),
    ("action_label", "Descripción"),
    ("subject", "Sujeto"),
    ("radicado", "Radicado"),
    ("result_label", "Resultado"),
    ("reason", "Motivo"),
    ("changes", "Cambios"),
    ("ip", "IP"),
    ("user_agent", "Navegador"),
    ("request_id", "Solicitud"),
    ("origin", "Origen"),
    ("hash", "Hash"),
]


def spreadsheet_safe(value) -> str:
    """A cell that spreadsheets never evaluate as a formula."""
    if isinstance(value, list):
        value = " | ".join(str(item) for item in value)
    elif isinstance(value, bool):
        value = "sí" if value else "no"
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def history_csv(events: list[EventView]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _, label in CSV_COLUMNS])
    for event in events:
        row = []
        for name, _label in CSV_COLUMNS:
            value = getattr(event, name)
            if name == "changes":
                value = [f"{c.label}: {c.before} → {c.after}" for c in value]
            row.append(spreadsheet_safe(value))
        writer.writerow(row)
    return "\ufeff" + out.getvalue()


def _refuse_fetch(url: str, *args, **kwargs):
    # The PDF never loads anything: no network, no files (SSRF and file disclosure).
    raise ValueError(f"external resource refused: {url[:80]}")


def render_pdf(template_name: str, context: dict) -> tuple[str, bytes]:
    """Render a template to (html, pdf bytes); WeasyPrint is imported only here."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return html, HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
