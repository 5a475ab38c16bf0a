"""“¿Quiso decir…?”: a correction drawn from the catalog's own words.

The vocabulary (every word of the published procedures' text, and the words of their
titles, "also known as" names and the editors' synonyms as candidates) is built with
one query when the cache is empty and kept until the catalog or the synonyms change.
A request then corrects its query in memory: no query grows with the catalog.
"""

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache

from .search import STOPWORDS, key_words, normalize, query_key

VOCABULARY_KEY = "catalog-search:vocabulary"
VOCABULARY_SECONDS = 6 * 3600
MIN_WORD = 4  # Shorter words are acronyms (RUT, ICA): not corrected.

# Spanish spelling confusions that sound alike: compared after this folding, "comersio"
# is "comercio" and "rejistro" is "registro".
_SOUNDS = (
    ("ce", "se"),
    ("ci", "si"),
    ("z", "s"),
    ("v", "b"),
    ("ll", "y"),
    ("ge", "je"),
    ("gi", "ji"),
    ("qu", "k"),
    ("ca", "ka"),
    ("co", "ko"),
    ("cu", "ku"),
    ("h", ""),
)


def sound(word: str) -> str:
    for written, heard in _SOUNDS:
        word = word.replace(written, heard)
    return word


@dataclass(frozen=True)
class Vocabulary:
    known: tuple[str, ...]  # sorted: a query word that starts one of them is fine
    candidates: dict[str, int]  # word -> how often titles and names use it
    sounds: dict[str, str]  # candidate -> its folded sound
    phrases: dict[str, str]  # query_key -> the name as written (accents kept)
    surface: dict[str, str]  # normalized word -> its usual written form
    # A candidate's sound and its sound less one letter -> the candidates: the words
    # within one or two edits of a typo are looked up, not compared one by one.
    deletions: dict[str, tuple[str, ...]]
    by_initial: dict[str, tuple[str, ...]]

    def is_known(self, word: str) -> bool:
        index = bisect_left(self.known, word)
        return index < len(self.known) and self.known[index].startswith(word)


def build_vocabulary() -> Vocabulary:
    from .models import SearchSynonym
    from .selectors import published_procedures

    known: set[str] = set()
    candidates: Counter = Counter()
    phrases: dict[str, str] = {}
    written: dict[str, Counter] = {}

    def add_name(name: str) -> None:
        key = query_key(name)
        if key:
            phrases.setdefault(key, name.strip())
        for raw in name.split():
            word = normalize(raw)
            if word and " " not in word and word not in STOPWORDS:
                candidates[word] += 1
                written.setdefault(word, Counter())[raw.strip("()-,.;:/").lower()] += 1

    rows = published_procedures().values_list("search_text", "title", "also_known_as")
    for search_text, title, also_known_as in rows:
        known.update(search_text.split())
        add_name(title)
        for entry in (also_known_as or "").replace(";", ",").split(","):
            add_name(entry)
    for synonym in SearchSynonym.objects.all():
        for term in synonym.term_list():
            add_name(term)
    known.update(candidates)
    sounds = {word: sound(word) for word in candidates if len(word) >= MIN_WORD}
    deletions: dict[str, set] = {}
    by_initial: dict[str, set] = {}
    for word, heard in sounds.items():
        for variant in _one_less(heard):
            deletions.setdefault(variant, set()).add(word)
        by_initial.setdefault(word[0], set()).add(word)
    return Vocabulary(
        known=tuple(sorted(known)),
        candidates={word: candidates[word] for word in sounds},
        sounds=sounds,
        phrases=phrases,
        surface={word: forms.most_common(1)[0][0] for word, forms in written.items()},
        deletions={key: tuple(sorted(words)) for key, words in deletions.items()},
        by_initial={key: tuple(sorted(words)) for key, words in by_initial.items()},
    )


def _one_less(word: str) -> set[str]:
    """The word and every way of dropping one of its letters."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def vocabulary() -> Vocabulary:
    found = cache.get(VOCABULARY_KEY)
    if found is None:
        found = build_vocabulary()
        cache.set(VOCABULARY_KEY, found, VOCABULARY_SECONDS)
    return found


def forget_vocabulary(**kwargs) -> None:
    cache.delete(VOCABULARY_KEY)


def distance(a: str, b: str, limit: int) -> int:
    """Edit distance with transpositions (optimal string alignment), or limit + 1
    as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost
            )
            if (
                i > 1
                and j > 1
                and char_a == b[j - 2]
                and a[i - 2] == char_b
                and previous2
            ):
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def correct_word(word: str, words: Vocabulary) -> str | None:
    """The catalog word closest to a word the catalog does not use, or None.

    Candidates come from the deletion index (a typo and a word that differ by one
    letter, or by a swap or a change of one, share a variant less one letter) and, for
    longer words, from the words with the same initial: never the whole vocabulary.
    """
    if len(word) < MIN_WORD or word.isdigit() or words.is_known(word):
        return None
    limit = 1 if len(word) <= 5 else 2
    heard = sound(word)
    pool = {
        candidate
        for variant in _one_less(heard)
        for candidate in words.deletions.get(variant, ())
    }
    if not pool and limit > 1:
        pool = set(words.by_initial.get(word[0], ()))
    best, best_key = None, None
    for candidate in pool:
        if abs(len(candidate) - len(word)) > limit:
            continue
        score = distance(heard, words.sounds[candidate], limit)
        if score <= limit:
            key = (
                score,
                distance(word, candidate, limit + 1),
                -words.candidates[candidate],
                candidate,
            )
            if best_key is None or key < best_key:
                best, best_key = candidate, key
    return best


def did_you_mean(query: str) -> str | None:
    """A corrected query in the catalog's words ("cámara de comercio"), or None
    when every word is already the catalog's or nothing is close enough."""
    words = vocabulary()
    typed = normalize(query).split()
    corrected, changed = [], False
    for word in typed:
        better = correct_word(word, words)
        if better:
            changed = True
        corrected.append(better or word)
    if not changed:
        return None
    text = " ".join(corrected)
    named = words.phrases.get(query_key(text))
    if named:
        return named[0].lower() + named[1:] if not named[:2].isupper() else named
    return " ".join(
        word if word in STOPWORDS else words.surface.get(word, word)
        for word in corrected
        if word in STOPWORDS or key_words(word)
    )
