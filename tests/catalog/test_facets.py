import pytest

from catalog import fees
from catalog.models import ProcedurePage
from catalog.selectors import PAGE_SIZE, catalog_search, published_procedures

pytestmark = pytest.mark.django_db


def _facet(context, param):
    return {
        o["value"]: o["count"]
        for o in next(f for f in context["facets"] if f["param"] == param)["options"]
    }


def test_facet_counts_match_the_database():
    context = catalog_search({})
    live = published_procedures()
    assert context["paginator"].count == live.count() >= 200
    entities = _facet(context, "entidad")
    assert len(entities) >= 20
    assert entities["CCB"] == live.filter(entity__code="CCB").count()
    events = _facet(context, "evento")
    assert (
        events["crear-empresa"]
        == live.filter(life_events__code="crear-empresa").distinct().count()
    )
    audiences = _facet(context, "publico")
    assert (
        audiences["persona-juridica"]
        == live.filter(audiences__code="persona-juridica").distinct().count()
    )
    levels = _facet(context, "nivel")
    assert sum(levels.values()) == live.count()
    costs = _facet(context, "costo")
    # "Gratuito" counts only what a norm makes free; no fee found is "consultar".
    assert costs["gratuito"] == live.filter(fee_rule="FREE").count() > 0
    assert costs["consultar"] == live.filter(fee_rule="UNKNOWN").count() > 0
    assert costs["aportes"] == live.filter(fee_rule="APORTE").count() > 0
    assert (
        costs["pago"]
        == live.filter(fee_rule__in=["FIXED", "FORMULA", "TABLE"]).count()
        == live.filter(requires_payment=True).exclude(fee_rule="APORTE").count()
    )
    assert sum(costs.values()) == live.count()


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"entidad": "SDH"}, lambda p: p.entity.code == "SDH"),
        ({"nivel": "EN_LINEA"}, lambda p: p.digital_level == "EN_LINEA"),
        ({"costo": "gratuito"}, lambda p: p.fee_quote.kind == fees.FREE),
        ({"costo": "consultar"}, lambda p: p.fee_quote.kind == fees.UNCONFIRMED),
        ({"costo": "aportes"}, lambda p: p.fee_quote.kind == fees.CONTRIBUTION),
        ({"costo": "pago"}, lambda p: p.requires_payment and not p.is_free),
        (
            {"evento": "crear-empresa"},
            lambda p: p.life_events.filter(code="crear-empresa").exists(),
        ),
        (
            {"publico": "persona-natural"},
            lambda p: p.audiences.filter(code="persona-natural").exists(),
        ),
    ],
)
def test_each_facet_filters(params, check):
    context = catalog_search(params)
    assert context["paginator"].count > 0
    assert all(check(page) for page in context["results"])


def test_combined_facets_narrow_and_count_consistently():
    context = catalog_search({"evento": "crear-empresa", "costo": "gratuito"})
    expected = (
        published_procedures()
        .filter(life_events__code="crear-empresa", fee_rule="FREE")
        .distinct()
        .count()
    )
    assert context["paginator"].count == expected
    assert _facet(context, "costo") == {"gratuito": expected}


def test_pagination_pages_through_everything_once():
    total = published_procedures().count()
    seen = []
    page_number = 1
    while True:
        context = catalog_search({"pagina": str(page_number)})
        seen += [p.pk for p in context["results"]]
        if not context["results"].has_next():
            break
        page_number += 1
    assert len(seen) == total == len(set(seen))
    assert page_number == -(-total // PAGE_SIZE)


def test_bad_parameters_do_not_fail():
    context = catalog_search(
        {"pagina": "abc", "costo": "<script>", "entidad": "NOEXISTE" * 20}
    )
    assert context["paginator"].count == 0
    assert ProcedurePage.objects.exists()
