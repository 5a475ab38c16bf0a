"""The corruption-risk detectors (docs/domain.md §4.4): plain functions over case facts.

Each detector module defines ``detect(group, thresholds)`` for one *scope* and is
listed in ``MODULES``. The engine (oversight/scan.py) hands it every group of that
scope: one case, one procedure of one entity, one contact point, or one officer's
cases; the full scan hands it all groups, the incremental scan only the groups the
new events touched. A finding must therefore depend only on its group, and on events
up to the moment it describes, so that both scans agree.

What each detector is for, its leg of the triangle, its severity and its thresholds
live in ``oversight/data/detectors.yaml`` (``thresholds.py`` reads it).
"""

import datetime
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from oversight.facts import CaseFacts

SCOPES = ("case", "procedure", "contact", "officer")


@dataclass(frozen=True)
class Finding:
    """A lead for an auditor, never a verdict.

    ``key`` is stable: the same pattern found again is the same flag.
    ``summary`` is plain Spanish without personal data (no names, no contact
    values: digests stay digests)."""

    detector: str
    key: str
    summary: str
    at: datetime.datetime
    evidence: tuple[int, ...]  # audit event ids, in time order
    radicados: tuple[str, ...] = ()
    entity: str = ""  # entity code
    procedure: str = ""
    officer: str = ""  # actor_id of the officer the lead is about, if any
    severity: str = ""  # "" = the detector's default


@dataclass(frozen=True)
class Detector:
    code: str
    scope: str
    detect: Callable[[list[CaseFacts], "object"], Iterable[Finding]]
    # A detector with parts of different scopes (D12) registers each part as
    # "<code>:<part>"; its findings still carry the code.
    part: str = ""

    @property
    def name(self) -> str:
        return f"{self.code}:{self.part}" if self.part else self.code


# Module names under oversight/detectors, one per detector (or per family).
MODULES = (
    "d01",
    "d02",
    "d03",
    "d04",
    "d05",
    "d06",
    "d07",
    "d08",
    "d09",
    "d10",
    "d11",
    "d12",
    "d15",
)


@cache
def registry() -> dict[str, Detector]:
    detectors = {}
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        for detector in module.DETECTORS:
            assert detector.scope in SCOPES, detector
            assert detector.name not in detectors, detector
            detectors[detector.name] = detector
    return detectors


def group_keys(scope: str, facts: CaseFacts) -> list[tuple]:
    """The groups of ``scope`` one case belongs to (a case can share several
    contact points, and several officers can act on it)."""
    from oversight.facts import contact_points, officers

    if scope == "case":
        return [("case", facts.chain_key)]
    if scope == "procedure":
        return [("procedure", facts.entity, facts.procedure)]
    if scope == "contact":
        return [
            ("contact", kind, value) for kind, value in sorted(contact_points(facts))
        ]
    if scope == "officer":
        return [("officer", officer) for officer in sorted(officers(facts))]
    raise ValueError(scope)


class Group(list):
    """A group's cases, knowing its key: a contact-point detector must know which
    point the group shares (its cases may share several)."""

    __slots__ = ("key",)

    def __init__(self, key: tuple, members: Iterable[CaseFacts] = ()):
        super().__init__(members)
        self.key = key


def groups(scope: str, cases: Iterable[CaseFacts]) -> dict[tuple, Group]:
    """Every group of ``scope`` with its cases, each group in filing order."""
    grouped: dict[tuple, Group] = {}
    for facts in cases:
        for key in group_keys(scope, facts):
            members = grouped.get(key)
            if members is None:
                members = grouped[key] = Group(key)
            members.append(facts)
    for members in grouped.values():
        members.sort(key=lambda f: (f.filed_at is None, f.filed_at, f.chain_key))
    return grouped


def run(detector: Detector, cases: Iterable[CaseFacts], thresholds) -> list[Finding]:
    """All findings of one detector over all the groups of its scope."""
    findings = []
    for members in groups(detector.scope, cases).values():
        findings.extend(detector.detect(members, thresholds))
    return findings
