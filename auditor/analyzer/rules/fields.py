"""Validators for the fields of a rule pack; each raises an error naming the file and rule."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from auditor.analyzer.rules.model import KINDS, Cue, Errors, Example, Negative, Pattern, Regex
from auditor.findings import SEVERITIES, Severity

#: A regex that can match the empty string gives zero-width evidence; probe a few shapes
#: ("\\b(?:foo)?" matches nothing in "" but an empty string at every word boundary).
_EMPTY_PROBES = ("", " ", "a", "a a", "0", "-", "a.\n")
_PATTERN_KEYS = {"regex", "score", "label"}
_CUE_KEYS = {"label", "regex", "weight", "window", "severity", "discloses"}
_NEGATIVE_KEYS = {"regex", "scope", "label"}
_EXAMPLE_KEYS = {"text", "expect", "kind", "note"}


def unknown_keys(table: dict[str, Any], known: set[str], what: str, err: Errors, rid: str | None) -> None:
    extra = sorted(set(table) - known)
    if extra:
        raise err(f"unknown {what} key {extra[0]!r} (known: {', '.join(sorted(known))})", rid)


def req_str(table: dict[str, Any], key: str, err: Errors, rid: str | None) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise err(f"{key!r} must be a non-empty string", rid)
    return value.strip()


def opt_str(table: dict[str, Any], key: str, err: Errors, rid: str | None) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise err(f"{key!r} must be a string", rid)
    return value.strip()


def str_list(value: Any, key: str, err: Errors, rid: str | None) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise err(f"{key!r} must be an array of strings", rid)
    return list(value)


def tables(value: Any, key: str, err: Errors, rid: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise err(f"{key!r} must be an array of tables ([[rules.{key}]])", rid)
    return list(value)


def number_of(value: Any, key: str, err: Errors, rid: str | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise err(f"{key!r} must be a number, got {value!r}", rid)
    return float(value)


def unit(value: Any, key: str, err: Errors, rid: str | None) -> float:
    number = number_of(value, key, err, rid)
    if not 0.0 <= number <= 1.0:
        raise err(f"{key!r} must be between 0 and 1, got {number}", rid)
    return number


def severity_of(value: Any, key: str, err: Errors, rid: str) -> Severity:
    if value not in SEVERITIES:
        raise err(f"{key!r} must be one of {', '.join(SEVERITIES)}, got {value!r}", rid)
    return Severity(value)


#: `{{name}}` in a regex: a fragment of the vocabulary (shared vocab.toml plus the pack's [vocab]).
VOCAB_REF = re.compile(r"\{\{([a-z][a-z0-9_]*)\}\}")
VOCAB_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: Fragments may use other fragments; deeper nesting than this is almost surely a cycle.
_VOCAB_DEPTH = 8


def expand_vocab(source: str, vocab: Mapping[str, str], where: str, err: Errors, rid: str | None) -> str:
    """`source` with every `{{name}}` replaced by `(?:fragment)`; unknown names are errors."""
    for _ in range(_VOCAB_DEPTH):
        if "{{" not in source:
            return source
        missing = [m.group(1) for m in VOCAB_REF.finditer(source) if m.group(1) not in vocab]
        if missing:
            raise err(f"{where}: unknown vocabulary name {{{{{missing[0]}}}}} "
                      f"(define it under [vocab] or use one of packs/_vocab.toml)", rid)
        source = VOCAB_REF.sub(lambda m: f"(?:{vocab[m.group(1)]})", source)
    if VOCAB_REF.search(source):
        raise err(f"{where}: vocabulary fragments nest more than {_VOCAB_DEPTH} deep (a cycle?)", rid)
    return source


def compile_regex(source: Any, where: str, err: Errors, rid: str,
                  vocab: Mapping[str, str] | None = None, *, check: bool = True) -> Regex:
    """A pack regex with its vocabulary expanded, compiled and checked; with `check` False (the
    built-in packs, which the test suite checks whole) compiled only when first used."""
    if not isinstance(source, str) or not source.strip():
        raise err(f"{where}: regex must be a non-empty string", rid)
    source = expand_vocab(source, vocab or {}, where, err, rid)
    if not check:
        return Regex(source, re.IGNORECASE)
    try:
        compiled = re.compile(source, re.IGNORECASE)
    except re.error as exc:
        raise err(f"{where}: invalid regex {source!r}: {exc}", rid) from None
    # A regex that can match the empty string gives zero-width evidence; probe a few shapes
    # ("\b(?:foo)?" matches nothing in "" but an empty string at every word boundary).
    if any(m.start() == m.end() for probe in _EMPTY_PROBES for m in compiled.finditer(probe)):
        raise err(f"{where}: regex matches the empty string (zero-width evidence)", rid)
    return Regex(source, re.IGNORECASE, compiled)


def patterns_of(value: Any, err: Errors, rid: str, vocab: Mapping[str, str] | None = None, *,
                check: bool = True) -> tuple[Pattern, ...]:
    if not isinstance(value, list) or not value:
        raise err("'patterns' must be a non-empty array of regexes or {regex, score, label} tables", rid)
    out: list[Pattern] = []
    for i, item in enumerate(value, start=1):
        where = f"pattern {i}"
        if isinstance(item, str):
            out.append(Pattern(compile_regex(item, where, err, rid, vocab, check=check), None, "match"))
            continue
        if not isinstance(item, dict):
            raise err(f"{where}: must be a regex string or a table", rid)
        unknown_keys(item, _PATTERN_KEYS, where, err, rid)
        score = unit(item["score"], f"{where} score", err, rid) if "score" in item else None
        label = item.get("label", "match")
        if not isinstance(label, str) or not label.strip():
            raise err(f"{where}: 'label' must be a non-empty string", rid)
        out.append(Pattern(compile_regex(item.get("regex"), where, err, rid, vocab, check=check), score, label.strip()))
    return tuple(out)


def cue_of(item: dict[str, Any], i: int, err: Errors, rid: str, vocab: Mapping[str, str] | None = None, *,
           check: bool = True) -> Cue:
    where = f"context {i + 1}"
    unknown_keys(item, _CUE_KEYS, where, err, rid)
    label = item.get("label")
    if not isinstance(label, str) or not label.strip():
        raise err(f"{where}: 'label' must be a non-empty string", rid)
    weight = number_of(item.get("weight"), f"{where} weight", err, rid)
    if not -1.0 <= weight <= 1.0 or weight == 0.0:
        raise err(f"{where}: 'weight' must be non-zero and between -1 and 1, got {weight}", rid)
    window = item.get("window")
    if window is not None and (isinstance(window, bool) or not isinstance(window, int) or window <= 0):
        raise err(f"{where}: 'window' must be a positive integer (characters)", rid)
    severity = severity_of(item["severity"], f"{where} severity", err, rid) if "severity" in item else None
    if severity is not None and weight < 0:
        raise err(f"{where}: a cue that lowers the score cannot set a severity floor", rid)
    discloses = item.get("discloses", False)
    if not isinstance(discloses, bool):
        raise err(f"{where}: 'discloses' must be true or false", rid)
    if discloses and weight < 0:
        raise err(f"{where}: a cue that lowers the score cannot be marked 'discloses'", rid)
    return Cue(label.strip(), compile_regex(item.get("regex"), where, err, rid, vocab, check=check), weight, window, severity,
               discloses)


def negatives_of(value: Any, err: Errors, rid: str, vocab: Mapping[str, str] | None = None, *,
                 check: bool = True) -> tuple[Negative, ...]:
    if not isinstance(value, list):
        raise err("'negatives' must be an array of regexes or {regex, scope, label} tables", rid)
    out: list[Negative] = []
    for i, item in enumerate(value, start=1):
        where = f"negative {i}"
        if isinstance(item, str):
            out.append(Negative(compile_regex(item, where, err, rid, vocab, check=check), "match", "hard negative"))
            continue
        if not isinstance(item, dict):
            raise err(f"{where}: must be a regex string or a table", rid)
        unknown_keys(item, _NEGATIVE_KEYS, where, err, rid)
        scope = item.get("scope", "match")
        if scope not in ("match", "text"):
            raise err(f"{where}: 'scope' must be \"match\" or \"text\", got {scope!r}", rid)
        label = item.get("label", "hard negative")
        if not isinstance(label, str):
            raise err(f"{where}: 'label' must be a string", rid)
        out.append(Negative(compile_regex(item.get("regex"), where, err, rid, vocab, check=check), scope, label))
    return tuple(out)


def escalate_of(value: Any, base: Severity, err: Errors, rid: str) -> tuple[tuple[Severity, float], ...]:
    if not isinstance(value, dict):
        raise err("'escalate' must be a table such as { high = 0.8 }", rid)
    out: list[tuple[Severity, float]] = []
    for name, threshold in value.items():
        severity = severity_of(name, "escalate", err, rid)
        if severity.rank <= base.rank:
            raise err(f"'escalate' to {name!r} is not above the rule's severity {base.value!r}", rid)
        out.append((severity, unit(threshold, f"escalate.{name}", err, rid)))
    return tuple(sorted(out, key=lambda p: -p[0].rank))


def examples_of(value: Any, targets: frozenset[str], err: Errors, rid: str) -> tuple[Example, ...]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise err("'examples' must be an array of tables ([[rules.examples]])", rid)
    default_kind = "post" if "post" in targets else min(targets)
    out: list[Example] = []
    for i, item in enumerate(value, start=1):
        where = f"example {i}"
        unknown_keys(item, _EXAMPLE_KEYS, where, err, rid)
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            raise err(f"{where}: 'text' must be a non-empty string", rid)
        expect = item.get("expect")
        if not isinstance(expect, bool):
            raise err(f"{where}: 'expect' must be true or false", rid)
        kind = item.get("kind", default_kind)
        if kind not in KINDS:
            raise err(f"{where}: unknown kind {kind!r} (known: {', '.join(KINDS)})", rid)
        if expect and kind not in targets:
            raise err(f"{where}: kind {kind!r} is not in the rule's targets, so it can never match", rid)
        note = item.get("note", "")
        if not isinstance(note, str):
            raise err(f"{where}: 'note' must be a string", rid)
        out.append(Example(text=text, expect=expect, kind=kind, note=note))
    if not any(e.expect for e in out) or all(e.expect for e in out):
        raise err("needs at least one positive (expect = true) and one negative (expect = false) example", rid)
    return tuple(out)
