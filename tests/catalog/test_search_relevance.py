"""Issue 13 point 5: the catalog finds what entrepreneurs type.

A judged set: what people type (with and without accents, abbreviations, typos,
plurals, everyday names) and the procedure that must come first on the catalog page,
over the seeded catalog with its seeded synonyms and promotions (catalog/data/
search.yaml). "First" is what the page lists first: the first result, or, when
nothing matched, the first procedure under "¿Quiso decir…?".

The search runs the same code on PostgreSQL (CI, production) and SQLite (make run):
the database only filters on the normalized text, the ranking is in Python
(catalog/search.py). CI runs this set on PostgreSQL.
"""

import sys

import pytest

from catalog.models import ProcedurePage
from catalog.selectors import catalog_search

pytestmark = pytest.mark.django_db

JUDGED = (
    # The three the issue names.
    ("licencia de funcionamiento", "F02"),  # none exists: land use (promotion)
    ("Licencia de Funcionamiento", "F02"),
    ("licencias de funcionamiento", "F02"),
    ("permiso de construcción", "CURADURIAS-002"),
    ("permiso de construccion", "CURADURIAS-002"),
    ("rut", "F08"),
    ("RUT", "F08"),
    # Typos: the page offers "¿Quiso decir…?" and lists what the correction finds.
    ("camara comersio", "F03"),
    ("licensia de construccion", "CURADURIAS-002"),
    ("matricula mercantl", "F03"),
    ("rejistro mercantil", "F03"),
    ("registro unico tributaro", "F08"),
    ("bomberoz", "F15"),
    ("consepto sanitario", "F16"),
    # Everyday names, abbreviations and synonyms.
    ("sacar el rut", "F08"),
    ("inscripcion rut", "F08"),
    ("nit", "F08"),
    ("registro único tributario", "F08"),
    ("actualizar rut", "DIAN-001"),
    ("registro mercantil", "F03"),
    ("matricula mercantil", "F03"),
    ("MATRÍCULA MERCANTIL", "F03"),
    ("matriculas mercantiles", "F03"),
    ("camara de comercio", "F03"),
    ("renovar matricula mercantil", "CCB-001"),
    ("renovacion matricula", "CCB-001"),
    ("cancelar matricula mercantil", "CCB-007"),
    ("matricula de establecimiento de comercio", "F05"),
    ("registrar mi local", "F05"),
    ("certificado de existencia y representacion legal", "CCB-005"),
    ("licencia de construcción", "CURADURIAS-002"),
    ("uso de suelo", "F02"),
    ("uso del suelo", "F02"),
    ("norma urbanistica", "F02"),
    ("concepto de uso del suelo", "CURADURIAS-001"),
    ("bomberos", "F15"),
    ("certificado de bomberos", "F15"),
    ("concepto sanitario", "F16"),
    ("ica", "SDH-004"),
    ("impuesto de industria y comercio", "SDH-004"),
    ("rit", "F09"),
    ("registro de informacion tributaria", "F09"),
    ("sayco acinpro", "F19"),
    ("derechos de autor", "F19"),
    ("crear sas", "F04"),
    ("constituir una sociedad", "F04"),
    ("homonimia", "F01"),
    ("consultar nombre de empresa", "F01"),
    ("facturacion electronica", "F10"),
    ("factura electronica", "F10"),
    ("resolucion de facturacion", "F11"),
    ("regimen simple", "F12"),
    ("beneficiarios finales", "F13"),
    ("apertura de establecimiento", "F14"),
    ("registro de aviso", "F17"),
    ("registro nacional de turismo", "F20"),
    ("rnt", "F20"),
    ("caja de compensacion", "F21"),
    ("afiliacion eps", "F22"),
    ("fondo de pensiones", "F23"),
    ("afiliacion a pension", "F23"),
    ("arl", "F24"),
    ("pila", "F25"),
    ("planilla de aportes", "F25"),
    ("libro de actas", "F06"),
    ("impuesto predial", "SDH-001"),
    ("predial", "SDH-001"),
    ("impuesto vehicular", "SDH-003"),
    ("permiso de vertimientos", "SDA-001"),
)


def listed_codes(query: str) -> list[str]:
    """The procedures the catalog page lists for ``query``, in order."""
    context = catalog_search({"q": query})
    listed = list(context["results"]) or list(context["suggestions"])
    return [procedure.code for procedure in listed]


def test_judged_queries_rank_the_meant_procedure_first(capsys):
    assert len(JUDGED) >= 40
    assert len({query for query, _code in JUDGED}) == len(JUDGED)
    known = set(ProcedurePage.objects.values_list("code", flat=True))
    assert {code for _query, code in JUDGED} <= known
    misses, reciprocal = [], 0.0
    for query, expected in JUDGED:
        codes = listed_codes(query)
        if expected in codes:
            reciprocal += 1 / (codes.index(expected) + 1)
        if not codes or codes[0] != expected:
            misses.append(f"{query!r}: expected {expected}, listed {codes[:3]}")
    first = (len(JUDGED) - len(misses)) / len(JUDGED)
    mrr = reciprocal / len(JUDGED)
    lines = [
        f"judged catalog search: {len(JUDGED)} queries, "
        f"first {first:.1%}, MRR {mrr:.3f}",
        *(f"  miss: {miss}" for miss in misses),
    ]
    with capsys.disabled():
        sys.stdout.write("\n" + "\n".join(lines) + "\n")
    assert misses == []
