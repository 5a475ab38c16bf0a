"""Every document a comment, docstring or data file cites is in the repository.

A citation such as "reliability.md L-8" or "../shared/domain.md" sends a newcomer to a
file only its author had. The facts the code relies on live in ``docs/``; a citation
of a section (``docs/domain.md §10``) or of a target (``docs/reliability.md S-7``)
must name one that the page really has."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PATTERNS = ("*.py", "*.yaml", "*.yml", "*.html", "*.md")

# A Markdown document named by path, not inside a URL or a longer name.
CITED_DOCUMENT = re.compile(r"(?<![\w./:-])((?:\.\./)*[\w-]+(?:/[\w.-]+)*\.md)\b")
SECTION = re.compile(r"(docs/[\w-]+\.md)[`\s]*§(\d+(?:\.\d+)*)")
TARGETS = re.compile(r"(docs/[\w-]+\.md)((?:[\s,;]+[A-Z]-\d+\b)+)")

# These files quote bad citations on purpose, as examples of what is refused.
SELF = {"tests/test_docs_citations.py", "tests/test_repository.py"}


def tracked_files() -> list[str]:
    result = subprocess.run(
        ["git", "ls-files", "-z", "--", *PATTERNS],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    return [name for name in result.stdout.decode().split("\0") if name]


def exists(name: str, cited: str) -> bool:
    if cited.startswith("../"):
        # Relative links may climb inside the repository, never out of it.
        target = (ROOT / name).parent.joinpath(cited).resolve()
        return target.is_relative_to(ROOT) and target.is_file()
    return (ROOT / cited).is_file() or ((ROOT / name).parent / cited).is_file()


def headings(page: str) -> set[str]:
    numbers = set()
    for line in (ROOT / page).read_text().splitlines():
        found = re.match(r"#+\s+\(?([0-9]+(?:\.[0-9]+)*)[.)\s]", line)
        if found:
            numbers.add(found.group(1))
    return numbers


def target_ids(page: str) -> set[str]:
    return set(re.findall(r"^\| \**([A-Z]-\d+)\** \|", (ROOT / page).read_text(), re.M))


def bad_citations(name: str, text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        where = f"{name}:{number}: {line.strip()}"
        if "../shared" in line:
            found.append(where)
            continue
        for cited in CITED_DOCUMENT.findall(line):
            if not exists(name, cited):
                found.append(f"{where} ({cited} is not in the repository)")
        for page, section in SECTION.findall(line):
            if (ROOT / page).is_file() and section not in headings(page):
                found.append(f"{where} ({page} has no §{section})")
        for page, ids in TARGETS.findall(line):
            if (ROOT / page).is_file():
                for target in re.findall(r"[A-Z]-\d+", ids):
                    if target not in target_ids(page):
                        found.append(f"{where} ({page} has no target {target})")
    return found


def test_every_cited_document_is_in_the_repository():
    files = tracked_files()
    assert "docs/domain.md" in files and "docs/reliability.md" in files
    found = []
    for name in files:
        if name not in SELF and (ROOT / name).is_file():
            found += bad_citations(name, (ROOT / name).read_text(errors="replace"))
    assert not found, "\n".join(found)


def test_the_docs_pages_hold_what_the_code_cites():
    assert {"0", "2.4", "3.1", "3.2", "5.1", "9", "10"} <= headings("docs/domain.md")
    assert {"S-3", "S-7", "L-8", "P-4", "W-1", "W-3", "W-5"} <= target_ids(
        "docs/reliability.md"
    )


@pytest.mark.parametrize(
    "line",
    [
        '"""Terms of Ley 1755 (domain.md §3.1)."""',
        "# see reliability.md L-8",
        "# as in ../shared/DESIGN.md",
        "# house rules: style.md",
        "# docs/domain.md §99",
        '"""docs/reliability.md S-7, Z-9: throttling."""',
        "[the brief](../../../shared/domain.md)",
    ],
)
def test_the_check_refuses_documents_outside_the_repository(line):
    assert bad_citations("catalog/data/x.py", line)


@pytest.mark.parametrize(
    "line",
    [
        "# Generado a partir de docs/domain.md §10; ver catalog/data/README.md",
        '"""docs/reliability.md L-8, P-4; Ley 1581."""',
        "(docs/domain.md §3.1–§3.2)",
        "of [`docs/domain.md` §10](../../docs/domain.md), written by hand.",
        "https://github.com/wagtail/wagtail/blob/main/CHANGELOG.md",
    ],
)
def test_the_check_accepts_documents_of_the_repository(line):
    assert not bad_citations("catalog/data/x.py", line)
