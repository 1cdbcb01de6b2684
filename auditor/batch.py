"""The consultant's batch: a TOML manifest of practices, each audited in its own database.

A practice that fails (a broken archive, a bad roster) is reported and skipped; the others go on.
The portfolio summary holds counts, scores and dates only: no post text, no names of clinicians,
clients or connections, so it can be shared beyond the practices themselves.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.errors import FootprintError, InputError

ROLES = ("personal", "professional")
FETCH_KINDS = ("mastodon", "bluesky", "feed", "web")


@dataclass(frozen=True)
class SourceSpec:
    role: str | None
    path: Path | None = None
    fetch: str | None = None
    target: str | None = None


@dataclass(frozen=True)
class ClinicianSpec:
    name: str
    profession: str | None
    state: str | None
    covered_entity: bool | None
    sources: tuple[SourceSpec, ...]


@dataclass(frozen=True)
class PracticeSpec:
    name: str
    slug: str
    roster: Path | None
    db: str | None
    clinicians: tuple[ClinicianSpec, ...]


def slugify(name: str) -> str:
    """'Whitfield Counseling, LLC' -> 'whitfield-counseling-llc' (ASCII, for folder names)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "practice"


def load_manifest(path: Path) -> list[PracticeSpec]:
    """Parse and validate a manifest; relative paths are relative to the manifest's folder."""
    label = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no such manifest file", path=label) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a valid TOML manifest ({exc})", path=label) from None
    base = path.parent
    practices = data.get("practice")
    if not isinstance(practices, list) or not practices:
        raise InputError("the manifest lists no [[practice]]", path=label)
    out: list[PracticeSpec] = []
    slugs: set[str] = set()
    for i, p in enumerate(practices, 1):
        where = f"practice {i}"
        if not isinstance(p, dict) or not isinstance(p.get("name"), str) or not p["name"].strip():
            raise InputError(f"{where} needs a name", path=label)
        slug = slugify(p["name"])
        if slug in slugs:
            raise InputError(f"two practices share the folder name {slug!r}", path=label)
        slugs.add(slug)
        clinicians = p.get("clinician", [])
        if not isinstance(clinicians, list) or not clinicians:
            raise InputError(f"{where} ({p['name']}) lists no [[practice.clinician]]", path=label)
        specs = tuple(_clinician(c, f"{where}, clinician {j}", base, label)
                      for j, c in enumerate(clinicians, 1))
        roster = base / p["roster"] if isinstance(p.get("roster"), str) else None
        db = p.get("db") if isinstance(p.get("db"), str) else None
        if db and "://" not in db:
            db = str(base / db)
        out.append(PracticeSpec(p["name"].strip(), slug, roster, db, specs))
    return out


def _clinician(c: Any, where: str, base: Path, label: str) -> ClinicianSpec:
    if not isinstance(c, dict) or not isinstance(c.get("name"), str) or not c["name"].strip():
        raise InputError(f"{where} needs a name", path=label)
    sources = []
    for k, s in enumerate(c.get("sources", []), 1):
        w = f"{where}, source {k}"
        if not isinstance(s, dict):
            raise InputError(f"{w} is not a table", path=label)
        role = s.get("role")
        if role is not None and role not in ROLES:
            raise InputError(f"{w}: role must be personal or professional", path=label)
        if "path" in s:
            sources.append(SourceSpec(role, path=base / str(s["path"])))
        elif "fetch" in s:
            if s["fetch"] not in FETCH_KINDS or not isinstance(s.get("target"), str):
                raise InputError(f"{w}: fetch must be one of {', '.join(FETCH_KINDS)} with a target",
                                 path=label)
            sources.append(SourceSpec(role, fetch=s["fetch"], target=s["target"]))
        else:
            raise InputError(f"{w} needs a path or a fetch", path=label)
    ce = c.get("covered_entity")
    return ClinicianSpec(c["name"].strip(), c.get("profession"), c.get("state"),
                         ce if isinstance(ce, bool) else None, tuple(sources))


@dataclass
class PracticeResult:
    name: str
    slug: str
    ok: bool
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    reports: list[Path] = field(default_factory=list)


@dataclass
class BatchResult:
    practices: list[PracticeResult]
    portfolio: list[Path]

    @property
    def failed(self) -> list[PracticeResult]:
        return [p for p in self.practices if not p.ok]


def run_batch(manifest: Path, out_dir: Path, *, notify: Callable[[str], None] = lambda _: None,
              fetch: Callable[..., Any] | None = None) -> BatchResult:
    """Audit every practice of the manifest; a failing practice is recorded and skipped."""
    from auditor import api
    from auditor.clock import utcnow

    practices = load_manifest(manifest)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for n, p in enumerate(practices, 1):
        notify(f"[{n}/{len(practices)}] {p.name}")
        folder = out_dir / p.slug
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
        db = p.db or str(folder / "footprint.db")
        try:
            summary, reports = _audit_practice(api, p, db, folder, fetch)
        except FootprintError as exc:
            notify(f"  failed: {exc}")
            results.append(PracticeResult(p.name, p.slug, False, str(exc)))
            continue
        results.append(PracticeResult(p.name, p.slug, True, None, summary, reports))
    portfolio = write_portfolio(results, out_dir, generated_at=utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"))
    return BatchResult(results, portfolio)


def _audit_practice(api: Any, p: PracticeSpec, db: str, folder: Path,
                    fetch: Callable[..., Any] | None) -> tuple[dict[str, Any], list[Path]]:
    if p.roster is not None and not p.roster.is_file():
        raise InputError("no such roster file", path=str(p.roster))
    existing = {s.name for s in api.subjects(db)} if _db_exists(db) else set()
    for c in p.clinicians:
        kwargs = dict(profession=c.profession, state=c.state, covered_entity=c.covered_entity)
        if c.name in existing:
            api.subject_set(db, c.name, **kwargs)
        else:
            api.subject_add(db, c.name, **kwargs)
        for s in c.sources:
            if s.path is not None:
                api.ingest(db, [s.path], role=s.role, subject=c.name)
            else:
                if fetch is None:
                    raise InputError(f"fetch sources need `footprint fetch`, which is not available: {s.fetch}")
                fetch(db, s.fetch, s.target, role=s.role, subject=c.name)
    audit_kwargs: dict[str, Any] = {"roster": p.roster} if p.roster is not None else {}
    api.audit(db, **audit_kwargs)
    html, js = folder / "report.html", folder / "report.json"
    api.report(db, out=html)
    _, text = api.report(db, out=js)
    data = json.loads(text)
    summary = {
        "run_id": data["run"]["id"],
        "audited_at": data["run"]["started_at"],
        "clinicians": len(data["subjects"]),
        "accounts": len(data["accounts"]),
        "risk_score": data["summary"]["risk_score"],
        "by_category": data["summary"]["by_category"],
        "by_severity": data["summary"]["by_severity"],
        "findings": len([f for f in data["findings"] if f["change"] != "resolved"]),
        "overlap": len(data.get("overlap", [])),
    }
    return summary, [html, js]


def _db_exists(db: str) -> bool:
    from auditor.db import resolve_db, sqlite_path

    path = sqlite_path(resolve_db(db))
    return path is None or path.exists()


def write_portfolio(results: list[PracticeResult], out_dir: Path, *, generated_at: str) -> list[Path]:
    """portfolio.json and portfolio.html: counts, scores and dates per practice, nothing else."""
    from reports.render import write_report

    doc = {
        "schema": "footprint.portfolio/1",
        "generated_at": generated_at,
        "practices": [
            {"practice": r.name, "folder": r.slug, "status": "ok" if r.ok else "failed",
             # The reason stays in the console output: its text may name a clinician's archive.
             **({"failure": "see the batch output"} if not r.ok else {}), **r.summary}
            for r in results
        ],
    }
    js = write_report(out_dir / "portfolio.json", json.dumps(doc, indent=2) + "\n")
    html = write_report(out_dir / "portfolio.html", _render_portfolio(doc))
    return [html, js]


def _render_portfolio(doc: dict[str, Any]) -> str:
    import hashlib
    from base64 import b64encode

    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("auditor", "templates"), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined)
    css = (Path(__file__).with_name("templates") / "portfolio.css").read_text(encoding="utf-8")
    digest = b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return env.get_template("portfolio.html.j2").render(doc=doc, css=css, css_hash=f"sha256-{digest}")
