"""Catalog search in Spanish: accent- and case-insensitive, with synonyms.

Every procedure keeps a normalized copy of its searchable text (``search_text``) and
of its title (``title_normalized``); queries are normalized the same way, so "matricula
MERCANTIL" finds "Matrícula mercantil". Synonym groups are data; a group matches when
any of its phrases appears in the text. Exact title matches rank first.
"""

import re
import unicodedata
from functools import reduce
from operator import and_, or_

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

# Each group lists phrases (already normalized) that mean the same thing.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("rut", "registro unico tributario", "nit"),
    ("rit", "registro de informacion tributaria"),
    ("ica", "industria y comercio"),
    ("camara", "camara de comercio", "ccb"),
    ("matricula mercantil", "registro mercantil"),
    ("sas", "sociedad por acciones simplificada"),
    ("dian", "impuestos nacionales"),
    ("bomberos", "uaecob", "seguridad humana"),
    ("uso del suelo", "norma urbanistica"),
    ("sayco", "acinpro", "derechos de autor", "osa"),
    ("rnt", "registro nacional de turismo"),
    ("pila", "planilla integrada"),
    ("arl", "riesgos laborales"),
    ("eps", "salud"),
    ("predial", "impuesto predial"),
    ("pase", "licencia de conduccion"),
    ("carro", "vehiculo"),
    ("moto", "motocicleta"),
    ("negocio", "empresa", "establecimiento"),
    ("aviso", "publicidad exterior"),
    ("sisben", "encuesta sisben"),
    ("catastro", "uaecd", "catastral"),
)

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

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lowercase ASCII words separated by single spaces, accents removed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", ascii_text.lower()).strip()


def _stem(word: str) -> str:
    # Plurals: "licencias" -> "licencia", "certificados" -> "certificado".
    if len(word) > 4 and word.endswith("s"):
        return word[:-1]
    return word


def _contains_phrase(text: str, phrase: str) -> bool:
    return f" {phrase} " in f" {text} "


def query_clauses(query: str) -> list[tuple[str, ...]]:
    """Split a query into clauses; each clause is a tuple of alternatives (OR)."""
    remaining = f" {normalize(query)} "
    clauses: list[tuple[str, ...]] = []
    for group in SYNONYM_GROUPS:
        for phrase in sorted(group, key=len, reverse=True):
            if _contains_phrase(remaining, phrase):
                clauses.append(group)
                remaining = remaining.replace(f" {phrase} ", " ")
                break
    for word in remaining.split():
        if word not in STOPWORDS:
            clauses.append((_stem(word),))
    return clauses


def padded(text: str) -> str:
    """The stored form: normalized and padded, so " word" matches a word's start."""
    return f" {normalize(text)} "


def _clause_q(field: str, alternatives: tuple[str, ...]) -> Q:
    return reduce(or_, (Q(**{f"{field}__contains": f" {alt}"}) for alt in alternatives))


def search(queryset: QuerySet, query: str, *, match_all: bool = True) -> QuerySet:
    """Filter ``queryset`` by ``query`` and order by relevance (exact title first)."""
    clauses = query_clauses(query)
    normalized = normalize(query)
    if not clauses:
        return queryset.none() if normalized else queryset
    if not match_all:
        return _search_any(queryset, clauses)
    matches = reduce(and_, (_clause_q("search_text", c) for c in clauses))
    title_has_all = reduce(and_, (_clause_q("title_normalized", c) for c in clauses))
    rank = Case(
        When(title_normalized=f" {normalized} ", then=Value(0)),
        When(title_normalized__startswith=f" {normalized}", then=Value(1)),
        When(title_normalized__contains=f" {normalized}", then=Value(2)),
        When(also_known_as_normalized__contains=f" {normalized} ", then=Value(2)),
        When(title_has_all, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    return (
        queryset.filter(matches)
        .annotate(search_rank=rank)
        .order_by("search_rank", "title")
    )


def _search_any(queryset: QuerySet, clauses: list[tuple[str, ...]]) -> QuerySet:
    """Procedures matching any clause, most title matches first (for suggestions)."""
    matches = reduce(or_, (_clause_q("search_text", c) for c in clauses))
    score = sum(
        (
            Case(
                When(_clause_q("title_normalized", c), then=Value(2)), default=Value(0)
            )
            + Case(When(_title_starts(c), then=Value(1)), default=Value(0))
            for c in clauses
        ),
        Value(0),
    )
    return (
        queryset.filter(matches)
        .annotate(search_score=score)
        .order_by("-search_score", "title")
    )


def _title_starts(alternatives: tuple[str, ...]) -> Q:
    return reduce(
        or_, (Q(title_normalized__startswith=f" {alt}") for alt in alternatives)
    )
