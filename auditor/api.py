"""The library facade: what the CLI and the tests call. Each function owns its transactions.

Heavy modules (connectors, analyzer, reports) are imported inside the functions that use them,
so `footprint --help` stays fast.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from auditor.db import open_engine, rowcount
from auditor.errors import InputError, UsageError
from auditor.models import AuditRun, FindingRow, Subject

PROFESSIONS = ("counselor", "psychologist", "social-worker", "mft", "other")
ROLES = ("personal", "professional")
Notify = Callable[[str], None]
#: Progress of a long step: (what, done, total or None when unknown).
StageProgress = Callable[[str, int, "int | None"], None]


def _quiet(_: str) -> None:
    pass


# -- subjects ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SubjectInfo:
    id: int
    name: str
    profession: str | None
    state: str | None
    covered_entity: bool | None


def _info(s: Subject) -> SubjectInfo:
    return SubjectInfo(s.id, s.name, s.profession, s.state, s.covered_entity)


def _check_profession(profession: str | None) -> None:
    if profession is not None and profession not in PROFESSIONS:
        raise UsageError(f"unknown profession {profession!r}; choose one of {', '.join(PROFESSIONS)}")


def subject_add(db: str | None, name: str, *, profession: str | None = None, state: str | None = None,
                covered_entity: bool | None = None) -> SubjectInfo:
    """Create a subject (a practitioner); an existing name is a usage error."""
    _check_profession(profession)
    engine = open_engine(db, create=True)
    with Session(engine) as s, s.begin():
        if s.scalars(select(Subject).where(Subject.name == name)).first():
            raise UsageError(f"subject {name!r} exists already; use `footprint subject set`")
        subj = Subject(name=name, profession=profession, state=state.upper() if state else None,
                       covered_entity=covered_entity)
        s.add(subj)
        s.flush()
        return _info(subj)


def subject_set(db: str | None, name: str, *, profession: str | None = None, state: str | None = None,
                covered_entity: bool | None = None) -> SubjectInfo:
    """Change a subject's profession, state or covered-entity flag (what is not given stays)."""
    _check_profession(profession)
    engine = open_engine(db, create=False)
    with Session(engine) as s, s.begin():
        subj = _subject_named(s, name)
        if profession is not None:
            subj.profession = profession
        if state is not None:
            subj.state = state.upper()
        if covered_entity is not None:
            subj.covered_entity = covered_entity
        return _info(subj)


def subjects(db: str | None) -> list[SubjectInfo]:
    engine = open_engine(db, create=False)
    with Session(engine) as s:
        return [_info(x) for x in s.scalars(select(Subject).order_by(Subject.name))]


def _subject_named(s: Session, name: str) -> Subject:
    subj = s.scalars(select(Subject).where(Subject.name == name)).first()
    if subj is None:
        names = ", ".join(s.scalars(select(Subject.name).order_by(Subject.name))) or "none yet"
        raise UsageError(f"no subject named {name!r} (subjects: {names})")
    return subj


def _subjects_for_read(s: Session, name: str | None) -> list[Subject]:
    if name:
        return [_subject_named(s, name)]
    found = list(s.scalars(select(Subject).order_by(Subject.name)))
    if not found:
        raise InputError("the database holds no subject yet; run `footprint ingest` first")
    return found


# -- ingest --------------------------------------------------------------------------------------

def ingest(db: str | None, paths: Sequence[Path], *, role: str | None = None, subject: str | None = None,
           platform: str | None = None, include_messages: bool = False, notify: Notify = _quiet,
           engine: Engine | None = None, roles: Sequence[str | None] | None = None,
           progress: Callable[[str, int], None] | None = None) -> list:
    """Ingest each path in its own transaction and return one `IngestResult` per path.

    `roles`, when given, is a role per path (scan's --personal/--professional); otherwise `role`
    applies to all. `progress(label, records)` is called as records stream in.
    """
    from auditor.ingest import ingest_records

    if role is not None and role not in ROLES:
        raise UsageError(f"unknown role {role!r}; choose personal or professional")
    engine = engine or open_engine(db, create=True)
    results = []
    upcoming: _Reading | None = None
    try:
        for i, path in enumerate(paths):
            path_role = roles[i] if roles is not None else role
            current, upcoming = upcoming, None
            if current is None:
                current = _Reading.start(path, platform, include_messages)
                assert current is not None
            try:
                with Session(engine) as s, s.begin():
                    resolver = _subject_resolver(s, subject, notify)
                    if i + 1 < len(paths):
                        # The next big archive's reader starts now, and parses while this one is
                        # written (its items wait in the child, `readahead.AHEAD_BYTES`).
                        upcoming = _Reading.ahead(paths[i + 1], platform, include_messages)
                    results.append(ingest_records(
                        s, current.records,
                        source=current.source, connector=current.connector, resolve_subject=resolver,
                        role=path_role,
                        progress=functools.partial(progress, str(path)) if progress else None))
            finally:
                current.close()
    finally:
        if upcoming is not None:
            upcoming.close()
    return results


class _Reading:
    """One archive opened, its connector found, and its records coming: from a child process
    that reads it ahead (readahead.py) when the archive is big, else read here as they are
    taken. Close it when done (an unread child is ended)."""

    def __init__(self, source: Any, connector: Any, records: Iterator[Any], ahead: Any) -> None:
        self.source, self.records, self._ahead = source, records, ahead
        self.connector: str = connector.name

    @classmethod
    def start(cls, path: Path, platform: str | None, include_messages: bool, *,
              only_ahead: bool = False) -> _Reading | None:
        """The archive at `path` opened and its reading started (None: `only_ahead` and it is
        not worth a child)."""
        from auditor import readahead, registry
        from auditor.guard import guard_call, guard_records
        from auditor.ingest import prepare
        from auditor.sources import Source

        source = Source.open(path)
        try:
            worth_it = readahead.worth_it(source)
            if only_ahead and not worth_it:
                source.close()
                return None
            conn: Any = registry.get_connector(platform) if platform else guard_call(
                lambda: registry.detect(source), source_label=source.label, source=source)

            # The guard turns a connector's unexpected exception on hostile input into a
            # one-line input error naming the member (and the transaction rolls back).
            def read() -> Iterator[Any]:
                return guard_records(conn.read(source, include_messages=include_messages),
                                     source_label=source.label, source=source)

            if not worth_it:
                return cls(source, conn, read(), None)
            # A big archive is parsed in a second process while this one writes (readahead.py).
            ahead = readahead.start(lambda: map(prepare, read()))
            return cls(source, conn, iter(ahead), ahead)
        except BaseException:
            source.close()
            raise

    @classmethod
    def ahead(cls, path: Path, platform: str | None, include_messages: bool) -> _Reading | None:
        """`start` for the next archive, while the current one is written: only a big one, and
        anything that goes wrong (a missing file, an unknown format) is left for its turn, to
        be raised after the archives before it are stored, as when read one after another."""
        try:
            return cls.start(path, platform, include_messages, only_ahead=True)
        except Exception:  # noqa: BLE001 - raised again, in order, when its turn comes
            return None

    def close(self) -> None:
        if self._ahead is not None:
            self._ahead.close()
        self.source.close()


def _subject_resolver(s: Session, name: str | None, notify: Notify) -> Callable:
    """DESIGN's subject rules: --subject, else the only subject, else one named after the account."""
    from auditor.records import AccountRecord

    def resolve(rec: AccountRecord) -> Subject:
        if name:
            subj = s.scalars(select(Subject).where(Subject.name == name)).first()
            if subj is None:
                subj = Subject(name=name)
                s.add(subj)
                s.flush()
                notify(f"created subject {name!r}; set the profession with `footprint subject set`")
            return subj
        found = list(s.scalars(select(Subject).order_by(Subject.name)))
        if len(found) == 1:
            notify(f"attaching to subject {found[0].name!r}")
            return found[0]
        if len(found) > 1:
            raise UsageError("several subjects in this database ("
                             + ", ".join(x.name for x in found) + "); choose one with --subject")
        new_name = rec.display_name or rec.handle or f"{rec.platform} account"
        subj = Subject(name=new_name)
        s.add(subj)
        s.flush()
        notify(f"created subject {new_name!r} from the account; rename or set the profession with "
               "`footprint subject set`")
        return subj

    return resolve


# -- audit ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditSummary:
    run_id: int
    subjects: list[str]
    by_severity: dict[str, int]
    by_category: dict[str, int]
    total: int


def audit(db: str | None, *, subject: str | None = None, rules: Sequence[Path] = (),
          include_messages: bool = False, roster: Path | None = None,
          engine: Engine | None = None, progress: StageProgress | None = None) -> AuditSummary:
    """Run the analyzer over the subject(s) and store a new audit run (`progress(stage, done,
    total)` is told how far it got).

    The roster (CSV) is read before anything is written, held in memory for this audit only,
    and never stored: a bad roster is an input error with the database untouched.
    """
    from auditor.findings import CATEGORIES, SEVERITIES
    from auditor.runs import run_audit

    for r in rules:
        if not Path(r).is_file():
            raise InputError("no such rules file", path=str(r))
    clients = None
    if roster is not None:
        from auditor import roster as roster_mod

        clients = roster_mod.load(roster)
    engine = engine or open_engine(db, create=False)
    with Session(engine) as s, s.begin():
        subs = _subjects_for_read(s, subject)
        run = run_audit(s, [x.id for x in subs], rule_files=rules, include_messages=include_messages,
                        roster=clients, progress=progress)
        if progress is not None:
            progress("saving the findings", 0, None)
        rows = s.execute(select(FindingRow.severity, FindingRow.category, func.count())
                         .where(FindingRow.run_id == run.id, FindingRow.change != "resolved",
                                FindingRow.status.not_in(("false_positive", "remediated", "accepted_risk")))
                         .group_by(FindingRow.severity, FindingRow.category)).all()
        by_sev = dict.fromkeys(SEVERITIES, 0)
        by_cat = dict.fromkeys(CATEGORIES, 0)
        for sev, cat, n in rows:
            by_sev[sev] += n
            by_cat[cat] += n
        return AuditSummary(run.id, [x.name for x in subs], by_sev, by_cat, sum(by_sev.values()))


def exceeds(summary: AuditSummary, fail_on: str | None) -> bool:
    """True when an open finding is at or above the `--fail-on` severity."""
    if not fail_on:
        return False
    from auditor.findings import Severity

    try:
        floor = Severity(fail_on).rank
    except ValueError:
        raise UsageError(f"unknown severity {fail_on!r}; choose critical, high, medium or low") from None
    return any(n and Severity(sev).rank >= floor for sev, n in summary.by_severity.items())


# -- report --------------------------------------------------------------------------------------

def report_format(fmt: str | None, out: Path | None) -> str:
    """`--format`, else the `-o` file's suffix, else html."""
    from reports.render import FORMATS

    if fmt:
        return fmt.lower()
    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    return suffix if suffix in FORMATS else "html"


def report(db: str | None, *, subject: str | None = None, run: int | None = None, fmt: str | None = None,
           out: Path | None = None, redact: bool | None = None, auditor: str | None = None,
           engine: Engine | None = None, progress: StageProgress | None = None) -> tuple[str, str | bytes]:
    """Render a report; returns (format, text) and writes it owner-only to `out` when given."""
    from reports.render import FORMATS, redacts_by_default

    fmt = report_format(fmt, out)
    if fmt in FORMATS and FORMATS[fmt].binary and out is None:
        raise UsageError(f"{fmt} is a binary format: give an output file, e.g. -o report.{fmt}")
    if redact is None:
        redact = redacts_by_default(fmt)  # JSON is the complete machine format (DESIGN: report)
    engine = engine or open_engine(db, create=False)
    from reports.build import build_report
    from reports.overlap import overlap_view
    from reports.redact import Redactor
    from reports.render import render, write_report

    if progress is not None:
        progress(f"writing the {fmt} report", 0, None)
    with Session(engine) as s:
        ids = [x.id for x in _subjects_for_read(s, subject)]
        run_id = _run_for(s, run)
        view = build_report(s, subject_ids=ids, run_id=run_id, redact=redact, auditor=auditor,
                            overlap=overlap_view(s, run_id, ids, Redactor.disabled()),
                            discovered_accounts=_discovered(s, ids))
    text = render(view, fmt)
    if out is not None:
        write_report(out, text)
        _remember_report(engine, ids, view.run.id, out, fmt)
    return fmt, text


def _discovered(s: Session, subject_ids: Sequence[int]) -> list:
    """Social profiles linked from fetched pages (`fetch web`), from each page's newest import."""
    from auditor.ingest import latest_imports
    from reports.view import DiscoveredAccount

    out, seen = [], set()
    for sid in subject_ids:
        for imp in latest_imports(s, sid):
            for d in ((imp.counts or {}).get("page") or {}).get("discovered_accounts", []):
                key = (d["platform"], d["handle_or_url"])
                if key in seen:
                    continue
                seen.add(key)
                value = d["handle_or_url"]
                is_url = value.startswith(("http://", "https://"))
                out.append(DiscoveredAccount(d["platform"], None if is_url else value,
                                             value if is_url else None, d["command"],
                                             value if is_url else None))
    return out


def _remember_report(engine: Engine, subject_ids: Sequence[int], run_id: int, path: Path, fmt: str) -> None:
    """Note the file so `purge --reports` can remove it later (one row per subject it covers)."""
    from auditor.models import ReportFile

    with Session(engine) as s, s.begin():
        for sid in subject_ids:
            s.add(ReportFile(subject_id=sid, run_id=run_id, path=str(Path(path).resolve()), format=fmt))


# -- scan and demo -------------------------------------------------------------------------------

@dataclass
class ScanResult:
    ingested: list
    summary: AuditSummary
    report_path: Path
    extra_reports: list[Path] = field(default_factory=list)


def scan(db: str | None, paths: Sequence[Path] = (), *, personal: Sequence[Path] = (),
         professional: Sequence[Path] = (), role: str | None = None, out: Path | None = None,
         subject: str | None = None, roster: Path | None = None, notify: Notify = _quiet,
         progress: StageProgress | None = None) -> ScanResult:
    """One-off audit: ingest every path, audit, and write the report (`progress` is told how
    far each step got: records read, texts analysed)."""
    all_paths = [*paths, *personal, *professional]
    if not all_paths:
        raise UsageError("give at least one archive (PATH, --personal or --professional)")
    roles: list[str | None] = [role] * len(paths) + ["personal"] * len(personal) + \
        ["professional"] * len(professional)
    engine = open_engine(db, create=True)
    reading = (lambda label, n: progress(f"reading {Path(label).name}", n, None)) if progress else None
    ingested = ingest(db, all_paths, roles=roles, subject=subject, notify=notify, engine=engine,
                      progress=reading)
    names = sorted({r.subject for r in ingested})
    summary = audit(db, subject=names[0] if len(names) == 1 else None, roster=roster, engine=engine,
                    progress=progress)
    out = out or Path("footprint-report.html")
    report(db, subject=names[0] if len(names) == 1 else None, out=out, engine=engine, progress=progress)
    return ScanResult(ingested, summary, out)


DEMO_SUBJECT = "Dana Whitfield"


def demo_fixtures() -> Path:
    """The bundled demo archives: package data when installed, `fixtures/demo` in a checkout."""
    from importlib import resources

    try:
        root = resources.files("auditor.demo_data")
        path = Path(str(root))
        if path.is_dir() and any(path.iterdir()):
            return path
    except ModuleNotFoundError:
        pass
    path = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
    if path.is_dir():
        return path
    raise InputError("the demo fixtures are not installed")


def demo(out_dir: Path = Path("footprint-demo"), *, notify: Notify = _quiet,
         progress: StageProgress | None = None) -> ScanResult:
    """The whole audit on the bundled fixtures, in its own database and folder."""
    root = demo_fixtures()
    out_dir.mkdir(parents=True, exist_ok=True)
    out_dir.chmod(0o700)
    db_path = out_dir / "footprint.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db = str(db_path)
    subject_add(db, DEMO_SUBJECT, profession="mft", state="OR", covered_entity=True)
    personal = sorted(p for p in root.iterdir() if p.is_dir() and "personal" in p.name)
    professional = sorted(p for p in root.iterdir() if p.is_dir() and "professional" in p.name)
    result = scan(db, personal=personal, professional=professional, subject=DEMO_SUBJECT,
                  out=out_dir / "report.html", notify=notify, progress=progress)
    json_path = out_dir / "report.json"
    report(db, subject=DEMO_SUBJECT, out=json_path)
    result.extra_reports.append(json_path)
    return result


# -- rules ---------------------------------------------------------------------------------------

def rules_list() -> list:
    from auditor.analyzer import load_packs
    from auditor.analyzer.learned import default_model

    model = default_model()
    return [rule for pack in load_packs(()) for rule in pack.rules] + list(model.rules if model else ())


def rules_check(path: Path):  # type: ignore[no-untyped-def]
    from auditor.analyzer import check_pack

    if not path.is_file():
        raise InputError("no such rules file", path=str(path))
    return check_pack(path)


def latest_run_id(db: str | None) -> int | None:
    engine = open_engine(db, create=False)
    with Session(engine) as s:
        return s.scalars(select(func.max(AuditRun.id))).first()




# -- findings, decisions, diff -------------------------------------------------------------------

@dataclass(frozen=True)
class FindingLine:
    fingerprint: str
    subject: str
    severity: str
    category: str
    rule: str
    status: str
    change: str
    platform: str
    account: str | None
    item_type: str
    native_id: str | None
    message: str


def _run_for(s: Session, run: int | None) -> int:
    run_id = run if run is not None else s.scalars(select(func.max(AuditRun.id))).first()
    if run_id is None:
        raise InputError("no audit run yet; run `footprint audit` first")
    if s.get(AuditRun, run_id) is None:
        raise InputError(f"there is no audit run {run_id}")
    return run_id


def findings(db: str | None, *, subject: str | None = None, run: int | None = None,
             status: str | None = None, category: str | None = None, severity: str | None = None,
             account: str | None = None, change: str | None = None, rule: str | None = None) -> list[FindingLine]:
    """The findings of a run (default the latest), filtered; sorted by severity then score.

    A finding's status is the one the run recorded, unless a decision was taken after the run
    started (`footprint decide` without a re-run): then the newest such decision, as in the report.
    """
    engine = open_engine(db, create=False)
    with Session(engine) as s:
        subs = {x.id: x.name for x in _subjects_for_read(s, subject)}
        return _finding_lines(s, subs, _run_for(s, run), FindingFilters(status, category, severity, account,
                                                                        change, rule))


@dataclass(frozen=True)
class FindingFilters:
    """What `footprint findings` and a bulk `footprint decide` select by (None: any)."""

    status: str | None = None
    category: str | None = None
    severity: str | None = None
    account: str | None = None
    change: str | None = None
    rule: str | None = None

    def any(self) -> bool:
        return any((self.status, self.category, self.severity, self.account, self.change, self.rule))

    def check(self) -> None:
        """Unknown enumerated values are usage errors (a typo must not select nothing silently)."""
        from auditor.findings import CATEGORIES, SEVERITIES
        from auditor.triage import STATUSES

        for name, value, allowed in (("status", self.status, STATUSES), ("category", self.category, CATEGORIES),
                                     ("severity", self.severity, SEVERITIES),
                                     ("change", self.change, ("new", "unchanged", "reappeared", "resolved"))):
            if value and value not in allowed:
                raise UsageError(f"unknown {name} {value!r}; choose one of {', '.join(allowed)}")


def _finding_lines(s: Session, subs: dict[int, str], run_id: int, flt: FindingFilters) -> list[FindingLine]:
    from auditor.findings import Severity
    from auditor.models import Account
    from auditor.triage import decisions_since

    q = (select(FindingRow, Account.handle).outerjoin(Account, Account.id == FindingRow.account_id)
         .where(FindingRow.run_id == run_id, FindingRow.subject_id.in_(subs)))
    for col, value in ((FindingRow.category, flt.category), (FindingRow.severity, flt.severity),
                       (FindingRow.change, flt.change), (FindingRow.rule_id, flt.rule)):
        if value:
            q = q.where(col == value)
    if flt.account:
        q = q.where(Account.handle == flt.account.lstrip("@"))
    run_row = s.get(AuditRun, run_id)
    later = decisions_since(s, list(subs), run_row.started_at) if run_row is not None else {}
    rows = [(f, handle, later.get((f.subject_id, f.fingerprint), f.status)) for f, handle in s.execute(q).all()]
    if flt.status:
        rows = [r for r in rows if r[2] == flt.status]
    rows.sort(key=lambda r: (-Severity(r[0].severity).rank, -r[0].score, r[0].fingerprint))
    return [FindingLine(f.fingerprint, subs[f.subject_id], f.severity, f.category, f.rule_id, status,
                        f.change, f.platform, handle, f.item_type, f.native_id, f.message)
            for f, handle, status in rows]


def _check_decision(status: str, note: str) -> None:
    from auditor.triage import STATUSES

    if status not in STATUSES:
        raise UsageError(f"unknown status {status!r}; choose one of {', '.join(STATUSES)}")
    if not note.strip():
        raise UsageError("a decision needs a note (--note) saying why")


def decide(db: str | None, fingerprints: Sequence[str], *, status: str, note: str, who: str,
           subject: str | None = None) -> list[FindingLine]:
    """Record a decision on each fingerprint (a unique prefix of at least 6 characters is enough)."""
    from auditor.triage import decide_many

    if not fingerprints:
        raise UsageError("name at least one fingerprint (see `footprint findings`)")
    engine = open_engine(db, create=False)
    with Session(engine) as s, s.begin():
        subs = [x.id for x in _subjects_for_read(s, subject)]
        known = s.execute(select(FindingRow.fingerprint, FindingRow.subject_id)
                          .where(FindingRow.subject_id.in_(subs))).all()
        chosen: dict[str, int] = {}
        for prefix in fingerprints:
            if len(prefix) < 6:
                raise UsageError(f"fingerprint {prefix!r} is too short: give at least 6 characters")
            hits = {(fp, sid) for fp, sid in known if fp.startswith(prefix.lower())}
            if not hits:
                raise UsageError(f"no finding has the fingerprint {prefix!r}")
            if len({fp for fp, _ in hits}) > 1:
                raise UsageError(f"fingerprint {prefix!r} is ambiguous: give more characters")
            for fp, sid in hits:
                chosen[fp] = sid
        by_subject: dict[int, list[str]] = {}
        for fp, sid in chosen.items():
            by_subject.setdefault(sid, []).append(fp)
        for sid, fps in by_subject.items():
            decide_many(s, sid, fps, status, note, who)
    return [f for f in findings(db, subject=subject) if f.fingerprint in chosen]


def decide_matching(db: str | None, filters: FindingFilters, *, status: str, note: str, who: str,
                    subject: str | None = None, dry_run: bool = False) -> list[FindingLine]:
    """Decide every finding of the latest run that `footprint findings` would list with these filters.

    With `dry_run` nothing is written: the matching findings are returned for a preview (the CLI
    shows them and asks before it decides exactly those, with `decide`). At least one filter is
    needed; `subject` alone is not a filter (deciding a whole workspace at once is never meant).
    """
    from auditor.triage import decide_many

    if not filters.any():
        raise UsageError("give at least one filter (--rule, --account, --category, --severity, --change or "
                         "--current-status), or name fingerprints")
    filters.check()
    _check_decision(status, note)
    engine = open_engine(db, create=False)
    with Session(engine) as s, s.begin():
        subs = {x.id: x.name for x in _subjects_for_read(s, subject)}
        lines = _finding_lines(s, subs, _run_for(s, None), filters)
        if dry_run or not lines:
            return lines
        ids = {name: sid for sid, name in subs.items()}
        by_subject: dict[int, list[str]] = {}
        for line in lines:
            by_subject.setdefault(ids[line.subject], []).append(line.fingerprint)
        for sid, fps in by_subject.items():
            decide_many(s, sid, fps, status, note, who)
    chosen = {line.fingerprint for line in lines}
    return [f for f in findings(db, subject=subject) if f.fingerprint in chosen]


@dataclass(frozen=True)
class OverlapMark:
    """An overlap entry marked (or unmarked) "not the same person", and the findings it decided."""

    key: str
    subject: str
    person: str
    status: str
    fingerprints: tuple[str, ...]


def not_same_person(db: str | None, keys: Sequence[str], *, note: str, who: str, subject: str | None = None,
                    undo: bool = False) -> list[OverlapMark]:
    """Mark overlap entries as wrong matches: their people are not one person.

    A key is the entry's `key` in the JSON report (or the HTML's overlap table), or the
    fingerprint of one of the findings it raised; a unique prefix of 6+ characters is enough.
    The mark is a `false_positive` decision on the entry's key (kept across runs and newer
    archives), recorded together with one on each of the entry's current findings; `undo`
    records `open` on both instead.
    """
    from auditor.models import OverlapRow
    from auditor.triage import NOT_SAME_PERSON, decide_many, overlap_key

    if not keys:
        raise UsageError("name at least one overlap entry (its key in the report, or a finding's fingerprint)")
    status = "open" if undo else NOT_SAME_PERSON
    _check_decision(status, note)
    engine = open_engine(db, create=False)
    with Session(engine) as s, s.begin():
        subs = {x.id: x.name for x in _subjects_for_read(s, subject)}
        # Every stored entry, newest run first: a key from last year's report still resolves.
        entries: dict[tuple[int, str], OverlapRow] = {}
        for row in s.scalars(select(OverlapRow).where(OverlapRow.subject_id.in_(subs))
                             .order_by(OverlapRow.run_id.desc(), OverlapRow.position)):
            entries.setdefault((row.subject_id, overlap_key(row.memberships or [])), row)
        chosen: dict[tuple[int, str], OverlapRow] = {}
        for prefix in keys:
            want = prefix.lower()
            if len(want) < 6:
                raise UsageError(f"overlap key {prefix!r} is too short: give at least 6 characters")
            hits = {k: row for k, row in entries.items()
                    if k[1].startswith(want) or any(str(fp).startswith(want) for fp in row.fingerprints or [])}
            if not hits:
                raise UsageError(f"no overlap entry has the key {prefix!r} (see the report's client overlap "
                                 "section, or `footprint findings --category dual_relationship`)")
            if len({k for _, k in hits}) > 1:
                raise UsageError(f"overlap key {prefix!r} is ambiguous: give more characters")
            if len(hits) > 1:
                raise UsageError(f"overlap key {prefix!r} is on several subjects' lists: choose one with --subject")
            chosen.update(hits)
        out = []
        for (sid, key), row in chosen.items():
            fps = [str(fp) for fp in row.fingerprints or []]
            decide_many(s, sid, [key, *fps], status, note, who)
            out.append(OverlapMark(key, subs[sid], row.person, status, tuple(fps)))
        return out


@dataclass(frozen=True)
class DiffSummary:
    from_run: int | None
    to_run: int
    by_change: dict[str, int]
    by_category: dict[str, dict[str, int]]


def diff(db: str | None, *, subject: str | None = None, from_run: int | None = None,
         to_run: int | None = None) -> DiffSummary:
    """What changed between two runs: counts by change (new, resolved, ...) and by category."""
    from auditor.findings import CATEGORIES
    from auditor.runs import previous_run_id

    engine = open_engine(db, create=False)
    with Session(engine) as s:
        subs = [x.id for x in _subjects_for_read(s, subject)]
        to_id = _run_for(s, to_run)
        if from_run is not None:
            _run_for(s, from_run)
        else:
            prevs = [previous_run_id(s, sid, to_id) for sid in subs]
            from_run = max((p for p in prevs if p is not None), default=None)
        changes = ("new", "unchanged", "reappeared", "resolved")
        by_change = dict.fromkeys(changes, 0)
        by_cat = {c: dict.fromkeys(changes, 0) for c in CATEGORIES}
        if from_run is None or from_run == previous_run_id(s, subs[0], to_id):
            # Adjacent runs: the stored `change` of the newer run says it all.
            rows = s.execute(select(FindingRow.category, FindingRow.change)
                             .where(FindingRow.run_id == to_id, FindingRow.subject_id.in_(subs))).all()
            pairs = [(cat, ch) for cat, ch in rows]
        else:
            old = dict(s.execute(select(FindingRow.fingerprint, FindingRow.category).where(
                FindingRow.run_id == from_run, FindingRow.subject_id.in_(subs),
                FindingRow.change != "resolved")).all())
            new = dict(s.execute(select(FindingRow.fingerprint, FindingRow.category).where(
                FindingRow.run_id == to_id, FindingRow.subject_id.in_(subs),
                FindingRow.change != "resolved")).all())
            pairs = [(cat, "unchanged" if fp in old else "new") for fp, cat in new.items()]
            pairs += [(cat, "resolved") for fp, cat in old.items() if fp not in new]
        for cat, ch in pairs:
            by_change[ch] += 1
            by_cat[cat][ch] += 1
        return DiffSummary(from_run, to_id, by_change, by_cat)


# -- purge ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PurgeResult:
    subject: str
    rows: dict[str, int]
    vacuumed: bool
    #: Report files written for the subject that were left in place (without --reports).
    reports_left: list[str]


def purge(db: str | None, *, subject: str, reports: bool = False) -> PurgeResult:
    """Remove every row of a subject; on SQLite also vacuum and truncate the WAL.

    SQLite's `secure_delete` zeroes freed pages and VACUUM rebuilds the file, so the subject's text
    does not linger in the database file, its journal or its WAL. PostgreSQL keeps deleted tuples
    until its own VACUUM and keeps its write-ahead log and backups: see SECURITY.md.
    """
    from sqlalchemy import delete, text

    from auditor.models import (
        Account,
        AllowEntry,
        Connection,
        Content,
        Decision,
        Import,
        Interaction,
        Media,
        OverlapRow,
        ReportFile,
    )

    engine = open_engine(db, create=False)
    counts: dict[str, int] = {}
    with Session(engine) as s, s.begin():
        if engine.dialect.name == "sqlite":
            s.execute(text("PRAGMA secure_delete=ON"))
        subj = _subject_named(s, subject)
        account_ids = list(s.scalars(select(Account.id).where(Account.subject_id == subj.id)))
        for model in (Content, Connection, Interaction, Media):
            counts[model.__tablename__] = rowcount(s.execute(delete(model).where(model.account_id.in_(account_ids))))
        files = list(s.scalars(select(ReportFile.path).where(ReportFile.subject_id == subj.id)))
        removed = []
        if reports:
            for f in sorted(set(files)):
                if Path(f).is_file():
                    Path(f).unlink()
                    removed.append(f)
        counts["report files"] = len(removed)
        for owned in (FindingRow, OverlapRow, Decision, Import, AllowEntry, ReportFile):
            counts[owned.__tablename__] = rowcount(s.execute(delete(owned).where(owned.subject_id == subj.id)))
        counts["accounts"] = rowcount(s.execute(delete(Account).where(Account.subject_id == subj.id)))
        for run in s.scalars(select(AuditRun)):
            ids = (run.parameters or {}).get("subjects", [])
            if subj.id in ids:
                rest = [i for i in ids if i != subj.id]
                if rest:
                    run.parameters = {**run.parameters, "subjects": rest}
                else:
                    s.delete(run)
        s.delete(subj)
    vacuumed = False
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("PRAGMA secure_delete=ON")
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        vacuumed = True
    engine.dispose()
    return PurgeResult(subject, counts, vacuumed, sorted(set(files)) if not reports else [])


# -- corrections: account roles and the allowlist ------------------------------------------------

@dataclass(frozen=True)
class AccountLine:
    subject: str
    platform: str
    handle: str | None
    native_id: str | None
    role: str
    role_reason: str
    private: bool | None


def accounts(db: str | None, *, subject: str | None = None) -> list[AccountLine]:
    from auditor.models import Account

    engine = open_engine(db, create=False)
    with Session(engine) as s:
        out = []
        for subj in _subjects_for_read(s, subject):
            for a in s.scalars(select(Account).where(Account.subject_id == subj.id).order_by(Account.id)):
                out.append(AccountLine(subj.name, a.platform, a.handle, a.native_id, a.role, a.role_reason,
                                       a.private))
        return out


def _one_subject(s: Session, name: str | None) -> Subject:
    subs = _subjects_for_read(s, name)
    if len(subs) > 1:
        raise UsageError("several subjects in this database (" + ", ".join(x.name for x in subs)
                         + "); choose one with --subject")
    return subs[0]


def set_role(db: str | None, handle: str, role: str, *, platform: str | None = None,
             subject: str | None = None) -> AccountLine:
    """Fix an account's inferred role; the next audit scores its content with the new role."""
    from auditor.corrections import set_role as _set_role

    engine = open_engine(db, create=False)
    with Session(engine) as s, s.begin():
        subj = _one_subject(s, subject)
        a = _set_role(s, subj.id, handle, role, platform)
        return AccountLine(subj.name, a.platform, a.handle, a.native_id, a.role, a.role_reason, a.private)


@dataclass(frozen=True)
class AllowLine:
    id: int
    subject: str
    kind: str
    value: str
    note: str
    added_by: str


def allow_add(db: str | None, value: str, *, note: str, who: str, subject: str | None = None) -> AllowLine:
    """Allow a phrase, or an account when the value starts with '@'; the next audit suppresses matches."""
    from auditor.corrections import allow

    kind = "account" if value.startswith("@") else "phrase"
    engine = open_engine(db, create=False)
    with Session(engine) as s, s.begin():
        subj = _one_subject(s, subject)
        e = allow(s, subj.id, kind, value, note, who)
        return AllowLine(e.id, subj.name, e.kind, e.value, e.note, e.added_by)


def allow_list(db: str | None, *, subject: str | None = None) -> list[AllowLine]:
    from auditor.corrections import allow_entries

    engine = open_engine(db, create=False)
    with Session(engine) as s:
        return [AllowLine(e.id, subj.name, e.kind, e.value, e.note, e.added_by)
                for subj in _subjects_for_read(s, subject) for e in allow_entries(s, subj.id)]


def allow_remove(db: str | None, entry_id: int) -> None:
    from auditor.models import AllowEntry

    engine = open_engine(db, create=False)
    with Session(engine) as s, s.begin():
        e = s.get(AllowEntry, entry_id)
        if e is None:
            raise UsageError(f"no allowlist entry {entry_id} (see `footprint allow list`)")
        s.delete(e)


# -- batch ---------------------------------------------------------------------------------------

def batch(manifest: Path, out_dir: Path, *, notify: Notify = _quiet):  # type: ignore[no-untyped-def]
    """Audit every practice of a manifest into OUT/<practice>/ and write the portfolio summary."""
    from auditor.batch import run_batch

    return run_batch(manifest, out_dir, notify=notify, fetch=globals().get("fetch"))


# -- fetch (the only command that touches the network) -------------------------------------------

@dataclass
class FetchSummary:
    ingested: object  # IngestResult
    counts: dict[str, int]
    partial: bool
    page: dict | None
    notes: list[str]


def fetch(db: str | None, kind: str, target: str, *, role: str | None = None, subject: str | None = None,
          limit: int | None = None, appview: str | None = None, client: object | None = None,
          clock: object | None = None, notify: Notify = _quiet,
          progress: Callable[[int], None] | None = None) -> FetchSummary:
    """Read a public profile, feed or page and store it like an archive (upserted)."""
    from auditor.fetch import fetch_records, ingest_fetched, make_client
    from auditor.models import Import

    if role is not None and role not in ROLES:
        raise UsageError(f"unknown role {role!r}; choose personal or professional")
    own_client = client is None
    http = client or make_client()
    try:
        result = fetch_records(kind, target, client=http, limit=limit, appview=appview,  # type: ignore[arg-type]
                               clock=clock, progress=progress)  # type: ignore[arg-type]
    finally:
        if own_client:
            http.close()  # type: ignore[attr-defined]
    engine = open_engine(db, create=True)
    with Session(engine) as s, s.begin():
        ingested = ingest_fetched(s, result, resolve_subject=_subject_resolver(s, subject, notify), role=role)
        page = result.page_notes() if kind == "web" else None
        if page is not None:
            for acc in ingested.accounts:
                imp = s.scalars(select(Import).where(Import.account_id == acc.account_id)
                                .order_by(Import.id.desc())).first()
                if imp is not None:
                    imp.counts = {**(imp.counts or {}), "page": page}
    return FetchSummary(ingested, result.counts(), result.partial, page, list(result.notes))


def __getattr__(name: str) -> object:
    """`api.FORMATS`: the report formats, read from `reports.render` only when asked for."""
    if name == "FORMATS":
        from reports.render import FORMATS

        return tuple(FORMATS)
    raise AttributeError(f"module 'auditor.api' has no attribute {name!r}")
