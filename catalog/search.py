"""Catalog search in Spanish: accent- and case-insensitive, with synonyms and
promoted results that editors keep in the admin.

Every procedure keeps a normalized copy of its searchable text (``search_text``) and
of its title (``title_normalized``); queries are normalized the same way, so "matricula
MERCANTIL" finds "Matrícula mercantil". A query becomes clauses: a synonym group
(``SearchSynonym``) when one of its phrases is in the query, otherwise one word, cut
to a stem ("renovar" finds "renovación", "licencias" finds "licencia"). A procedure
matches when its text holds every clause; the database does that filter (a trigram
index on PostgreSQL) and the ranking runs here, on the matches' titles and "also
known as" names, so it is the same on PostgreSQL and SQLite. Wagtail's search
backend (``WAGTAILSEARCH_BACKENDS``) serves the admin's page search, not this.

Order: editors' promotions for the query (Wagtail's search promotions) first, then
procedures whose title is the query, then whose "also known as" name is, then whose
title holds every clause (fewest other words first), then the rest.
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

STOPWORDS = frozenset(
    [
        "a",
        "al",
        "con",
        "de",
        "del",
        "el",
        "en",
        "la",
        "las",
        "lo",
        "los",
        "mi",
        "o",
        "para",
        "por",
        "que",
        "se",
        "su",
        "un",
        "una",
        "y",
        "como",
    ]
)
# Words people put around what they look for; no procedure is found by them.
FILLERS = frozenset(
    [
        "sacar",
        "tramitar",
        "tramite",
        "tramites",
        "quiero",
        "necesito",
        "hacer",
        "obtener",
        "pedir",
        "donde",
        "cual",
        "cuanto",
        "cuesta",
        "requisitos",
        "mis",
        "sus",
        "nuevo",
        "nueva",
    ]
)
MAX_CLAUSES = 10
CONFIG_KEY = "catalog-search:config"
CONFIG_SECONDS = 3600

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lowercase ASCII words separated by single spaces, accents removed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", ascii_text.lower()).strip()


def padded(text: str) -> str:
    """The stored form: normalized and padded, so " word" matches a word's start."""
    return f" {normalize(text)} "


def stem(word: str) -> str:
    """A prefix that the word's plural, singular and noun forms all start with.

    Matching is by word start, so a stem only has to be a prefix: "licencias" ->
    "licencia", "mercantiles" -> "mercantil", "renovar" -> "renov" (renovación).
    """
    if len(word) > 5 and word.endswith("es") and word[-3] in "lrndj":
        return word[:-2]
    if len(word) > 4 and word.endswith("s"):
        return word[:-1]
    if len(word) > 6 and word.endswith(("ar", "er", "ir")):
        return word[:-2]
    return word


def key_words(text: str) -> list[str]:
    """The words that carry meaning, stemmed: how queries and names are compared."""
    return [
        stem(word)
        for word in normalize(text).split()
        if word not in STOPWORDS and word not in FILLERS
    ]


def query_key(text: str) -> str:
    """One string per meaning: "Licencias de funcionamiento" == "licencia funcionamiento"."""
    return " ".join(key_words(text))


def _pattern(word: str) -> str:
    # Short words (RUT, NIT, ICA, SAS) must be whole: " rut" would find "ruta".
    return f" {word} " if len(word) <= 3 else f" {word}"


def _word_matches(text_word: str, word: str) -> bool:
    return text_word == word if len(word) <= 3 else text_word.startswith(word)


# A clause: alternatives, each a tuple of words that must all be in the text.
Clause = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SearchConfig:
    """What editors keep in the admin, as the search reads it (cached)."""

    synonym_groups: tuple[tuple[tuple[str, ...], ...], ...] = ()
    promotions: dict[str, tuple[int, ...]] = field(default_factory=dict)
    promotion_notes: dict[int, str] = field(default_factory=dict)


def load_config() -> SearchConfig:
    """Two queries, whatever the catalog's size: the synonyms and the promotions."""
    from wagtail.contrib.search_promotions.models import SearchPromotion

    from .models import SearchSynonym

    groups = []
    for synonym in SearchSynonym.objects.all():
        phrases = []
        for term in synonym.term_list():
            words = tuple(key_words(term))
            if words and words not in phrases:
                phrases.append(words)
        if len(phrases) > 1:
            groups.append(tuple(phrases))
    promotions: dict[str, list[int]] = {}
    notes: dict[int, str] = {}
    rows = (
        SearchPromotion.objects.filter(page__isnull=False)
        .order_by("query_id", "sort_order", "pk")
        .values_list("query__query_string", "page_id", "description")
    )
    for query_string, page_id, description in rows:
        key = query_key(query_string)
        if key and page_id not in promotions.setdefault(key, []):
            promotions[key].append(page_id)
            if description:
                notes[page_id] = description
    return SearchConfig(
        tuple(groups), {key: tuple(ids) for key, ids in promotions.items()}, notes
    )


def search_config() -> SearchConfig:
    config = cache.get(CONFIG_KEY)
    if config is None:
        config = load_config()
        cache.set(CONFIG_KEY, config, CONFIG_SECONDS)
    return config


def forget_config(**kwargs) -> None:
    """Editors changed synonyms or promotions: the next search reads them again."""
    cache.delete(CONFIG_KEY)


def _find(words: list[str], phrase: tuple[str, ...]) -> int:
    size = len(phrase)
    for start in range(len(words) - size + 1):
        if tuple(words[start : start + size]) == phrase:
            return start
    return -1


def query_clauses(query: str, config: SearchConfig | None = None) -> list[Clause]:
    """Split a query into clauses; each clause is a tuple of alternatives (OR)."""
    config = config or search_config()
    words = key_words(query)
    clauses: list[Clause] = []
    # Longest phrases first, so "camara de comercio" wins over "camara".
    phrases = sorted(
        (
            (len(phrase), index, phrase)
            for index, group in enumerate(config.synonym_groups)
            for phrase in group
        ),
        key=lambda item: (-item[0], item[1]),
    )
    used = set()
    for _size, index, phrase in phrases:
        if index in used:
            continue
        start = _find(words, phrase)
        if start >= 0:
            used.add(index)
            clauses.append(config.synonym_groups[index])
            words = words[:start] + ["\0"] + words[start + len(phrase) :]
    clauses.extend(((word,),) for word in words if word != "\0")
    return clauses[:MAX_CLAUSES]


def _clause_q(field_name: str, clause: Clause) -> Q:
    return reduce(
        or_,
        (
            reduce(
                and_,
                (Q(**{f"{field_name}__contains": _pattern(word)}) for word in words),
            )
            for words in clause
        ),
    )


def _found_words(text: str, clause: Clause) -> list[str] | None:
    """The words of every alternative of ``clause`` present in ``text``, or None."""
    found = [
        word
        for words in clause
        if all(_pattern(word) in text for word in words)
        for word in words
    ]
    return found or None


def fit(text: str, clauses: list[Clause]) -> tuple[int, int]:
    """(clauses the padded ``text`` holds, its meaningful words no clause explains)."""
    covered, explained = 0, []
    for clause in clauses:
        found = _found_words(text, clause)
        if found:
            covered += 1
            explained.extend(found)
    extra = sum(
        1
        for word in text.split()
        if word not in STOPWORDS
        and not any(_word_matches(word, found) for found in explained)
    )
    return covered, extra


def _aka_entries(also_known_as: str) -> list[str]:
    return [padded(entry) for entry in re.split(r"[,;]", also_known_as or "")]


def rank_key(title_normalized: str, also_known_as: str, clauses: list[Clause]):
    """How well one procedure answers the query: lower sorts first."""
    wanted = len(clauses)
    title_covered, title_extra = fit(title_normalized, clauses)
    entries = [fit(entry, clauses) for entry in _aka_entries(also_known_as)]
    best_entry = max((covered for covered, _extra in entries), default=0)
    if title_covered == wanted and title_extra == 0:
        tier = 0  # the title is the query
    elif any(covered == wanted and extra == 0 for covered, extra in entries):
        tier = 1  # an "also known as" name is the query
    elif title_covered == wanted:
        tier = 2  # the title holds it all
    elif best_entry == wanted:
        tier = 3
    else:
        tier = 4  # the text holds it (purpose, other names)
    return (tier, -title_covered, -best_entry, title_extra, title_normalized)


_RANK_FIELDS = ("title_normalized", "also_known_as")


def ranked_rows(
    queryset: QuerySet,
    query: str,
    fields: tuple[str, ...] = ("pk",),
    config: SearchConfig | None = None,
) -> list[tuple]:
    """Rows of ``fields`` for the procedures that answer ``query``, best first.

    One query, whatever the catalog's size (the config comes from the cache).
    """
    config = config or search_config()
    clauses = query_clauses(query, config)
    promoted = config.promotions.get(query_key(query), ())
    if not clauses and not promoted:
        return []
    condition = Q(pk__in=promoted) if promoted else Q(pk__in=[])
    if clauses:
        condition |= reduce(and_, (_clause_q("search_text", c) for c in clauses))
    columns = ("pk", *_RANK_FIELDS, *fields)
    rows = list(queryset.filter(condition).values_list(*columns))
    position = {pk: index for index, pk in enumerate(promoted)}

    def order(row):
        if row[0] in position:
            return (-1, position[row[0]])
        return rank_key(row[1], row[2], clauses)

    rows.sort(key=order)
    return [row[len(_RANK_FIELDS) + 1 :] for row in rows]


def ranked_any_rows(
    queryset: QuerySet,
    query: str,
    fields: tuple[str, ...] = ("pk",),
    config: SearchConfig | None = None,
) -> list[tuple]:
    """Procedures that hold some of the query's clauses (when none holds them all),
    rarer clauses weighing more: "certificado bomberos" puts Bomberos first."""
    clauses = query_clauses(query, config or search_config())
    if not clauses:
        return []
    flags = {
        f"clause_{index}": Case(
            When(_clause_q("search_text", clause), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for index, clause in enumerate(clauses)
    }
    columns = ("pk", *_RANK_FIELDS, *flags, *fields)
    rows = list(
        queryset.filter(reduce(or_, (_clause_q("search_text", c) for c in clauses)))
        .annotate(**flags)
        .values_list(*columns)
    )
    first_flag = 1 + len(_RANK_FIELDS)
    counts = [
        sum(row[first_flag + index] for row in rows) for index in range(len(clauses))
    ]
    weights = [math.log(1 + len(rows) / count) if count else 0 for count in counts]

    def order(row):
        title, also_known_as = row[1], row[2]
        entries = _aka_entries(also_known_as)
        score = 0.0
        for index, clause in enumerate(clauses):
            if row[first_flag + index]:
                in_title = _found_words(title, clause) is not None
                in_entry = any(_found_words(e, clause) is not None for e in entries)
                score += weights[index] * (1 + 2 * in_title + in_entry)
        return (-score, fit(title, clauses)[1], title)

    rows.sort(key=order)
    return [row[first_flag + len(clauses) :] for row in rows]


def search(queryset: QuerySet, query: str, *, match_all: bool = True) -> list:
    """The matching procedures themselves, best first (two queries)."""
    finder = ranked_rows if match_all else ranked_any_rows
    ids = [row[0] for row in finder(queryset, query)]
    pages = queryset.model.objects.filter(pk__in=ids).select_related("entity")
    by_pk = pages.in_bulk()
    return [by_pk[pk] for pk in ids]
