"""The tracked source names no file of a particular machine: no home or work
directories, no scratch files outside the repository. A fresh clone must be
self-contained; a path like /home/ana/notes.md or /work/shared/x.csv only works
where it was written."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PATTERNS = ("*.py", "*.html", "*.txt", "*.yaml", "*.yml", "*.md", "*.toml", "*.cfg")
PATTERNS += ("*.ini", "*.sh", "*.json", "Makefile", "Dockerfile", "*.css", "*.js")

# A Unix home, work, mount or scratch directory, or a Windows user profile, as the
# start of a path (not inside a URL such as https://host/tmp/…).
MACHINE_PATH = re.compile(
    r"(?<![\w.:/~-])(?:/(?:work|home|Users|root|tmp|mnt)/[\w.{}$-]"
    r"|[A-Za-z]:\\\\?(?:Users|Documents and Settings)\\)"
)

# Each allowed occurrence, with why it is not a reference to someone's machine.
ALLOWED = {
    # A throw-away database for collectstatic/check while the image is built.
    ("Dockerfile", "sqlite:////tmp/build.sqlite3"),
    # `make lock` builds the lock file in a scratch virtualenv it creates itself.
    ("Makefile", "/tmp/ventanilla-lock"),
    # The audit benchmark writes its own checkpoints to a scratch directory.
    ("bench/audit/run.py", '"/tmp/{DB_NAME}-checkpoints"'),
    ("bench/README.md", "/tmp/ventanilla_bench_audit-checkpoints"),
}


def tracked_files() -> list[str]:
    result = subprocess.run(
        ["git", "ls-files", "-z", "--", *PATTERNS],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    return [name for name in result.stdout.decode().split("\0") if name]


def machine_paths(name: str, text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if not MACHINE_PATH.search(line):
            continue
        if any(path == name and snippet in line for path, snippet in ALLOWED):
            continue
        found.append(f"{name}:{number}: {line.strip()}")
    return found


def test_no_tracked_file_names_a_path_of_a_particular_machine():
    files = tracked_files()
    assert "procedures/calendar.py" in files and len(files) > 100
    found = []
    for name in files:
        path = ROOT / name
        # This file's own examples and allowances are what the check looks for.
        if path.is_file() and name != "tests/test_repository.py":
            found += machine_paths(name, path.read_text(errors="replace"))
    assert not found, "\n".join(found)


def test_every_allowed_exception_is_still_needed():
    # A stale exception would silently allow the next real machine path there.
    for name, snippet in ALLOWED:
        assert snippet in (ROOT / name).read_text(), (name, snippet)


@pytest.mark.parametrize(
    "line",
    [
        "see ``/work/shared/domain.md`` §3",
        "python3 /tmp/check_catalog.py data",
        "open('/home/ana/notas.txt')",
        "C:\\Users\\ana\\Desktop\\tarifas.xlsx",
        "/Users/ana/ventanilla/README.md",
    ],
)
def test_the_check_recognises_machine_paths(line):
    assert machine_paths("x.py", line)


@pytest.mark.parametrize(
    "line",
    [
        "https://bogota.gov.co/servicios/guia-de-tramites-y-servicios/x",
        "path('mis-tramites/', include('procedures.urls'))",
        "href='/tramites/'",
        "settings.PRIVATE_MEDIA_ROOT / 'casos'",
        "C:\\Windows\\system32\\x.pdf",  # a hostile upload name in a test
    ],
)
def test_the_check_leaves_urls_and_project_paths_alone(line):
    assert not machine_paths("x.py", line)
