"""The `footprint` command line: typed parameters, one API call, a printed summary.

Library errors (`FootprintError`) become one line and their exit code here and nowhere else; an
unexpected exception becomes exit 5 with one line asking to report it (the traceback only with
`--debug`, and never with local variables, which may hold client data).
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Self, TypeVar

import typer

from auditor.errors import FootprintError


class _LazyApi:
    """`auditor.api` imported on first use, so `footprint --help` does not load SQLAlchemy."""

    def __getattr__(self, name: str) -> Any:
        import importlib

        return getattr(importlib.import_module("auditor.api"), name)


api: Any = _LazyApi()

app = typer.Typer(
    name="footprint",
    help="Audit a mental-health professional's social media footprint against the ethics codes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
subject_app = typer.Typer(help="Manage subjects: the clinicians whose footprint is audited.",
                          no_args_is_help=True, rich_markup_mode=None)
rules_app = typer.Typer(help="List the built-in rules or check a rule pack.", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(subject_app, name="subject")
app.add_typer(rules_app, name="rules")

_state = {"debug": False}
F = TypeVar("F", bound=Callable[..., Any])

Db = Annotated[str | None, typer.Option("--db", help="Database: a SQLite file path or an SQLAlchemy URL "
                                        "(default: $FOOTPRINT_DB, else ./footprint.db).",
                                        show_default=False)]
SubjectOpt = Annotated[str | None, typer.Option("--subject", help="The clinician (subject) to work on.")]
RoleOpt = Annotated[str | None, typer.Option("--role", help="personal or professional (inferred when omitted).")]
Roster = Annotated[Path | None, typer.Option("--roster", help="Client roster CSV (name, email, phone, "
                                             "handles): matched in memory, never stored.")]
FailOn = Annotated[str | None, typer.Option("--fail-on", help="Exit 1 when a finding is at or above this "
                                            "severity (critical, high, medium, low).")]


def err(message: str) -> None:
    typer.secho(f"footprint: {message}", fg=typer.colors.RED, err=True)


def note(message: str) -> None:
    typer.echo(message, err=True)


def handled(fn: F) -> F:
    """Turn library errors into one line and an exit code; hide tracebacks of the unexpected."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except FootprintError as exc:
            err(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err("interrupted; nothing was written for the step in progress")
            raise typer.Exit(130) from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if _state["debug"]:
                traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
            err(f"internal error ({type(exc).__name__}). This is a bug: please report it, with the "
                "command you ran; rerun with `footprint --debug ...` to see the traceback.")
            raise typer.Exit(5) from None

    return wrapper  # type: ignore[return-value]


@app.callback()
def main_callback(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
) -> None:
    """Audit a therapist's social media archives for confidentiality, dual relationships, conduct,
    public advice, testimonials and online boundaries. Every finding cites the ethics codes."""
    _state["debug"] = debug or os.environ.get("FOOTPRINT_DEBUG") == "1"


# -- subject -------------------------------------------------------------------------------------

Profession = Annotated[str | None, typer.Option("--profession",
                                                help="counselor, psychologist, social-worker, mft or other: "
                                                     "chooses the codes findings cite.")]
State = Annotated[str | None, typer.Option("--state", help="US state of licensure, e.g. OR.")]
Covered = Annotated[bool | None, typer.Option("--covered-entity/--no-covered-entity",
                                              help="Whether the practice is a HIPAA covered entity.")]


def _print_subject(info: api.SubjectInfo) -> None:
    ce = {True: "yes", False: "no", None: "unknown"}[info.covered_entity]
    typer.echo(f"{info.name}: profession {info.profession or 'not set'}, state {info.state or 'not set'}, "
               f"HIPAA covered entity {ce}")


@subject_app.command("add", epilog="Example: footprint subject add 'Dana Whitfield' --profession mft --state OR")
@handled
def subject_add(name: str, profession: Profession = None, state: State = None, covered: Covered = None,
                db: Db = None) -> None:
    """Add a clinician (subject) to the workspace."""
    _print_subject(api.subject_add(db, name, profession=profession, state=state, covered_entity=covered))


@subject_app.command("set", epilog="Example: footprint subject set 'Dana Whitfield' --profession counselor")
@handled
def subject_set(name: str, profession: Profession = None, state: State = None, covered: Covered = None,
                db: Db = None) -> None:
    """Change a subject's profession, state or HIPAA status."""
    _print_subject(api.subject_set(db, name, profession=profession, state=state, covered_entity=covered))


@subject_app.command("list", epilog="Example: footprint subject list --db practice.db")
@handled
def subject_list(db: Db = None) -> None:
    """List the subjects in the workspace."""
    for info in api.subjects(db):
        _print_subject(info)


# -- ingest, audit, report -----------------------------------------------------------------------

class _Progress:
    """Live progress on stderr for long steps; silent when stderr is not a terminal.

    `records(label, n)` counts the records read from an archive; calling it as `(stage, done,
    total)` shows how far a step (analysing posts, matching people, writing the report) got,
    with a bar when the total is known. A stage ends when the next one starts.
    """

    def __init__(self) -> None:
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}
        self._current: str | None = None

    def __enter__(self) -> Self:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 TextColumn("{task.fields[count]}"), TimeElapsedColumn(),
                                 console=Console(stderr=True), transient=True)
            self._bar.start()
        return self

    def records(self, label: str, n: int) -> None:
        self(f"reading {Path(label).name}", n, None, unit="records")

    def __call__(self, stage: str, done: int, total: int | None = None, *, unit: str = "") -> None:
        if self._bar is None:
            return
        if stage != self._current and self._current in self._tasks:
            # The previous stage is over: show it complete.
            task = self._tasks[self._current]
            self._bar.update(task, total=self._bar.tasks[task].completed or 1,
                             completed=self._bar.tasks[task].completed or 1)
        self._current = stage
        count = f"{done:,} of {total:,}" if total else (f"{done:,} {unit}".strip() if done else "")
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(stage, total=total, count=count)
        self._bar.update(self._tasks[stage], completed=done, total=total, count=count)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def _print_ingest(results: list) -> None:
    for res in results:
        for acc in res.accounts:
            who = f"{acc.platform} @{acc.handle}" if acc.handle else acc.platform
            if acc.skipped:
                typer.echo(f"{res.source}: {who}: already ingested, nothing changed")
                continue
            added = sum(acc.added.values())
            updated = sum(acc.updated.values())
            deleted = sum(acc.deleted.values())
            typer.echo(f"{res.source}: {who} ({acc.role}: {acc.role_reason}) for {res.subject!r}: "
                       f"{added} added, {updated} updated, {deleted} marked deleted"
                       + (" (partial export: nothing marked deleted)" if acc.partial else ""))
            for w in acc.warnings:
                typer.echo(f"  warning: {w['file']}: {w['reason']}")
            skipped = [c for c in acc.coverage if c["status"] in ("skipped", "unrecognized")]
            if skipped:
                typer.echo(f"  {len(skipped)} file(s) not analysed; see the report's coverage section")


@app.command(epilog="Example: footprint ingest twitter-2026-01-05.zip --role personal --subject 'Dana Whitfield'")
@handled
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Archives: zip, tar.gz, folder or single file.")],
    role: RoleOpt = None,
    subject: SubjectOpt = None,
    platform: Annotated[str | None, typer.Option("--platform", help="Skip detection and use this connector.")] = None,
    include_messages: Annotated[bool, typer.Option("--include-messages",
                                                   help="Also store the text of direct messages.")] = False,
    db: Db = None,
) -> None:
    """Read platform export archives into the database (one transaction per archive)."""
    with _Progress() as progress:
        results = api.ingest(db, paths, role=role, subject=subject, platform=platform,
                             include_messages=include_messages, notify=note, progress=progress.records)
    _print_ingest(results)


def _print_summary(summary: api.AuditSummary) -> None:
    sev = ", ".join(f"{n} {k}" for k, n in summary.by_severity.items())
    typer.echo(f"audit run {summary.run_id} of {', '.join(summary.subjects)}: {summary.total} open finding(s): {sev}")


@app.command(epilog="Example: footprint audit --subject 'Dana Whitfield' --fail-on high")
@handled
def audit(
    subject: SubjectOpt = None,
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="An extra rule pack (TOML); repeatable.")] = None,
    roster: Roster = None,
    fail_on: FailOn = None,
    include_messages: Annotated[bool, typer.Option("--include-messages",
                                                   help="Analyse stored direct-message text too.")] = False,
    db: Db = None,
) -> None:
    """Run the rules and detectors over the stored data and record an audit run."""
    with _Progress() as progress:
        summary = api.audit(db, subject=subject, rules=rules or (), include_messages=include_messages,
                            roster=roster, progress=progress)
    _print_summary(summary)
    if api.exceeds(summary, fail_on):
        raise typer.Exit(1)


@app.command(epilog="Example: footprint report -o report.html   |   footprint report --format json -o report.json")
@handled
def report(
    subject: SubjectOpt = None,
    run: Annotated[int | None, typer.Option("--run", help="Audit run id (default: the latest).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="html, json, csv, sarif or pdf (default: the -o "
                                            "suffix, else html).")] = None,
    out: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file (owner-only).")] = None,
    redact: Annotated[bool | None, typer.Option("--redact/--no-redact",
                                                help="Mask third parties (default: on for HTML, PDF, CSV and "
                                                     "SARIF; off for JSON).")] = None,
    auditor_name: Annotated[str | None, typer.Option("--auditor", help="Name of the person auditing.")] = None,
    db: Db = None,
) -> None:
    """Render the risk report of an audit run."""
    with _Progress() as progress:
        fmt_used, text = api.report(db, subject=subject, run=run, fmt=fmt, out=out, redact=redact,
                                    auditor=auditor_name, progress=progress)
    if out is None:
        typer.echo(text)
    else:
        typer.echo(f"wrote the {fmt_used} report to {out}")


@app.command(epilog="Example: footprint scan --personal dana-x.zip --professional practice-x.zip -o report.html")
@handled
def scan(
    paths: Annotated[list[Path] | None, typer.Argument(help="Archives whose role is inferred or set by --role.")] = None,
    personal: Annotated[list[Path] | None, typer.Option("--personal", help="A personal account's archive.")] = None,
    professional: Annotated[list[Path] | None, typer.Option("--professional",
                                                            help="A professional account's archive.")] = None,
    role: RoleOpt = None,
    roster: Roster = None,
    out: Annotated[Path | None, typer.Option("-o", "--output", help="Report file (default footprint-report.html).")] = None,
    fail_on: FailOn = None,
    subject: SubjectOpt = None,
    db: Db = None,
) -> None:
    """One-off audit: ingest, audit and report in one go. Works with no network at all."""
    with _Progress() as progress:
        result = api.scan(db, paths or (), personal=personal or (), professional=professional or (),
                          role=role, out=out, subject=subject, roster=roster, notify=note, progress=progress)
    _print_ingest(result.ingested)
    _print_summary(result.summary)
    typer.echo(f"wrote the report to {result.report_path}")
    if api.exceeds(result.summary, fail_on):
        raise typer.Exit(1)


@app.command(epilog="Example: footprint demo && open footprint-demo/report.html")
@handled
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the demo database and reports.")] = Path("footprint-demo"),
) -> None:
    """Run the whole audit on the bundled fictional therapist's archives (never touches ./footprint.db)."""
    with _Progress() as progress:
        result = api.demo(out_dir, notify=note, progress=progress)
    _print_ingest(result.ingested)
    _print_summary(result.summary)
    typer.echo(f"wrote {result.report_path} and {', '.join(map(str, result.extra_reports))}")


# -- fetch ---------------------------------------------------------------------------------------

fetch_app = typer.Typer(help="Read public profile data (the only command that uses the network).",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(fetch_app, name="fetch")
Limit = Annotated[int | None, typer.Option("--limit", help="At most N items per list (default: all).")]


def _fetch(db: str | None, kind: str, target: str, role: str | None, subject: str | None,
           limit: int | None, appview: str | None = None) -> None:
    with _Progress() as progress:
        summary = api.fetch(db, kind, target, role=role, subject=subject, limit=limit, appview=appview,
                            notify=note, progress=lambda n: progress.records(target, n))
    _print_ingest([summary.ingested])
    typer.echo("  fetched: " + (", ".join(f"{n} {k}" for k, n in summary.counts.items()) or "nothing")
               + (" (cut by --limit: nothing marked deleted)" if summary.partial else ""))
    for line in summary.notes:
        typer.echo(f"  note: {line}")
    if summary.page is not None:
        page = summary.page
        flags = {True: "yes", False: "no", None: "unknown"}
        typer.echo(f"  testimonials on the page: {flags[page['testimonials']]}; "
                   f"social media policy published: {flags[page['social_media_policy']]}")
        for d in page["discovered_accounts"]:
            typer.echo(f"  account to audit: {d['platform']} {d['handle_or_url']}: {d['command']}")


@fetch_app.command("mastodon", epilog="Example: footprint fetch mastodon https://example.social/@dana --role professional")
@handled
def fetch_mastodon(profile_url: Annotated[str, typer.Argument(help="The profile URL, https://host/@name.")],
                   role: RoleOpt = None, subject: SubjectOpt = None, limit: Limit = None, db: Db = None) -> None:
    """A Mastodon account: profile, statuses (replies, boosts, visibility), followers, following."""
    _fetch(db, "mastodon", profile_url, role, subject, limit)


@fetch_app.command("bluesky", epilog="Example: footprint fetch bluesky dana.bsky.social --role personal")
@handled
def fetch_bluesky(handle: Annotated[str, typer.Argument(help="A handle or DID.")],
                  appview: Annotated[str | None, typer.Option("--appview", help="AppView URL (default: the public one).")] = None,
                  role: RoleOpt = None, subject: SubjectOpt = None, limit: Limit = None, db: Db = None) -> None:
    """A Bluesky account: profile, author feed, followers and follows."""
    _fetch(db, "bluesky", handle, role, subject, limit, appview)


@fetch_app.command("feed", epilog="Example: footprint fetch feed https://blog.example.com/feed.xml --role professional")
@handled
def fetch_feed(url: Annotated[str, typer.Argument(help="An RSS or Atom feed URL.")],
               role: RoleOpt = None, subject: SubjectOpt = None, limit: Limit = None, db: Db = None) -> None:
    """A blog, podcast or newsletter feed: items stored as posts (robots.txt respected)."""
    _fetch(db, "feed", url, role, subject, limit)


@fetch_app.command("web", epilog="Example: footprint fetch web https://whitfieldtherapy.example/ --role professional")
@handled
def fetch_web(url: Annotated[str, typer.Argument(help="One public page, e.g. a practice website.")],
              role: RoleOpt = None, subject: SubjectOpt = None, db: Db = None) -> None:
    """One public page: its text, its links to social profiles (accounts to audit), testimonials."""
    _fetch(db, "web", url, role, subject, None)


# -- findings, decide, diff ----------------------------------------------------------------------

def _print_findings(lines: list[api.FindingLine]) -> None:
    for f in lines:
        where = f"{f.platform} @{f.account}" if f.account else f.platform
        typer.echo(f"{f.fingerprint[:12]}  {f.severity:8} {f.category:20} {f.status:14} {f.change:10} "
                   f"{where} {f.item_type} {f.native_id or ''}: {f.message}")


StatusFilter = Annotated[str | None, typer.Option("--status", help="open, acknowledged, false_positive, "
                                                  "remediated or accepted_risk.")]
CategoryFilter = Annotated[str | None, typer.Option("--category", help="One of the six categories.")]
SeverityFilter = Annotated[str | None, typer.Option("--severity", help="critical, high, medium or low.")]
AccountFilter = Annotated[str | None, typer.Option("--account", help="An account handle.")]
ChangeFilter = Annotated[str | None, typer.Option("--change", help="new, unchanged, reappeared or resolved.")]
RuleFilter = Annotated[str | None, typer.Option("--rule", help="A rule id (see `footprint rules list`).")]


@app.command(epilog="Example: footprint findings --severity high --status open")
@handled
def findings(
    subject: SubjectOpt = None,
    run: Annotated[int | None, typer.Option("--run", help="Audit run id (default: the latest).")] = None,
    status: StatusFilter = None,
    category: CategoryFilter = None,
    severity: SeverityFilter = None,
    account: AccountFilter = None,
    change: ChangeFilter = None,
    rule: RuleFilter = None,
    db: Db = None,
) -> None:
    """List the findings of an audit run, one line each, with their fingerprints."""
    lines = api.findings(db, subject=subject, run=run, status=status, category=category,
                         severity=severity, account=account, change=change, rule=rule)
    _print_findings(lines)
    typer.echo(f"{len(lines)} finding(s)", err=True)


def _interactive() -> bool:
    """Whether a person can answer a prompt (tests replace this)."""
    return sys.stdin.isatty()


@app.command(epilog="Example: footprint decide 3fa9c2e1d0b4 --status false_positive --note 'composite case, no client'"
                    "\n\nExample: footprint decide --rule review-request-broad --status accepted_risk "
                    "--note 'reviewed with the board' --yes"
                    "\n\nExample: footprint decide --not-same-person 7c41d2a9e5f0 --note 'a namesake, not a client'")
@handled
def decide(
    note: Annotated[str, typer.Option("--note", help="Why: kept with the decision.")],
    fingerprints: Annotated[list[str] | None, typer.Argument(
        help="Fingerprints (or unique prefixes of 6+ characters); or select findings with the filters.",
        show_default=False)] = None,
    status: Annotated[str | None, typer.Option("--status", help="The decision: open, acknowledged, false_positive, "
                                               "remediated or accepted_risk (open undoes a decision).",
                                               show_default=False)] = None,
    rule: RuleFilter = None,
    account: AccountFilter = None,
    category: CategoryFilter = None,
    severity: SeverityFilter = None,
    change: ChangeFilter = None,
    current_status: Annotated[str | None, typer.Option("--current-status", help="Filter: only findings with "
                                                       "this status now (what `findings --status` selects).")] = None,
    not_same_person: Annotated[list[str] | None, typer.Option(
        "--not-same-person", help="An overlap entry whose people are not one person (its key in the report, or "
        "the fingerprint of one of its findings); repeatable. `--status open` undoes the mark.",
        show_default=False)] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Decide the findings the filters select without asking.")] = False,
    who: Annotated[str | None, typer.Option("--who", help="Who decides (default: the login name).")] = None,
    subject: SubjectOpt = None,
    db: Db = None,
) -> None:
    """Record a triage decision on findings; it survives new archives and new runs.

    Name fingerprints, or select findings with filters (the same as `footprint findings`): the
    matching findings are listed and you are asked to confirm (--yes skips the question), or say
    that an overlap entry matched two different people with --not-same-person.
    """
    import getpass

    from auditor.errors import UsageError

    filters = api.FindingFilters(current_status, category, severity, account, change, rule)
    who = who or getpass.getuser()
    if not_same_person:
        if fingerprints or filters.any():
            raise UsageError("--not-same-person takes overlap keys only: no fingerprints or filters with it")
        if status not in (None, "false_positive", "open"):
            raise UsageError("--not-same-person records false_positive (or open, to undo): no other --status")
        for mark in api.not_same_person(db, not_same_person, note=note, who=who, subject=subject,
                                        undo=status == "open"):
            what = "no longer marked" if mark.status == "open" else "marked"
            typer.echo(f"overlap entry {mark.key[:12]} ({mark.person}, {mark.subject}): {what} not the same person; "
                       f"{mark.status} on its {len(mark.fingerprints)} finding(s)")
        return
    if fingerprints and filters.any():
        raise UsageError("name fingerprints or give filters, not both")
    if not fingerprints and not filters.any():
        raise UsageError("name fingerprints, or select findings with --rule, --account, --category, --severity, "
                         "--change or --current-status, or give --not-same-person KEY")
    if status is None:
        raise UsageError("give the decision with --status")
    if fingerprints:
        decided = api.decide(db, fingerprints, status=status, note=note, who=who, subject=subject)
        typer.echo(f"recorded {status} on {len(decided)} finding(s)")
        return
    preview = api.decide_matching(db, filters, status=status, note=note, who=who, subject=subject, dry_run=True)
    typer.echo(f"{len(preview)} finding(s) match:")
    _print_findings(preview)
    if not preview:
        typer.echo("nothing to decide")
        return
    if not yes:
        if not _interactive():
            raise UsageError(f"not at a terminal, so nothing was recorded: add --yes to record {status} on "
                             f"these {len(preview)} finding(s)")
        if not typer.confirm(f"Record {status} on these {len(preview)} finding(s)?", default=False):
            typer.echo("nothing recorded")
            return
    # Exactly the findings shown, even if an audit ran meanwhile.
    decided = api.decide(db, [f.fingerprint for f in preview], status=status, note=note, who=who, subject=subject)
    typer.echo(f"recorded {status} on {len(decided)} finding(s)")


@app.command(epilog="Example: footprint diff --from 3 --to 5")
@handled
def diff(
    subject: SubjectOpt = None,
    from_run: Annotated[int | None, typer.Option("--from", help="Older run (default: the run before --to).")] = None,
    to_run: Annotated[int | None, typer.Option("--to", help="Newer run (default: the latest).")] = None,
    db: Db = None,
) -> None:
    """Summarise what changed between two audit runs: new, unchanged, reappeared, resolved."""
    d = api.diff(db, subject=subject, from_run=from_run, to_run=to_run)
    typer.echo(f"from run {d.from_run if d.from_run is not None else '(none)'} to run {d.to_run}: "
               + ", ".join(f"{n} {k}" for k, n in d.by_change.items()))
    for cat, counts in d.by_category.items():
        if any(counts.values()):
            typer.echo(f"  {cat}: " + ", ".join(f"{n} {k}" for k, n in counts.items() if n))


@app.command(epilog="Example: footprint purge --subject 'Dana Whitfield'")
@handled
def purge(
    subject: Annotated[str, typer.Option("--subject", help="The subject whose data is removed.")],
    reports: Annotated[bool, typer.Option("--reports", help="Also delete the report files footprint "
                                          "wrote for this subject.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    db: Db = None,
) -> None:
    """Remove every row of a subject from the database (SQLite is vacuumed afterwards)."""
    if not yes:
        typer.confirm(f"Remove every stored row of {subject!r}? This cannot be undone", abort=True)
    result = api.purge(db, subject=subject, reports=reports)
    for path in result.reports_left:
        typer.echo(f"  report left in place (use --reports to delete): {path}")
    total = sum(v for k, v in result.rows.items() if k != "report files")
    typer.echo(f"purged {subject!r}: {total} row(s)"
               + ("; the SQLite file was vacuumed and its WAL truncated" if result.vacuumed else
                  "; PostgreSQL keeps deleted rows until its VACUUM, and its WAL and backups (see SECURITY.md)"))


# -- corrections: account roles and the allowlist -----------------------------------------------

account_app = typer.Typer(help="List accounts and fix an inferred role.", no_args_is_help=True,
                          rich_markup_mode=None)
allow_app = typer.Typer(help="Phrases and accounts reviewed once, suppressed in later audits.",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(account_app, name="account")
app.add_typer(allow_app, name="allow")


@account_app.command("list", epilog="Example: footprint account list --subject 'Dana Whitfield'")
@handled
def account_list(subject: SubjectOpt = None, db: Db = None) -> None:
    """List the subject's accounts with their roles and why."""
    for a in api.accounts(db, subject=subject):
        private = {True: "private", False: "public", None: "privacy unknown"}[a.private]
        typer.echo(f"{a.subject}: {a.platform} @{a.handle or a.native_id}: {a.role} ({a.role_reason}); {private}")


@account_app.command("set-role", epilog="Example: footprint account set-role dana_w_pdx personal")
@handled
def account_set_role(
    handle: Annotated[str, typer.Argument(help="The account's handle (or native id).")],
    role: Annotated[str, typer.Argument(help="personal or professional.")],
    platform: Annotated[str | None, typer.Option("--platform", help="When two platforms share the handle.")] = None,
    subject: SubjectOpt = None,
    db: Db = None,
) -> None:
    """Fix an inferred role; later ingests keep it and the next audit uses it."""
    a = api.set_role(db, handle, role, platform=platform, subject=subject)
    typer.echo(f"{a.platform} @{a.handle}: {a.role}; run `footprint audit` to rescore")


@allow_app.command("add", epilog="Example: footprint allow add 'client portal' --note 'our scheduling software'")
@handled
def allow_add(
    value: Annotated[str, typer.Argument(help="A phrase, or @handle for an account.")],
    note: Annotated[str, typer.Option("--note", help="Why it was reviewed and set aside.")],
    who: Annotated[str | None, typer.Option("--who", help="Who decides (default: the login name).")] = None,
    subject: SubjectOpt = None,
    db: Db = None,
) -> None:
    """Suppress findings that match a reviewed phrase or account, from the next audit on."""
    import getpass

    e = api.allow_add(db, value, note=note, who=who or getpass.getuser(), subject=subject)
    typer.echo(f"allowlist entry {e.id}: {e.kind} {e.value!r} for {e.subject}")


@allow_app.command("list", epilog="Example: footprint allow list")
@handled
def allow_list(subject: SubjectOpt = None, db: Db = None) -> None:
    """List the allowlist with the notes."""
    for e in api.allow_list(db, subject=subject):
        typer.echo(f"{e.id}: {e.subject}: {e.kind} {e.value!r} by {e.added_by}: {e.note}")


@allow_app.command("remove", epilog="Example: footprint allow remove 3")
@handled
def allow_remove(entry: Annotated[int, typer.Argument(help="The entry's number from `allow list`.")],
                 db: Db = None) -> None:
    """Remove an allowlist entry; the next audit reports its matches again."""
    api.allow_remove(db, entry)
    typer.echo(f"removed allowlist entry {entry}")


@app.command(epilog="Example: footprint batch practices.toml --out audits/2026")
@handled
def batch(
    manifest: Annotated[Path, typer.Argument(help="The TOML manifest of practices, clinicians and sources.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for one sub-folder per practice and the portfolio.")],
) -> None:
    """Audit many practices, each in its own database; exit 3 when any practice failed."""
    result = api.batch(manifest, out, notify=note)
    for p in result.practices:
        if p.ok:
            typer.echo(f"{p.name}: risk {p.summary['risk_score']}, {p.summary['findings']} finding(s): "
                       f"{out / p.slug / 'report.html'}")
        else:
            typer.echo(f"{p.name}: FAILED: {p.error}")
    typer.echo(f"portfolio: {result.portfolio[0]} and {result.portfolio[1]}")
    if result.failed:
        raise typer.Exit(3)


# -- rules ---------------------------------------------------------------------------------------

@rules_app.command("list", epilog="Example: footprint rules list")
@handled
def rules_list() -> None:
    """List the built-in rules: id, category, severity."""
    for rule in api.rules_list():
        typer.echo(f"{rule.id:40} {rule.category:22} {rule.severity}")


@rules_app.command("check", epilog="Example: footprint rules check my-rules.toml")
@handled
def rules_check(path: Path) -> None:
    """Validate a rule pack and run its examples; exit 3 when it is invalid or an example fails."""
    result = api.rules_check(path)
    for line in result.lines():
        typer.echo(line)
    if not result.ok:
        raise typer.Exit(3)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
