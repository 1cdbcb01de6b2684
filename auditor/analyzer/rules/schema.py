"""Rule packs: TOML → frozen dataclasses, validated and compiled at load.

A pack (format 1) looks like this; every key is documented in `packs/README.md`:

    format = 1
    pack = "confidentiality"
    description = "..."
    disable = []                               # rule ids to turn off (user packs)
    [vocab]                                    # named regex fragments, used as {{name}}
    kid = '''kid|kiddo|teen'''                     # (adds to / overrides packs/_vocab.toml)

    [[rules]]
    id = "client-reference"                    # kebab-case, stable: part of the fingerprint
    category = "confidentiality"
    severity = "medium"
    score = 0.55                               # base score
    min_score = 0.5                            # a finding needs score >= min_score
    message = "One sentence."
    keywords = ["client", "patient"]           # prefilter: no keyword, no pattern runs
    patterns = ['''\\bmy client\\b''', { regex = '''...''', score = 0.6, label = "..." }]
    targets = ["post", "reply"]                # content kinds; default: authored kinds
    citations = ["ACA:B.1.c"]
    remediation = "One or two sentences."
    escalate = { high = 0.8 }                  # severity floor once the score reaches a value
    supersedes = ["other-rule"]                # drop that rule's finding on the same item
    audience = "clients"                       # only where clients can see the account
    mosaic = true                              # add the identifiability mosaic (mosaic.py)
      [[rules.context]]                        # cues: signed weights, each counted once
      label = "time anchor"
      regex = '''\\btoday\\b'''
      weight = 0.15
      window = 120                             # chars either side of a match; default whole text
      severity = "critical"                    # optional floor once this cue is found
      [[rules.negatives]]                      # or a plain regex string (scope "match")
      regex = '''client[- ]side'''
      scope = "match"                          # "match": drops overlapping matches; "text": the item
      [[rules.examples]]
      text = "..."
      expect = true
      kind = "reply"

Regexes are compiled case-insensitive (use `(?-i:...)` for case-sensitive parts). A pattern
group named `evidence` narrows the evidence span to that group. Every error names the pack
file and the rule id.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Any

from auditor.analyzer.rules.derived import prefilter_additions
from auditor.analyzer.rules.fields import (
    VOCAB_NAME_RE,
    cue_of,
    escalate_of,
    examples_of,
    expand_vocab,
    negatives_of,
    opt_str,
    patterns_of,
    req_str,
    severity_of,
    str_list,
    tables,
    unit,
    unknown_keys,
)
from auditor.analyzer.rules.model import (
    AUDIENCES,
    DEFAULT_MIN_SCORE,
    DEFAULT_TARGETS,
    FORMAT,
    ID_RE,
    KINDS,
    Cue,
    Errors,
    Example,
    Negative,
    Pattern,
    Rule,
    RulePack,
)
from auditor.analyzer.rules.vocab import shared_vocab
from auditor.codes import check_ref
from auditor.findings import CATEGORIES

__all__ = ["DEFAULT_MIN_SCORE", "DEFAULT_TARGETS", "FORMAT", "KINDS", "Cue", "Example", "Negative", "Pattern",
           "Rule", "RulePack", "load_pack", "parse_pack"]

_PACK_KEYS = {"format", "pack", "description", "disable", "rules", "vocab"}
_RULE_KEYS = {
    "id", "category", "severity", "score", "min_score", "message", "description", "keywords",
    "patterns", "context", "negatives", "targets", "citations", "remediation", "examples",
    "escalate", "supersedes", "tags", "audience", "mosaic",
}
_RULE_REQUIRED = ("id", "category", "severity", "score", "message", "keywords", "patterns",
                  "citations", "remediation", "examples")


def load_pack(path: Path, *, builtin: bool = False) -> RulePack:
    """Parse and validate one pack file; RulePackError names the file and rule on any mistake."""
    err = Errors(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise err(f"cannot read rule pack: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise err("rule pack is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise err(f"invalid TOML: {exc}") from None
    return parse_pack(data, path, digest=hashlib.sha256(raw).hexdigest(), builtin=builtin)


def parse_pack(data: dict[str, Any], path: Path, *, digest: str = "", builtin: bool = False) -> RulePack:
    """Validate a pack's parsed TOML."""
    err = Errors(path)
    unknown_keys(data, _PACK_KEYS, "pack", err, None)
    if "format" not in data:
        raise err(f"missing 'format' (this version reads format = {FORMAT})")
    if data["format"] != FORMAT:
        raise err(f"unsupported format {data['format']!r} (this version reads format = {FORMAT})")
    name = data.get("pack")
    if not isinstance(name, str) or not ID_RE.match(name):
        raise err("'pack' must be a kebab-case name, e.g. pack = \"my-rules\"")
    description = opt_str(data, "description", err, None)
    disable = str_list(data.get("disable", []), "disable", err, None)
    vocab = _vocab_of(data.get("vocab", {}), err)
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list) or not all(isinstance(r, dict) for r in raw_rules):
        raise err("'rules' must be an array of tables ([[rules]])")
    if not raw_rules and not disable:
        raise err("pack has no [[rules]] and disables nothing")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw_rule in enumerate(raw_rules):
        rule = _parse_rule(raw_rule, name, index, err, vocab, check=not builtin)
        if rule.id in seen:
            raise err("duplicate rule id in this pack", rule.id)
        seen.add(rule.id)
        rules.append(rule)
    return RulePack(name=name, path=path, description=description, rules=tuple(rules),
                    disable=tuple(disable), digest=digest, builtin=builtin)


def _vocab_of(value: Any, err: Errors) -> dict[str, str]:
    """The shared vocabulary with the pack's own [vocab] fragments added (they win on a clash)."""
    if not isinstance(value, dict):
        raise err("'vocab' must be a table of name = 'regex fragment'")
    vocab = dict(shared_vocab())
    for key, fragment in value.items():
        if not isinstance(key, str) or not VOCAB_NAME_RE.match(key):
            raise err(f"vocab name {key!r} must be lower case letters, digits and underscores")
        if not isinstance(fragment, str) or not fragment.strip():
            raise err(f"vocab {key!r} must be a non-empty regex fragment")
        vocab[key] = fragment
    # The shared fragments are checked once (vocab.py); a pack's own ones here.
    for key in value:
        fragment = vocab[key]
        expanded = expand_vocab(fragment, vocab, f"vocab {key!r}", err, None)
        try:
            re.compile(expanded)
        except re.error as exc:
            raise err(f"vocab {key!r}: invalid regex fragment: {exc}") from None
    return vocab


def _parse_rule(raw: dict[str, Any], pack: str, index: int, err: Errors, vocab: dict[str, str], *,
                check: bool = True) -> Rule:
    """One rule, validated; its regexes compiled and checked now when `check`, else when first
    used (the built-in packs: the test suite checks them, `footprint rules check` too)."""
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not ID_RE.match(rule_id):
        where = f"rules[{index}]"
        raise err(f"{where}: 'id' must be a kebab-case string such as \"client-reference\", got {rule_id!r}")
    rid = rule_id
    unknown_keys(raw, _RULE_KEYS, "rule", err, rid)
    for key in _RULE_REQUIRED:
        if key not in raw:
            raise err(f"missing required key {key!r}", rid)

    category = raw["category"]
    if category not in CATEGORIES:
        raise err(f"unknown category {category!r} (known: {', '.join(CATEGORIES)})", rid)
    severity = severity_of(raw["severity"], "severity", err, rid)
    score = unit(raw["score"], "score", err, rid)
    min_score = unit(raw.get("min_score", DEFAULT_MIN_SCORE), "min_score", err, rid)
    message = req_str(raw, "message", err, rid)
    remediation = req_str(raw, "remediation", err, rid)

    keywords = str_list(raw["keywords"], "keywords", err, rid)
    if not keywords:
        raise err("'keywords' is empty: every rule needs a prefilter keyword", rid)
    for kw in keywords:
        # One ASCII character matches nearly everywhere; one emoji ("⭐") is specific enough.
        if len(kw.strip()) < 2 and (not kw.strip() or kw.strip().isascii()):
            raise err(f"keyword {kw!r} is too short to prefilter anything", rid)

    patterns = patterns_of(raw["patterns"], err, rid, vocab, check=check)
    context = tuple(cue_of(c, i, err, rid, vocab, check=check)
                    for i, c in enumerate(tables(raw.get("context", []), "context", err, rid)))
    negatives = negatives_of(raw.get("negatives", []), err, rid, vocab, check=check)

    targets_list = str_list(raw.get("targets", sorted(DEFAULT_TARGETS)), "targets", err, rid)
    bad = [t for t in targets_list if t not in KINDS]
    if bad:
        raise err(f"'targets' has unknown kind {bad[0]!r} (known: {', '.join(KINDS)})", rid)
    if not targets_list:
        raise err("'targets' is empty: the rule would never run", rid)
    targets = frozenset(targets_list)

    citations = str_list(raw["citations"], "citations", err, rid)
    if not citations:
        raise err("'citations' is empty: every finding cites the codes", rid)
    for ref in citations:
        try:
            check_ref(ref)
        except ValueError as exc:
            raise err(str(exc), rid) from None

    escalate = escalate_of(raw.get("escalate", {}), severity, err, rid)
    supersedes = str_list(raw.get("supersedes", []), "supersedes", err, rid)
    for other in supersedes:
        if not ID_RE.match(other) or other == rid:
            raise err(f"'supersedes' entry {other!r} is not another rule's id", rid)

    audience = raw.get("audience", "any")
    if audience not in AUDIENCES:
        raise err(f"'audience' must be one of {', '.join(AUDIENCES)}, got {audience!r}", rid)
    mosaic = raw.get("mosaic", False)
    if not isinstance(mosaic, bool):
        raise err("'mosaic' must be true or false", rid)

    examples = examples_of(raw["examples"], targets, err, rid)
    added, unkeyed = prefilter_additions([p.source for p in patterns], keywords)
    return Rule(
        id=rid, pack=pack, category=category, severity=severity, score=score, min_score=min_score,
        message=message, keywords=tuple(keywords), patterns=patterns, context=context,
        negatives=negatives, targets=targets, citations=tuple(citations), remediation=remediation,
        examples=examples, escalate=escalate, supersedes=tuple(supersedes),
        description=opt_str(raw, "description", err, rid),
        tags=tuple(str_list(raw.get("tags", []), "tags", err, rid)),
        audience=audience, mosaic=mosaic, prefilter=tuple(dict.fromkeys([*keywords, *added])), unkeyed=unkeyed,
    )
