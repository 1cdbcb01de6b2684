"""The analyzer: rule packs and code detectors over one subject's stored footprint.

`analyze(session, subject_id)` reads the subject's accounts and texts through an
`AnalysisContext`, runs the rule engine over every text and every code detector over the whole,
and returns the findings. It writes nothing: persisting an audit run is the caller's job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from auditor.analyzer.check import CheckResult, ExampleResult, RuleInfo, check_pack, list_rules
from auditor.analyzer.context import AnalysisContext, ScanRow
from auditor.analyzer.detectors.base import Detector, TextDetector, discover, discover_text
from auditor.analyzer.engine import Engine, engine_for, scan_text, sort_findings
from auditor.analyzer.rules import active_rules, load_packs, rules_version
from auditor.analyzer.rules.schema import Rule, RulePack
from auditor.analyzer.superset import SET_MIN_TEXTS
from auditor.errors import RulePackError
from auditor.findings import Finding

__all__ = [
    "AnalysisContext", "AnalysisResult", "CheckResult", "Detector", "Engine", "ExampleResult", "Rule",
    "RuleInfo", "RulePack", "TextDetector", "analyze", "analyze_into", "check_pack", "list_rules", "load_packs", "scan_text",
]


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    #: Deduplicated by fingerprint; severity, score (both highest first), then fingerprint.
    findings: list[Finding]
    #: Package version plus a digest of the loaded packs: stored with the audit run.
    rules_version: str
    rule_ids: tuple[str, ...] = field(default=())
    detector_ids: tuple[str, ...] = field(default=())


#: Progress of a long step: (what, done, total or None).
Progress = Callable[[str, int, int | None], None]
#: Texts between two progress calls.
PROGRESS_EVERY = 2000


def analyze(session: Session, subject_id: int, *, rule_files: Sequence[Path] = (),
            include_messages: bool = False, progress: Progress | None = None) -> AnalysisResult:
    """Run every active rule and code detector over one subject's non-deleted data.

    `progress("analysing posts", done, total)` is called every PROGRESS_EVERY texts and at the end."""
    found: list[Finding] = []
    info = analyze_into(found.append, session, subject_id, rule_files=rule_files,
                        include_messages=include_messages, progress=progress)
    return AnalysisResult(findings=dedupe(found), rules_version=info.rules_version,
                          rule_ids=info.rule_ids, detector_ids=info.detector_ids)


def analyze_into(sink: Callable[[Finding], object], session: Session, subject_id: int, *,
                 rule_files: Sequence[Path] = (), include_messages: bool = False,
                 progress: Progress | None = None,
                 meanwhile: Callable[[], object] | None = None) -> AnalysisResult:
    """`analyze`, handing each finding to `sink` as it is made instead of keeping them (an
    audit writes them out in batches, so memory does not grow with the footprint). The
    findings are not deduplicated; the result's `findings` is empty.

    A big footprint's texts are scanned by worker processes (parallel.py); `meanwhile`, when
    given, is called once in this process while they work (or before the scan when there are
    none). What it hands `sink` comes before the texts' findings, and the findings reach
    `sink` in the same order either way."""
    from auditor.analyzer.parallel import (
        PARALLEL_MIN_TEXTS,
        SPAN,
        ParallelScan,
        database_url,
        text_findings,
        workers_wanted,
    )

    packs = load_packs(rule_files)
    rules = active_rules(packs)
    detectors = discover()
    text_detectors = discover_text()
    _check_id_collisions(rules, [*detectors, *text_detectors])
    ctx = AnalysisContext(session, subject_id, include_messages=include_messages)
    total = ctx.count_texts()
    fast = None if total >= SET_MIN_TEXTS else False
    engine = engine_for(rules, text_detectors, fast=fast)

    workers = workers_wanted() if total >= PARALLEL_MIN_TEXTS else 1
    url = database_url(session) if workers > 1 else None
    done = 0
    if url is None and meanwhile is not None:  # no workers: before the scan
        meanwhile()
    if progress is not None:
        progress("analysing posts", done, total)
    if url is not None:
        spans = list(ctx.spans(SPAN))
        with ParallelScan(url, subject_id, include_messages=include_messages, rule_files=rule_files,
                          engine=engine, fast=fast, spans=spans, workers=workers) as scan:
            if meanwhile is not None:
                meanwhile()
            for rows, found in scan:
                for finding in found:
                    sink(finding)
                done += rows
                if progress is not None:
                    progress("analysing posts", done, total)
    else:
        def counted(rows: Iterator[ScanRow]) -> Iterator[ScanRow]:
            nonlocal done
            for row in rows:
                done += 1
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress("analysing posts", done, total)
                yield row

        for finding in text_findings(engine, ctx, counted(ctx.scan_rows())):
            sink(finding)
        if progress is not None:
            progress("analysing posts", done, total)
    for detector_cls in detectors:
        for finding in detector_cls().run(ctx):
            sink(finding)
    return AnalysisResult(findings=[], rules_version=rules_version(packs),
                          rule_ids=tuple(r.id for r in rules),
                          detector_ids=tuple(sorted([*(d.id for d in detectors), *(d.id for d in text_detectors),
                                                     *(r.id for r in (engine.learned.rules if engine.learned else ()))])))


def dedupe(findings: Sequence[Finding]) -> list[Finding]:
    """One finding per fingerprint (the most severe, then highest-scoring), sorted."""
    best: dict[str, Finding] = {}
    for f in findings:
        kept = best.get(f.fingerprint)
        if kept is None or (f.severity.rank, f.score) > (kept.severity.rank, kept.score):
            best[f.fingerprint] = f
    return sort_findings(best.values())


def _check_id_collisions(rules: Sequence[Rule], detectors: Sequence[type[Detector | TextDetector]]) -> None:
    rule_ids = {r.id: r for r in rules}
    for det in detectors:
        for rule_id in det.emitted_ids():
            if rule_id in rule_ids:
                raise RulePackError(f"rule {rule_id!r} has the id of a code detector's finding ({det.id}); "
                                    f"choose another id", path=rule_ids[rule_id].pack)
