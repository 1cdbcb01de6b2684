"""`footprint rules check FILE` and `footprint rules list`: validate packs and run their examples."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.analyzer.engine import Engine
from auditor.analyzer.rules import active_rules, load_pack, load_packs
from auditor.analyzer.rules.schema import Rule


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """One embedded example run through its rule alone (role unknown, no other rule)."""

    rule_id: str
    index: int  # 1-based, in the rule's order
    text: str
    kind: str
    expect: bool
    got: bool
    score: float | None
    note: str = ""

    @property
    def passed(self) -> bool:
        return self.expect == self.got


@dataclass(frozen=True, slots=True)
class CheckResult:
    path: Path
    pack: str
    rules: tuple[str, ...]
    examples: tuple[ExampleResult, ...]
    #: (rule id, pattern) for patterns with no literal the prefilter can key on: they run only on
    #: texts where one of the rule's keywords occurs (rules/literals.py). A warning, not an error.
    unkeyed: tuple[tuple[str, str], ...] = ()

    @property
    def failures(self) -> tuple[ExampleResult, ...]:
        return tuple(e for e in self.examples if not e.passed)

    @property
    def ok(self) -> bool:
        return not self.failures

    def lines(self) -> list[str]:
        """What `footprint rules check` prints: the pack, each example's result, warnings, a verdict."""
        out = [f"{self.path}: pack {self.pack!r}, {len(self.rules)} rule(s): {', '.join(self.rules)}"]
        for e in self.examples:
            mark = "ok  " if e.passed else "FAIL"
            want = "finding" if e.expect else "no finding"
            got = f"score {e.score:.2f}" if e.score is not None else "no finding"
            out.append(f"  {mark} {e.rule_id} example {e.index} ({e.kind}, expects {want}): {got}: {e.text[:70]!r}")
        for rule_id, pattern in self.unkeyed:
            out.append(f"  warning: {rule_id}: a pattern has no literal text the prefilter can key on, so it runs "
                       f"only where a keyword occurs: {pattern[:80]!r}")
        passed = sum(e.passed for e in self.examples)
        out.append(f"{passed}/{len(self.examples)} example(s) passed" + ("" if self.ok else "; the pack fails its examples"))
        return out


def run_examples(rules: Iterable[Rule]) -> list[ExampleResult]:
    """Every example of every rule, each scanned by an engine holding only its own rule."""
    results: list[ExampleResult] = []
    for rule in rules:
        engine = Engine([rule])
        for i, example in enumerate(rule.examples, start=1):
            hits = [h for h in engine.scan(example.text, example.kind) if h.rule.id == rule.id]
            score = float(hits[0].score) if hits else None
            results.append(ExampleResult(rule.id, i, example.text, example.kind, example.expect,
                                         bool(hits), score, example.note))
    return results


def check_pack(path: Path | str) -> CheckResult:
    """Validate one pack (and that it composes with the built-in packs) and run its examples.

    An invalid pack raises RulePackError naming the file and the rule.
    """
    path = Path(path)
    pack = load_pack(path)
    active_rules(load_packs([path]))  # overrides and `disable` must resolve against the built-ins
    return CheckResult(path=path, pack=pack.name, rules=tuple(r.id for r in pack.rules),
                       examples=tuple(run_examples(pack.rules)),
                       unkeyed=tuple((r.id, p) for r in pack.rules for p in r.unkeyed))


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """One line of `footprint rules list`."""

    id: str
    kind: str  # "rule" (from a pack) or "detector"
    source: str  # pack name or detector id
    category: str
    severity: str
    description: str


def list_rules(extra_files: Sequence[Path | str] = ()) -> list[RuleInfo]:
    """The rules in force (built-in packs, then `extra_files`) and the code detectors' rule ids."""
    from auditor.analyzer.detectors.base import discover

    out = [RuleInfo(r.id, "rule", r.pack, r.category, r.severity.value, r.description or r.message)
           for r in active_rules(load_packs(extra_files))]
    for det in discover():
        for rule_id in det.emitted_ids():
            out.append(RuleInfo(rule_id, "detector", det.id, det.category, "varies", det.description))
    return out
