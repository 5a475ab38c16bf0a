"""Grow the seeded catalog to N live procedures with clones of real ones.

    DJANGO_SETTINGS_MODULE=bench.catalog.settings DATABASE_URL=... \\
        python -m bench.catalog.synth --target 5000 --out X.json

Each clone copies a real procedure's content (so it renders and searches like one)
under its own code, slug and title, round-robin over every entity and life event so
facets see a realistic spread. Each is a real published page (``add_child``, a
revision, published from it), in batched transactions, with the side effects only a
running site needs deferred to the end (see ``_bulk_context``).
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
# ProcedurePage's own fields a clone does not copy: its identity, the relation it
# gets round-robin, and what ProcedurePage.save() derives from the title and text.
NOT_COPIED = {"page_ptr", "code", "entity", "title_normalized"}
NOT_COPIED |= {"also_known_as_normalized", "search_text"}


def make_clone(number, source, entity, extra_event, relations):
    """An unsaved ProcedurePage copying every field of ``source`` (so clones follow
    the model as it grows) under a new identity."""
    from django.utils.text import slugify

    from wagtail.fields import StreamField

    from catalog.models import ProcedurePage

    locality = LOCALITIES[number % len(LOCALITIES)]
    page = ProcedurePage(
        title=f"{source.title} — {locality} {number // len(LOCALITIES) + 1}"[:255],
        slug=f"{source.slug[:200]}-{slugify(locality)}-{number}",
        code=f"{PREFIX}{number:05d}",
        entity=entity,
    )
    for field in ProcedurePage._meta.local_concrete_fields:
        if field.name not in NOT_COPIED:
            value = getattr(source, field.name)
            if isinstance(field, StreamField):  # Without block ids: saving adds new.
                value = [
                    {"type": b["type"], "value": b["value"]} for b in value.raw_data
                ]
            setattr(page, field.name, value)
    page.audiences = relations["audiences"][source.pk]
    page.service_points = relations["service_points"][source.pk]
    events = relations["life_events"][source.pk]
    page.life_events = events if extra_event in events else [*events, extra_event]
    return page


@contextlib.contextmanager
def _bulk_context():
    """Defer what a fresh bulk load does not need page by page:

    * the anonymous page cache invalidation (a bump per save and publish): one bump
      at the end is equivalent, nothing was cached from the new pages;
    * the search index: each page save rewrites its entry and recomputes
      ``title_norm`` over the whole table, slower as the catalog grows; the new pages
      are indexed once at the end with the backend's own ``add_bulk``;
    * Wagtail's reference index (three recomputations per page), deferred with
      Wagtail's own ``disable_reference_index_auto_update``.
    """
    from django.db.models.signals import post_delete, post_save

    from wagtail.signal_handlers import disable_reference_index_auto_update
    from wagtail.signals import page_published

    from modelsearch import index as search_index
    from modelsearch.signal_handlers import post_save_signal_handler

    from cms import cache as page_cache

    for signal, uid in (
        (post_save, "anon-cache-save"),
        (post_delete, "anon-cache-delete"),
        (page_published, "anon-cache-publish"),
    ):
        signal.disconnect(dispatch_uid=uid)
    indexed_models = list(search_index.get_indexed_models())
    for model in indexed_models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in indexed_models:
            if getattr(model, "search_auto_update", True):
                post_save.connect(post_save_signal_handler, sender=model)
        page_cache.connect_invalidation()
        page_cache.invalidate()


def _index_in_bulk(pks: list[int]) -> None:
    """Search and reference index of the new pages, as the signals would write them."""
    from django.db import transaction

    from wagtail.models import ReferenceIndex

    from modelsearch.backends import get_search_backends

    from catalog.models import ProcedurePage

    for start in range(0, len(pks), 500):
        batch = list(ProcedurePage.objects.filter(pk__in=pks[start : start + 500]))
        with transaction.atomic():
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(ProcedurePage, batch)
            for page in batch:
                ReferenceIndex.create_or_update_for_object(page)


def grow(target: int, batch_size: int = 100) -> dict:
    from django.db import transaction

    from catalog.models import Entity, LifeEvent, ProcedureIndexPage, ProcedurePage

    started = time.perf_counter()
    index, live = ProcedureIndexPage.objects.get(), ProcedurePage.objects.live()
    missing = target - live.count()
    sources = list(live.exclude(code__startswith=PREFIX).order_by("code"))
    entities = list(Entity.objects.order_by("code"))
    events = list(LifeEvent.objects.order_by("sort_order", "code"))
    relations = {  # Read once instead of three queries per clone.
        name: {p.pk: list(getattr(p, name).all()) for p in sources}
        for name in ("audiences", "life_events", "service_points")
    }
    first = ProcedurePage.objects.filter(code__startswith=PREFIX).count()
    created: list[int] = []
    with _bulk_context():
        for batch_start in range(first, first + max(0, missing), batch_size):
            with transaction.atomic():  # Fewer commits, bounded lock time.
                for number in range(
                    batch_start, min(batch_start + batch_size, first + missing)
                ):
                    page = make_clone(
                        number,
                        sources[number % len(sources)],
                        entities[number % len(entities)],
                        events[number % len(events)],
                        relations,
                    )
                    index.add_child(instance=page)
                    page.save_revision().publish()
                    created.append(page.pk)
            rate = len(created) / (time.perf_counter() - started)
            print(f"  synth: {len(created)}/{missing} ({rate:.0f}/s)", file=sys.stderr)
        _index_in_bulk(created)
    return {
        "created": len(created),
        "seconds": round(time.perf_counter() - started, 1),
        "live": live.count(),
        "method": "bulk",
    }


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
        "live": live.count(),
        "without_live_revision": live.filter(live_revision__isnull=True).count(),
        "without_search_text": live.filter(search_text__in=["", " "]).count(),
        "with_unpublished_changes": live.filter(has_unpublished_changes=True).count(),
        "not_in_search_index": live.count() - indexed.count(),
    }
    if problems["live"] != target or any(v for k, v in problems.items() if k != "live"):
        raise SystemExit(f"synth: the catalog is not right: {problems}")
    return problems


def measure(args) -> dict:
    return {**grow(args.target), "check": check(args.target)}


if __name__ == "__main__":
    arguments = lambda add: add("--target", type=int, default=5000)  # noqa: E731
    module_main("bench.catalog.settings", arguments, measure)
