"""Grow the seeded catalog to N live procedures: rows of the catalog's own data
(``catalog.seed``) under new codes, slugs and titles, round-robin over entities and
life events, published through revisions; indexes written once at the end.

    python -m bench.catalog.synth --params '{"target": 5000}' --out X.json
"""

import contextlib
import sys
import time

from bench.common import module_main

PREFIX = "BX"  # Code prefix of synthetic procedures; real codes never use it.
# Bogotá's localities: believable, distinct titles ("... — Suba 3").
LOCALITIES = (  # noqa: SIM905 - one list to read, not twenty lines
    "Usaquén, Chapinero, Santa Fe, San Cristóbal, Usme, Tunjuelito, Bosa, Kennedy, "
    "Fontibón, Engativá, Suba, Barrios Unidos, Teusaquillo, Los Mártires, Antonio "
    "Nariño, Puente Aranda, La Candelaria, Rafael Uribe Uribe, Ciudad Bolívar, Sumapaz"
).split(", ")


def make_clone(number, rows, entities, events, reference):
    """An unsaved ProcedurePage: a catalog row (round-robin) under a new identity."""
    from django.utils.text import slugify

    from catalog.models import ProcedurePage
    from catalog.seed import page_values

    locality = LOCALITIES[number % len(LOCALITIES)]
    row, extra_event = rows[number % len(rows)], events[number % len(events)]
    page = ProcedurePage(**page_values(row, reference))
    page.title = f"{page.title} — {locality} {number // len(LOCALITIES) + 1}"[:255]
    page.slug = f"{row['slug'][:200]}-{slugify(locality)}-{number}"
    page.code, page.entity = f"{PREFIX}{number:05d}", entities[number % len(entities)]
    page.audiences = [reference["audiences"][c] for c in row["audiences"]]
    page.service_points = [
        reference["service_points"][c] for c in row["service_points"] or []
    ]
    own = [reference["life_events"][c] for c in row["life_events"]]
    page.life_events = own if extra_event in own else [*own, extra_event]
    return page


@contextlib.contextmanager
def bulk_context():
    """Defer what a fresh bulk load does not need page by page: the anonymous page
    cache invalidation, the search index (each save recomputes ``title_norm`` over the
    whole table; ``add_bulk`` at the end instead) and Wagtail's reference index."""
    from django.db import transaction
    from django.db.models.signals import post_delete, post_save

    from wagtail.models import ReferenceIndex
    from wagtail.signal_handlers import disable_reference_index_auto_update
    from wagtail.signals import page_published

    from modelsearch import index as search_index
    from modelsearch.backends import get_search_backends
    from modelsearch.signal_handlers import post_save_signal_handler

    from catalog.models import ProcedurePage
    from cms import cache as page_cache

    post_save.disconnect(dispatch_uid="anon-cache-save")
    post_delete.disconnect(dispatch_uid="anon-cache-delete")
    page_published.disconnect(dispatch_uid="anon-cache-publish")
    indexed_models = list(search_index.get_indexed_models())
    for model in indexed_models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    created: list[int] = []
    try:
        with disable_reference_index_auto_update():
            yield created
    finally:
        for model in indexed_models:
            if getattr(model, "search_auto_update", True):
                post_save.connect(post_save_signal_handler, sender=model)
        page_cache.connect_invalidation()
        page_cache.invalidate()
    for start in range(0, len(created), 500):
        pks = created[start : start + 500]
        batch = list(ProcedurePage.objects.filter(pk__in=pks))
        with transaction.atomic():
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(ProcedurePage, batch)
            for page in batch:
                ReferenceIndex.create_or_update_for_object(page)


def grow(target: int, batch_size: int = 100) -> dict:
    from django.db import transaction

    from catalog.models import Entity, LifeEvent, ProcedureIndexPage, ProcedurePage
    from catalog.seed import load_reference_data, read_procedures

    started = time.perf_counter()
    index, live = ProcedureIndexPage.objects.get(), ProcedurePage.objects.live()
    missing = target - live.count()
    rows, reference = read_procedures(), load_reference_data()
    entities = list(Entity.objects.order_by("code"))
    events = list(LifeEvent.objects.order_by("sort_order", "code"))
    with bulk_context() as created:
        for batch_start in range(0, missing, batch_size):
            with transaction.atomic():  # Fewer commits, bounded lock time.
                for n in range(batch_start, min(missing, batch_start + batch_size)):
                    page = make_clone(n, rows, entities, events, reference)
                    index.add_child(instance=page)
                    page.save_revision().publish()
                    created.append(page.pk)
            rate = len(created) / (time.perf_counter() - started)
            print(f"  synth: {len(created)}/{missing} ({rate:.0f}/s)", file=sys.stderr)
    seconds = round(time.perf_counter() - started, 1)
    return {"created": len(created), "seconds": seconds, "live": live.count()}


def check(target: int) -> dict:
    """Fail loudly unless every procedure is a correctly published, indexed page."""
    from wagtail.search.models import IndexEntry

    from catalog.models import ProcedurePage

    live = ProcedurePage.objects.live()
    indexed = IndexEntry.objects.filter(
        content_type__app_label="catalog",
        content_type__model="procedurepage",
        object_id__in=[str(pk) for pk in live.values_list("pk", flat=True)],
    )
    problems = {
        "without_live_revision": live.filter(live_revision__isnull=True).count(),
        "without_search_text": live.filter(search_text__in=["", " "]).count(),
        "with_unpublished_changes": live.filter(has_unpublished_changes=True).count(),
        "not_in_search_index": live.count() - indexed.count(),
    }
    if live.count() != target or any(problems.values()):
        raise SystemExit(f"synth: {live.count()} live procedures: {problems}")
    return {"live": target, **problems}


if __name__ == "__main__":
    module_main(lambda target: {**grow(target), "check": check(target)})
