"""Grow the seeded catalog to N live procedures with synthetic clones of real ones.

Run with the bench settings against a database that already holds ``seed_demo``::

    DJANGO_SETTINGS_MODULE=bench.catalog.settings DATABASE_URL=... \\
        python -m bench.catalog.synth --target 5000

Each clone copies a real procedure's content (so pages render and search like real
ones) under a unique code, slug and title, and is spread round-robin over every
entity and life event so that facets and filters see a realistic distribution.

Every clone is a real published Wagtail page: created with ``add_child`` (so the tree,
``ProcedurePage.save()``'s ``search_text`` and the search index are right), given a
revision, and published from it (``live_revision``, publish timestamps, log entry).
Two ways of doing so (``--method``):

* ``publish``: exactly what ``catalog.seed.load_catalog`` does, page by page.
* ``bulk``: the same calls, batched in transactions, with the per-save side effects
  that only matter to a running site deferred: the anonymous page cache invalidation
  (one bump at the end instead of several per page) and the search index (rebuilt for
  the new pages in one pass at the end). See ``_bulk_context``.
"""

import contextlib
import sys
import time

from bench.common import module_main

PREFIX = "BX"  # Code prefix of synthetic procedures; real codes never use it.

# Bogotá's localities: give clones believable, distinct titles ("... — Suba 3").
LOCALITIES = (
    "Usaquén",
    "Chapinero",
    "Santa Fe",
    "San Cristóbal",
    "Usme",
    "Tunjuelito",
    "Bosa",
    "Kennedy",
    "Fontibón",
    "Engativá",
    "Suba",
    "Barrios Unidos",
    "Teusaquillo",
    "Los Mártires",
    "Antonio Nariño",
    "Puente Aranda",
    "La Candelaria",
    "Rafael Uribe Uribe",
    "Ciudad Bolívar",
    "Sumapaz",
)

# ProcedurePage's own fields that a clone does not copy: its identity, the relation it
# gets round-robin, and what ProcedurePage.save() derives from the title and text.
NOT_COPIED = frozenset(
    [
        "page_ptr",
        "code",
        "entity",
        "title_normalized",
        "also_known_as_normalized",
        "search_text",
    ]
)


def _raw_stream(value) -> list[dict]:
    # Drop block ids: the clone gets fresh ones when it is saved.
    return [{"type": b["type"], "value": b["value"]} for b in value.raw_data]


def make_clone(number, source, entity, extra_event, reference):
    """An unsaved ProcedurePage copying ``source`` under a new identity."""
    from django.utils.text import slugify

    from wagtail.fields import StreamField

    from catalog.models import ProcedurePage

    locality = LOCALITIES[number % len(LOCALITIES)]
    round_number = number // len(LOCALITIES) + 1
    page = ProcedurePage(
        title=f"{source.title} — {locality} {round_number}"[:255],
        slug=f"{source.slug[:200]}-{slugify(locality)}-{number}",
        code=f"{PREFIX}{number:05d}",
        entity=entity,
    )
    # Every other field of ProcedurePage itself, so clones follow the model as it grows.
    for model_field in ProcedurePage._meta.local_concrete_fields:
        if model_field.name in NOT_COPIED:
            continue
        value = getattr(source, model_field.name)
        if isinstance(model_field, StreamField):
            value = _raw_stream(value)
        setattr(page, model_field.name, value)
    page.audiences = reference["audiences"][source.pk]
    events = reference["life_events"][source.pk]
    page.life_events = [*events, extra_event] if extra_event not in events else events
    page.service_points = reference["service_points"][source.pk]
    return page


@contextlib.contextmanager
def _bulk_context():
    """Defer side effects a fresh bulk load does not need page by page.

    * cms.cache invalidation: every save and publish bumps the generation in Redis;
      one bump after the load is equivalent (nothing was cached from new pages).
    * The search index (django-modelsearch, behind wagtail.search): each save of a
      page re-reads it, rewrites its index entry and then recomputes ``title_norm``
      over the whole index table, so page creation slows down as the catalog grows
      (twice per page: add_child and publish). The new pages are indexed once, in
      bulk, after the load, with the backend's own ``add_bulk``.
    * Wagtail's reference index ("usage" in the admin): recomputed on every save (three
      per page); Wagtail's own ``disable_reference_index_auto_update`` defers it, and
      each new page is indexed once after the load.
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
    """Search index and reference index of the new pages, as the signals would do."""
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


def grow(target: int, method: str, batch_size: int = 100) -> dict:
    from django.db import transaction

    from catalog.models import (
        Entity,
        LifeEvent,
        ProcedureIndexPage,
        ProcedurePage,
    )

    started = time.perf_counter()
    index = ProcedureIndexPage.objects.get()
    live = ProcedurePage.objects.live()
    missing = target - live.count()
    if missing <= 0:
        return {"created": 0, "seconds": 0.0, "live": live.count(), "method": method}
    sources = list(
        ProcedurePage.objects.live().exclude(code__startswith=PREFIX).order_by("code")
    )
    entities = list(Entity.objects.order_by("code"))
    events = list(LifeEvent.objects.order_by("sort_order", "code"))
    # Relations of every source, read once instead of three queries per clone.
    reference = {
        "audiences": {p.pk: list(p.audiences.all()) for p in sources},
        "life_events": {p.pk: list(p.life_events.all()) for p in sources},
        "service_points": {p.pk: list(p.service_points.all()) for p in sources},
    }
    first = ProcedurePage.objects.filter(code__startswith=PREFIX).count()
    created_pks: list[int] = []
    context = _bulk_context() if method == "bulk" else contextlib.nullcontext()
    with context:
        for batch_start in range(first, first + missing, batch_size):
            batch_end = min(batch_start + batch_size, first + missing)
            # One transaction per batch: far fewer commits, bounded lock time.
            with transaction.atomic():
                for number in range(batch_start, batch_end):
                    page = make_clone(
                        number,
                        sources[number % len(sources)],
                        entities[number % len(entities)],
                        events[number % len(events)],
                        reference,
                    )
                    index.add_child(instance=page)
                    page.save_revision().publish()
                    created_pks.append(page.pk)
            done = batch_end - first
            if done % 500 == 0 or done == missing:
                rate = done / (time.perf_counter() - started)
                print(
                    f"  synth: {done}/{missing} pages ({rate:.0f}/s)",
                    file=sys.stderr,
                    flush=True,
                )
        if method == "bulk":
            _index_in_bulk(created_pks)
    return {
        "created": len(created_pks),
        "seconds": round(time.perf_counter() - started, 1),
        "live": ProcedurePage.objects.live().count(),
        "method": method,
    }


def check(target: int) -> dict:
    """Fail loudly unless every procedure is a correctly published page."""
    from django.db.models import Q

    from wagtail.search.models import IndexEntry

    from catalog.models import ProcedurePage

    live = ProcedurePage.objects.live()
    problems = {
        "live": live.count(),
        "without_live_revision": live.filter(live_revision__isnull=True).count(),
        "without_search_text": live.filter(
            Q(search_text="") | Q(search_text=" ")
        ).count(),
        "with_unpublished_changes": live.filter(has_unpublished_changes=True).count(),
        "not_in_search_index": live.count()
        - IndexEntry.objects.filter(
            content_type__model="procedurepage",
            content_type__app_label="catalog",
            object_id__in=[str(pk) for pk in live.values_list("pk", flat=True)],
        ).count(),
    }
    bad = {k: v for k, v in problems.items() if k != "live" and v}
    if problems["live"] != target or bad:
        raise SystemExit(f"synth: the catalog is not right: {problems}")
    return problems


def arguments(add) -> None:
    add("--target", type=int, default=5000)
    add("--method", choices=["publish", "bulk"], default="bulk")
    add("--batch-size", type=int, default=100)


def measure(args) -> dict:
    summary = grow(args.target, args.method, args.batch_size)
    summary["check"] = check(args.target)
    return summary


def main() -> None:
    module_main("bench.catalog.settings", arguments, measure)


if __name__ == "__main__":
    main()
