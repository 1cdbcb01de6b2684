"""Code detectors: logic over several rows or the graph, one file each, found by package scan.

Two kinds, both found the same way:

- A `Detector` sets `id`, `category` and `description` (and `rule_ids` when it emits findings
  under several ids), and implements `run(ctx)` over the whole footprint (accounts, the graph,
  places and media).
- A `TextDetector` looks at one text and the text it answers (`context`: the review a reply is
  to). It runs inside the rule engine's single pass: its `rule` (message, citations, keywords,
  targets, examples) joins the engine's keyword prefilter, and `scan()` runs only when one of its
  keywords is in the text. Its examples run in the test suite like a pack rule's.

Dropping a module into `auditor/analyzer/detectors/` is enough: `discover()` and
`discover_text()` import every module of the package and collect the concrete subclasses defined
there; third-party detectors come from the `footprint.detectors` entry-point group. Two detectors
claiming one id is an error.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from functools import cache
from importlib.metadata import entry_points
from typing import Any, ClassVar

from auditor.analyzer.context import AccountView, AnalysisContext
from auditor.analyzer.hit import Hit, ScanStats
from auditor.analyzer.rules.model import DEFAULT_TARGETS, Example, Rule
from auditor.analyzer.scoring import score_of
from auditor.codes import check_ref, resolve
from auditor.findings import CATEGORIES, Citation, Contribution, Finding, ItemRef, Severity


class Detector(ABC):
    """A code detector. Parameters are constructor arguments with defaults."""

    id: ClassVar[str]
    category: ClassVar[str]
    description: ClassVar[str] = ""
    #: The rule ids of the findings it emits (same namespace as pack rule ids); default (id,).
    rule_ids: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def emitted_ids(cls) -> tuple[str, ...]:
        return cls.rule_ids or (cls.id,)

    @abstractmethod
    def run(self, ctx: AnalysisContext) -> Iterable[Finding]:
        """Findings for the subject that `ctx` reads."""

    # -- helpers for subclasses -----------------------------------------------------------------

    @staticmethod
    def cite(ctx: AnalysisContext, refs: Sequence[str]) -> tuple[Citation, ...]:
        """The citations of `refs` that apply to the subject's codes."""
        return resolve(refs, ctx.codes)

    @staticmethod
    def account_item(account: AccountView) -> ItemRef:
        """The item of an account-level finding (DESIGN: item.type "account")."""
        return ItemRef(type="account", platform=account.platform, native_id=account.item_id, url=account.url)


def account_finding(ctx: AnalysisContext, *, rule_id: str,
                    category: str, severity: Severity, account: AccountView, message: str,
                    evidence: str, spans: Sequence[tuple[int, int]], contributions: Sequence[Contribution],
                    citations: Sequence[str], remediation: str) -> Finding:
    """A finding about an account as a whole; its identity is empty, so the fingerprint hashes
    rule, platform and account id only (DESIGN: account findings)."""
    parts, score = score_of(contributions)
    return Finding(
        rule_id=rule_id, category=category, severity=severity, score=score, message=message,
        item=Detector.account_item(account), account_id=account.id, excerpt=evidence,
        spans=tuple(spans), contributions=parts, citations=resolve(citations, ctx.codes),
        remediation=remediation, identity="",
    )


class TextDetector(ABC):
    """A code detector over one text and the text it answers, run in the engine's single pass."""

    id: ClassVar[str]
    category: ClassVar[str]
    description: ClassVar[str] = ""
    #: Message, severity, keywords (the prefilter), targets, citations, remediation, examples.
    rule: ClassVar[Rule]

    @classmethod
    def emitted_ids(cls) -> tuple[str, ...]:
        return (cls.rule.id,)

    @abstractmethod
    def scan(self, text: str, *, kind: str, context: str | None,
             stats: ScanStats | None = None) -> Hit | None:
        """A hit on `text` (folded, textfold.py) of content kind `kind`, or None."""


def text_rule(*, id: str, category: str, severity: Severity, message: str, description: str,
              keywords: Sequence[str], citations: Sequence[str], remediation: str,
              examples: Sequence[Example], targets: Iterable[str] = DEFAULT_TARGETS, score: float = 0.6,
              min_score: float = 0.5, escalate: Sequence[tuple[Severity, float]] = (),
              supersedes: Sequence[str] = (), mosaic: bool = False) -> Rule:
    """The metadata of a text detector as a `Rule` (no patterns: the detector's code matches)."""
    if category not in CATEGORIES:
        raise ValueError(f"{id}: unknown category {category!r}")
    for ref in citations:
        check_ref(ref)
    kinds = frozenset(targets)
    if not any(e.expect for e in examples) or all(e.expect for e in examples):
        raise ValueError(f"{id}: needs positive and negative examples")
    return Rule(id=id, pack=f"detector:{id}", category=category, severity=severity, score=score,
                min_score=min_score, message=message, keywords=tuple(keywords), patterns=(), context=(),
                negatives=(), targets=kinds, citations=tuple(citations), remediation=remediation,
                examples=tuple(examples), escalate=tuple(escalate), supersedes=tuple(supersedes),
                description=description, mosaic=mosaic)


def _classes(base: type[Any]) -> dict[str, Any]:
    """The concrete subclasses of `base` in this package's modules and the entry points, by id."""
    from auditor.analyzer import detectors as pkg

    found: dict[str, Any] = {}

    def add(cls: Any) -> None:
        if cls.id in found and found[cls.id] is not cls:  # type: ignore[attr-defined]
            raise RuntimeError(f"two detectors are named {cls.id!r}: {found[cls.id]!r} and {cls!r}")  # type: ignore[attr-defined]
        found[cls.id] = cls  # type: ignore[attr-defined]

    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name == "base" or mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"{pkg.__name__}.{mod.name}")
        for obj in vars(module).values():
            if (isinstance(obj, type) and issubclass(obj, base) and obj.__module__ == module.__name__
                    and not inspect.isabstract(obj)):
                add(obj)
    for ep in entry_points(group="footprint.detectors"):
        loaded = ep.load()
        if isinstance(loaded, type) and issubclass(loaded, base):
            add(loaded)
    return found


@cache
def _all() -> tuple[tuple[type[Detector], ...], tuple[type[TextDetector], ...]]:
    whole = _classes(Detector)
    text = _classes(TextDetector)
    clash = set(whole) & set(text)
    if clash:
        raise RuntimeError(f"two detectors are named {min(clash)!r}")
    ids = [i for cls in [*whole.values(), *text.values()] for i in cls.emitted_ids()]
    if len(ids) != len(set(ids)):
        raise RuntimeError(f"detectors emit overlapping rule ids: {sorted(ids)}")
    return (tuple(whole[k] for k in sorted(whole)), tuple(text[k] for k in sorted(text)))


def discover() -> tuple[type[Detector], ...]:
    """Every whole-footprint detector class, sorted by id; raises on duplicate ids."""
    return _all()[0]


def discover_text() -> tuple[type[TextDetector], ...]:
    """Every per-text detector class, sorted by id; raises on duplicate ids."""
    return _all()[1]
