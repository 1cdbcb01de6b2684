"""Code detectors: logic over several rows or the graph, one file each, found by package scan.

A detector subclasses `Detector`, sets `id`, `category` and `description` (and `rule_ids` when
it emits findings under several ids), and implements `run(ctx)`. Dropping a module into
`auditor/analyzer/detectors/` is enough: `discover()` imports every module of the package and
collects the concrete subclasses defined there; third-party detectors come from the
`footprint.detectors` entry-point group. Two detectors claiming one id is an error.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from functools import cache
from importlib.metadata import entry_points
from typing import ClassVar

from auditor.analyzer.context import AccountView, AnalysisContext
from auditor.analyzer.scoring import score_of
from auditor.codes import resolve
from auditor.findings import Citation, Contribution, Finding, ItemRef, Severity


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


@cache
def discover() -> tuple[type[Detector], ...]:
    """Every detector class, sorted by id; raises on duplicate ids."""
    from auditor.analyzer import detectors as pkg

    found: dict[str, type[Detector]] = {}

    def add(cls: type[Detector]) -> None:
        if cls.id in found and found[cls.id] is not cls:
            raise RuntimeError(f"two detectors are named {cls.id!r}: {found[cls.id]!r} and {cls!r}")
        found[cls.id] = cls

    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name == "base" or mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"{pkg.__name__}.{mod.name}")
        for obj in vars(module).values():
            if (isinstance(obj, type) and issubclass(obj, Detector) and obj.__module__ == module.__name__
                    and not inspect.isabstract(obj)):
                add(obj)
    for ep in entry_points(group="footprint.detectors"):
        add(ep.load())
    ids = [i for cls in found.values() for i in cls.emitted_ids()]
    if len(ids) != len(set(ids)):
        raise RuntimeError(f"detectors emit overlapping rule ids: {sorted(ids)}")
    return tuple(found[k] for k in sorted(found))
