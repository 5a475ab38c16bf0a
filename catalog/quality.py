"""Internal research markers of the catalog data ("[I]", "[S]", "no verificado",
"Plausible, por confirmar") belong to editors, never to public pages.

``split_markers`` returns a text without them and whether it had any; the seed keeps
the original wording in the page's editor-only ``data_quality_notes``.
"""

import re

MARKERS = re.compile(
    r"\[(?:I|S)\]|plausible,\s*por\s*confirmar|no\s+verificad[oa]s?", re.IGNORECASE
)
_RULES = [
    # "(no verificado)", "(referencia, no verificada)" keep what comes before the marker.
    (
        re.compile(
            r"\s*\((?:no\s+verificad[oa]s?|plausible,\s*por\s*confirmar)\)", re.I
        ),
        "",
    ),
    (
        re.compile(
            r"[,;]\s*(?:no\s+verificad[oa]s?|plausible,\s*por\s*confirmar)(?=\s*\))",
            re.I,
        ),
        "",
    ),
    (re.compile(r"\s*\[(?:I|S)\]"), ""),
    (
        re.compile(
            r"[,;]?\s*(?:no\s+verificad[oa]s?|plausible,\s*por\s*confirmar)\b", re.I
        ),
        "",
    ),
    (re.compile(r"\(\s*\)"), ""),
    (re.compile(r"[ \t]{2,}"), " "),
]


def has_markers(text: str) -> bool:
    return bool(MARKERS.search(text or ""))


def split_markers(text: str) -> tuple[str, bool]:
    """The text without research markers, and whether it had any."""
    if not text or not has_markers(text):
        return text, False
    clean = text
    for pattern, replacement in _RULES:
        clean = pattern.sub(replacement, clean)
    return clean.strip(), True


def scrub(value, where: str, notes: list[str]):
    """``value`` (a string, or lists and dicts of them) without markers; each marked
    original is appended to ``notes`` as "where: text"."""
    if isinstance(value, str):
        clean, marked = split_markers(value)
        if marked:
            notes.append(f"{where}: {value.strip()}")
        return clean
    if isinstance(value, list):
        return [scrub(item, f"{where}[{i}]", notes) for i, item in enumerate(value)]
    if isinstance(value, tuple):
        return tuple(scrub(item, where, notes) for item in value)
    if isinstance(value, dict):
        return {
            key: scrub(item, f"{where}.{key}", notes) for key, item in value.items()
        }
    return value
