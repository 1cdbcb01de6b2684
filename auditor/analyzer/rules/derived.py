"""What the analyzer works out from the built-in packs' regexes, computed once and shipped.

Two walks over parse trees take most of the time it takes to get ready to audit, in every
process that audits, and their answers depend only on the regexes and the walks themselves:

- **prefilter additions** (literals.py `prefilter_additions`): the literals a rule's patterns
  require, added to its keywords when a pack is loaded; keyed by a digest of the rule's pattern
  sources and keywords;
- **per regex**, keyed by a digest of its source and flags: where its matches can start and
  what each contains (literals.py `start_literals`, `required_literals`: the engine's anchors
  and gates), and its RE2 rewrites (superset.py: the set's cut form and the whole form). The
  shipped set form is the part of the pattern fewest texts of the development corpus match
  (`_rarest`); worked out at run time, it is the prefix. Either finds the same.

Both are shipped in `derived.json`, each digest also covering the source of the modules that
work the answers out. A regex or rule the file does not know (a user's pack, a pack being
edited) is worked out as before: nothing is ever wrong, only slower. Using the file saves
about 8 seconds of an audit's start-up and the memory the walks leave behind.

After changing a built-in pack, literals.py, superset.py or the development corpus the set
forms are chosen on (`REFERENCE`), regenerate the file (a test says when it is stale):

    python -c "from auditor.analyzer.rules.derived import write; print(write())"
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.analyzer.rules import literals

if TYPE_CHECKING:
    from auditor.analyzer.rules.model import RegexSource

CACHE = Path(__file__).resolve().parent / "derived.json"

#: While `build` runs: every regex asked about (by `regex_key`), worked out afresh, not read.
_fresh: dict[str, dict[str, Any]] | None = None


@cache
def _walk_version() -> str:
    """A digest of the modules whose walks the shipped answers come from."""
    from auditor.analyzer import superset

    digest = hashlib.sha256()
    for module in (literals, superset):
        try:
            digest.update(Path(str(module.__file__)).read_bytes())
        except OSError:  # pragma: no cover - an install without sources: everything is worked out
            return "unknown"
    return digest.hexdigest()


def cache_key(patterns: Sequence[str], keywords: Sequence[str]) -> str:
    """A digest of the walks, a rule's pattern sources and its keywords, in order."""
    digest = hashlib.sha256(_walk_version().encode())
    for part in (*patterns, "\x00", *keywords):
        digest.update(part.encode("utf-8") + b"\x1f")
    return digest.hexdigest()[:32]


def regex_key(regex: RegexSource) -> str:
    """A digest of the walks, one regex's source and its flags."""
    return cache_key([regex.pattern, str(int(regex.flags))], ["regex"])


@cache
def _shipped() -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(CACHE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {section: value for section in ("prefilter", "regexes")
            if isinstance(value := data.get(section), dict)}


def prefilter_additions(patterns: Sequence[RegexSource], keywords: Sequence[str]
                        ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """literals.py `prefilter_additions`, from the shipped answers when they hold this rule."""
    hit = _shipped().get("prefilter", {}).get(cache_key([p.pattern for p in patterns], keywords))
    if _fresh is None and isinstance(hit, list) and len(hit) == 2:
        return tuple(hit[0]), tuple(hit[1])
    return literals.prefilter_additions(patterns, keywords)


def _regex(regex: RegexSource, field: str) -> Any:
    """One answer about `regex`: shipped, or worked out (and noted while `build` runs)."""
    key = regex_key(regex)
    if _fresh is None:
        entry = _shipped().get("regexes", {}).get(key)
        if isinstance(entry, dict) and field in entry:
            return entry[field]
    value = _work_out(regex, field)
    if _fresh is not None:
        _fresh.setdefault(key, {})[field] = value
    return value


def _work_out(regex: RegexSource, field: str) -> Any:
    from auditor.analyzer import superset

    if field == "starts":
        found = literals.start_literals(regex.pattern)
        return None if found is None else sorted(found)
    if field == "needs":
        needed = literals.required_literals(regex.pattern)
        return None if needed is None else sorted(needed)
    try:
        tree = superset.parse(regex)
    except (superset.Untranslatable, ValueError, TypeError):
        return [None, None]
    icase = bool(regex.flags & re.IGNORECASE)
    cut = _rewritten(tree, icase)
    if cut is None:
        return [None, None]
    if _fresh is not None:  # building the shipped file: the rarest part filters best
        cut = _rarest(cut, _forms(tree, icase))
    return [cut, _rewritten(tree, icase, cut=False)]


#: The texts the shipped file's set forms are chosen on (`_rarest`): the team's development
#: corpus, in a checkout only (the file is built there). Never the held-out texts.
REFERENCE = Path(__file__).resolve().parents[3] / "tests" / "data" / "eval" / "dev.jsonl"


def _rewritten(tree: Any, icase: bool, *, cut: bool = True) -> str | None:
    """superset.py's rewrite of a parsed pattern (or of one part of it), or None when it has
    none or RE2 refuses it."""
    import re2  # type: ignore[import-not-found]  # only the RE2 set asks for its rewrites

    from auditor.analyzer import superset

    try:
        return superset.rewrite(tree, icase, cut=cut)
    except (superset.Untranslatable, re2.error, ValueError, TypeError):
        return None


def _forms(tree: Any, icase: bool, depth: int = 0) -> list[str]:
    """Superset filters for a parsed sequence, to choose the set form from (`_rarest`): the cut
    rewrite of each part between repeats that run across words (`superset.segments`), and, for
    a part that is one alternation, the alternation of each alternative's rarest filter (every
    match of the alternation matches one alternative, which contains that filter's match).
    Alternations are followed two levels down: the packs' vocabularies nest deeper, and each
    level multiplies the forms to try."""
    from auditor.analyzer import superset

    out: list[str] = []
    for part in superset.segments(tree):
        if (form := _rewritten(part, icase)) is not None:
            out.append(form)
        alternatives = _alternatives(part) if depth < 2 else None
        if alternatives is None:
            continue
        chosen: list[str] = []
        for alternative in alternatives:
            options = _forms(alternative, icase, depth + 1)
            if not options:
                break  # an alternative with nothing to filter on: so has the alternation
            chosen.append(_rarest(options[0], options[1:]))
        else:
            bodies = [form[4:-1] if icase else form for form in chosen]  # unwrap `(?i:…)`
            either = "(?:" + "|".join(bodies) + ")"
            out.append(f"(?i:{either})" if icase else either)
    return out


def _alternatives(part: Sequence[tuple[Any, Any]]) -> list[Any] | None:
    """The alternatives of a part that is one alternation (assertions aside; a group that sets
    no flag is looked into), else None."""
    from auditor.analyzer import superset

    items = [(op, av) for op, av in part if op is not superset._c.AT]
    if len(items) != 1:
        return None
    op, av = items[0]
    if op is superset._c.BRANCH:
        return list(av[1])
    if op is superset._c.SUBPATTERN and not av[1] and not av[2]:
        return _alternatives(list(av[3]))
    return None


@cache
def _reference_texts() -> tuple[str, ...]:
    try:
        lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ()
    return tuple(json.loads(line)["text"] for line in lines if line.strip())


def _rarest(prefix: str, parts: Sequence[str]) -> str:
    """The set form for a regex: of its prefix (superset.py cuts there) and the other filters
    `_forms` found for it, the one matching the fewest reference texts; the prefix on a tie. Every match of the regex contains a match of each, so the
    findings are the same whichever is chosen; a rarer one sends fewer texts to the whole-form
    check."""
    import re2

    texts = _reference_texts()
    if not texts or not parts:
        return prefix
    options = re2.Options()
    options.log_errors = False

    def found_in(form: str) -> int:
        try:
            search = re2.compile(form, options).search
        except re2.error:
            return len(texts) + 1
        return sum(1 for text in texts if search(text))

    best, fewest = prefix, found_in(prefix)
    for form in parts:
        if form != best and (n := found_in(form)) < fewest:
            best, fewest = form, n
    return best


def start_literals(regex: RegexSource) -> frozenset[str] | None:
    """literals.py `start_literals` of `regex`'s source."""
    found = _regex(regex, "starts")
    return None if found is None else frozenset(found)


def required_literals(regex: RegexSource) -> set[str] | None:
    """literals.py `required_literals` of `regex`'s source."""
    needed = _regex(regex, "needs")
    return None if needed is None else set(needed)


def superset_forms(regex: RegexSource) -> tuple[str | None, str | None]:
    """superset.py's two RE2 rewrites of `regex`: the set's cut form (None: it has none, the
    regex is run on every candidate text) and the whole form (None: none)."""
    cut, whole = _regex(regex, "forms")
    return cut, whole


def build() -> dict[str, dict[str, Any]]:
    """Fresh answers for the built-in packs (never read from the file): every rule's prefilter
    additions, and every regex an engine over the built-in packs and text detectors asks about
    while it is built and while its RE2 set is (when google-re2 is installed). Worked out in a
    new interpreter, so that what this one has already imported and built (a detector's
    searches are made when its module is imported) is asked about too."""
    import subprocess
    import sys

    code = "import json, sys; from auditor.analyzer.rules import derived; json.dump(derived._build_here(), sys.stdout)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"working out derived.json failed:\n{done.stderr[-4000:]}")
    result: dict[str, dict[str, Any]] = json.loads(done.stdout)
    return result


def _build_here() -> dict[str, dict[str, Any]]:
    """`build`, in this interpreter (which must not have imported the detectors yet)."""
    global _fresh
    from auditor.analyzer.rules import active_rules, builtin_pack_paths, load_pack
    from auditor.analyzer.superset import available

    prefilter: dict[str, list[list[str]]] = {}
    _fresh = {}
    try:
        packs = [load_pack(path, builtin=True) for path in builtin_pack_paths()]
        for pack in packs:
            for rule in pack.rules:
                patterns = [p.source for p in rule.patterns]
                added, unkeyed = literals.prefilter_additions(patterns, rule.keywords)
                prefilter[cache_key([r.pattern for r in patterns], rule.keywords)] = [list(added), list(unkeyed)]
        from auditor.analyzer.detectors.base import discover_text
        from auditor.analyzer.engine import Engine

        engine = Engine(active_rules(packs), [cls() for cls in discover_text()], fast=available())
        _ = engine.uses_set  # builds the RE2 set, which asks for every rewrite
        regexes = dict(_fresh)
    finally:
        _fresh = None
    return {"prefilter": dict(sorted(prefilter.items())), "regexes": dict(sorted(regexes.items()))}


def write() -> int:
    """Regenerate the shipped file; returns how many rules and regexes it holds."""
    sections = build()
    CACHE.write_text(json.dumps({"about": "what the analyzer works out from the built-in packs: see derived.py",
                                 **sections}, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    _shipped.cache_clear()
    return sum(len(section) for section in sections.values())
