"""Start literals and the engine's anchored patterns: a pattern tried only where one of its start
literals occurs must find exactly what `finditer` over the whole text finds."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from auditor.analyzer.engine import Engine, _anchored, default_engine, evaluate
from auditor.analyzer.rules.literals import start_literals
from auditor.analyzer.textfold import fold
from auditor.analyzer.trie import trie_regex

EVAL = Path(__file__).resolve().parents[1] / "data" / "eval"
DEV_TEXTS = [json.loads(line)["text"] for line in (EVAL / "dev.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"\bfoo", {"foo"}),
    (r"\bwhat\s+do", {"what "}),         # `\s+`: one whitespace character, then maybe more
    (r"\bwhat\sdo", {"what d"}),          # `\s`: exactly one, so the literal goes on
    (r"\bclients\sarrive", {"client"}),   # cut at six characters
    (r"(?:ab)?c", {"abc", "c"}),
    (r"(?<![\w])['\"]x", {"'x", '"x'}),                # lookbehind matches no text
    (r"[eé]l\s", {"el ", "él "}),
    (r"\byou(?:'re|\s+are)\s+not", {"you're", "you "}),
    (r"(?:^|[.!?]\s+)(?:leave|go)\b", {". ", "! ", "? ", "leave", "go"}),
    (r"\bmy\s(?:client|patient)s?", {"my cli", "my pat"}),
    (r"\bmy\s*(?:client)", {"my"}),      # `\s*` may be empty or not: "my" is all that is sure
])
def test_start_literals(pattern, expected):
    assert start_literals(pattern) == expected


@pytest.mark.parametrize("pattern", [
    r"\w+ing", r"x*", r"\b\d{1,5}\s+St", r".client",
    r"(?:foo)?", r"[^a]bc",
])
def test_patterns_that_can_start_anywhere_have_none(pattern):
    assert start_literals(pattern) is None


def test_the_engine_does_not_anchor_on_single_letters_or_whitespace():
    from auditor.analyzer.engine import _anchorable

    assert start_literals(r"(?:it|this)?\s*sounds") == {" ", "it", "this", "sounds"}
    assert _anchorable(re.compile(r"(?:it|this)?\s*sounds")) is None
    assert _anchorable(re.compile(r"\b[ab]\w+")) is None
    assert _anchorable(re.compile(r"(?-i:[A-Z][a-z]+)\s+is")) is None  # 676 two-letter literals
    assert _anchorable(re.compile(r"\b(?:a|the)\s+psycho")) == {"a ", "the "}


def test_every_builtin_match_starts_with_a_start_literal():
    """Over the packs and the development corpus: each match of an anchorable pattern begins
    with one of its literals, whatever the case or the whitespace between words."""
    rng = random.Random(5)
    texts = [fold(t) for t in DEV_TEXTS]
    # The same texts with other whitespace and other case, which the literals must survive.
    texts += [fold(t).replace(" ", rng.choice(["\n", "\t", "  ", "\u00a0"]), 3).upper() for t in DEV_TEXTS[:200]]
    checked = 0
    for rule in default_engine().rules:
        for pattern in rule.patterns:
            starts = start_literals(pattern.regex.pattern)
            if starts is None:
                continue
            finder = re.compile(trie_regex(starts), re.IGNORECASE)
            for text in texts:
                for m in pattern.regex.finditer(text):
                    if m.end() > m.start():
                        checked += 1
                        assert finder.match(text, m.start()), (rule.id, pattern.label, text[m.start():m.end()])
    assert checked > 200


def test_anchored_scan_finds_what_a_full_scan_finds():
    engine = default_engine()
    rng = random.Random(11)
    texts = [fold(t) for t in DEV_TEXTS]
    texts += [t.replace(" ", "\n", 2) for t in texts[:150]] + [t.upper() for t in texts[150:300]]
    words = " ".join(texts).split()
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(5, 60))) for _ in range(400)]
    anchored_runs = 0
    for text in texts:
        found, positions = engine._pass(text)
        for i in sorted(found):
            if i >= len(engine.rules):
                continue
            starts = engine._starts(i, positions)
            full = evaluate(engine.rules[i], text)
            if starts is None:  # the engine skips the rule: no pattern of it may match
                assert not any(p.regex.search(text) for p in engine.rules[i].patterns), (engine.rules[i].id, text)
                continue
            anchored_runs += sum(bool(s) for s in starts)
            fast = evaluate(engine.rules[i], text, None, starts)
            assert (fast is None) == (full is None), (engine.rules[i].id, text)
            if fast is not None and full is not None:
                assert (fast.spans, fast.score, fast.contributions) == (full.spans, full.score, full.contributions)
    assert anchored_runs > 1000


def test_most_builtin_patterns_are_anchored():
    engine = default_engine()
    total = sum(len(r.patterns) for r in engine.rules)
    assert len(engine._anchors) >= 0.6 * total


def test_anchored_tries_follow_finditer():
    regex = re.compile(r"ab+")
    text = "xabbb abab ab"
    starts = [m.start() for m in re.finditer("a", text)]
    assert [m.span() for m in _anchored(regex, text, starts)] == [m.span() for m in regex.finditer(text)]


def test_whitespace_in_a_keyword_matches_any_whitespace():
    rule_engine = Engine(default_engine().rules[:0])
    assert rule_engine.candidates("anything") == set()
    from tests.analyzer.test_engine import make_rule

    rule = make_rule(keywords=["my client"], patterns=[r"\bmy\s+client\b"])
    engine = Engine([rule])
    for text in ("my client", "MY\nclient", "my\u00a0client", "my\tCLIENT"):
        assert engine.candidates(text) == {0}, repr(text)
        assert len(engine.scan(text)) == 1, repr(text)


def test_candidates_are_exactly_the_rules_whose_keywords_occur():
    """The pass selects a rule when, and only when, one of its keywords occurs in the text
    (case aside, any whitespace for a space), wherever the keywords overlap."""
    engine = default_engine()
    units = engine._units
    rng = random.Random(2)
    texts = [fold(t) for t in DEV_TEXTS[:300]]
    texts += ["".join(rng.choice(t) for _ in range(40)) + " " + t for t in texts[:50]]  # shuffled noise
    for text in texts:
        plain = re.sub(r"\s", " ", text.lower())
        expected = {i for i, unit in enumerate(units) if any(k.lower() in plain for k in unit.prefilter or unit.keywords)}
        assert engine.candidates(text) == expected, text


def test_a_pattern_that_cannot_be_anchored_is_gated_on_a_word_every_match_contains():
    from auditor.analyzer.engine import _gate
    from tests.analyzer.test_engine import make_rule

    regex = re.compile(r"(?-i:[A-Z][a-z]+)\s+is\s+(?:a\s+)?(?:narcissist|sociopath)\b", re.IGNORECASE)
    assert _gate(regex) == {"narcissist", "sociopath"}
    assert _gate(re.compile(r"\w+\s+(?:is|was)\s+\w+")) is None  # no word worth a gate
    rule = make_rule(keywords=["narcissist", "sociopath", "mark"], patterns=[regex.pattern])
    engine = Engine([rule])
    assert engine._gated == [(0, 0)]
    assert engine._starts(0, engine._pass("Mark is so tired")[1]) is None  # a keyword, but no gate word
    assert len(engine.scan("Honestly Mark is a narcissist.")) == 1
    assert len(engine.scan("Mark  is\na narcissist.")) == 1  # any whitespace
    assert len(default_engine()._gated) >= 10


def test_anchored_search_finds_what_each_regex_finds():
    """The code detectors' shared search (review replies use it) against plain finditer."""
    from auditor.analyzer.detectors.review_reply import CONFIRMING
    from auditor.analyzer.engine import AnchoredSearch

    regexes = [regex for _label, _score, regex in CONFIRMING] + [re.compile(r"\w+ing\b")]  # one it cannot anchor
    search = AnchoredSearch(regexes)
    assert search._open == (len(regexes) - 1,)
    rng = random.Random(4)
    texts = [fold(t) for t in DEV_TEXTS] + [fold(t).upper().replace(" ", "\n", 2) for t in DEV_TEXTS[:100]]
    words = " ".join(texts).split()
    texts += [" ".join(rng.choice(words) for _ in range(30)) for _ in range(200)]
    found = 0
    for text in texts:
        fast = [(j, m.span()) for j, m in search.finditer(text)]
        full = [(j, m.span()) for j, regex in enumerate(regexes) for m in regex.finditer(text) if m.end() > m.start()]
        assert fast == full, text
        found += len(full)
    assert found > 100
