"""The RE2 set pass (superset.py) must change speed only: the same hits as the trie pass on every
text, because each rewrite matches wherever its Python pattern does, and texts the set cannot
answer for go the old way."""

from __future__ import annotations

import json
import re
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.analyzer.detectors.base import discover_text
from auditor.analyzer.engine import Engine, default_engine
from auditor.analyzer.rules import active_rules, load_packs
from auditor.analyzer.textfold import fold
from tests.helpers import ROOT

re2 = pytest.importorskip("re2", reason="google-re2 (the `fast` extra) is not installed")

from auditor.analyzer import superset
from auditor.analyzer.superset import PatternSet, Untranslatable, superset_source

EVAL = ROOT / "tests" / "data" / "eval"


@cache
def _engines() -> tuple[Engine, Engine]:
    """The pass on and off over the built-in packs, built on first use (not at collection)."""
    rules = active_rules(load_packs())
    fast = Engine(rules, [cls() for cls in discover_text()], fast=True)
    slow = Engine(rules, [cls() for cls in discover_text()], fast=False)
    assert fast.uses_set and not slow.uses_set
    return fast, slow


def _same(text: str, kind: str) -> None:
    fast, slow = _engines()
    assert [repr(h) for h in fast.scan(text, kind)] == [repr(h) for h in slow.scan(text, kind)], text


@pytest.mark.parametrize("name", ["dev", "fresh", "fresh2"])
def test_the_same_hits_as_the_trie_pass_on_the_corpus(name: str) -> None:
    """Development sets only: the holdout's texts are scored by the floor test, never studied."""
    for line in (EVAL / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        for kind in ("post", "reply"):
            _same(item["text"], kind)


def test_every_pattern_is_reported_wherever_python_finds_it() -> None:
    """The superset property on the packs' own examples: a pattern that matches a text is among
    the set's answers for it (the set may name more, never fewer)."""
    rules = default_engine().rules
    regexes = [p.regex for r in rules for p in r.patterns]
    patterns = PatternSet(regexes)
    checked = 0
    for rule in rules:
        for example in rule.examples:
            text = fold(example.text)
            reported = patterns.match(text)
            if reported is None:
                continue
            for j, regex in enumerate(regexes):
                if regex.search(text):
                    checked += 1
                    assert j in reported, (rule.id, regex.pattern[:80], text)
    assert checked > 300


_WORDS = sorted({w for r in default_engine().rules for w in r.keywords} |
                {"my", "client", "3pm", "session", "today", "DM", "me", "you", "her", "@ana", "paciente",
                 "\u0131", "\u212a", "\u00e9", "\U0001d5ff", "\n", "...", "!", "'"})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=4)), max_size=30),
       st.sampled_from(["post", "reply", "comment", "bio", "caption"]))
def test_the_same_hits_on_generated_texts(words: list[str], kind: str) -> None:
    _same(" ".join(words), kind)


def test_texts_the_set_cannot_answer_for_go_the_old_way(monkeypatch: pytest.MonkeyPatch) -> None:
    patterns = PatternSet([re.compile(r"\bclient\b", re.IGNORECASE)])
    assert patterns.match("my client") == [0]
    assert patterns.match("nothing here") == []
    assert patterns.match("my cl\u0131ent") is None  # dotless i: the engines fold it differently
    assert patterns.match("lone \ud800 surrogate") is None
    # RE2 gives no error when its automaton gives up part way; a missing sentinel says so.
    monkeypatch.setattr(patterns, "_parts", [(_broken([]), *patterns._parts[0][1:])])
    assert patterns.match("my client") is None
    text = "Saw my 3pm client at the gym today, she cried about her divorce"
    _fast, slow = _engines()
    broken = Engine(slow.rules, slow.detectors, fast=True)
    assert broken.uses_set
    parts = broken._set._patterns._parts  # type: ignore[union-attr]
    assert len(parts) > 1
    parts[-1] = (_broken(None), *parts[-1][1:])  # the last set alone gives up
    assert [repr(h) for h in broken.scan(text)] == [repr(h) for h in slow.scan(text)] != []


def test_a_batch_gets_each_text_s_answer_one_set_at_a_time() -> None:
    """`match_many` answers each text as `match` does, texts the set cannot answer for among the
    others included; the order of a text's indices is not kept."""
    regexes = [re.compile(p, re.IGNORECASE) for p in
               (r"\bclient\b", r"client.{0,40}cried", r"(?-i:DM) me", r"(?:^|\W+).{0,40}cried", r"session")]
    patterns = PatternSet(regexes)
    texts = ["my client cried", "my cl\u0131ent cried", "DM me", "lone \ud800 surrogate", "", "a session",
             "nothing", "CLIENT SESSION"]
    many = patterns.match_many(texts)
    assert [None if m is None else sorted(m) for m in many] == [
        None if m is None else sorted(m) for m in (patterns.match(t) for t in texts)]
    assert many[1] is None and many[3] is None and sorted(many[0] or []) == [0, 1, 3]
    keep = {0, 4}
    chosen = patterns.match_many(texts, lambda reported: keep)
    assert [sorted(m or []) for m in chosen] == [sorted(set(m or []) & keep) for m in many]


@pytest.mark.parametrize("name", ["dev", "fresh"])
def test_a_batch_scan_makes_the_hits_of_a_scan_text_by_text(name: str) -> None:
    """`Engine.scan_batch` (the audit's scan) over a corpus in batches: the same hits as the trie
    pass text by text, in both engines, texts RE2 cannot take included."""
    fast, slow = _engines()
    items = [(json.loads(line)["text"], kind, None)
             for line in (EVAL / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
             for kind in ("post", "reply")]
    items[5:5] = [("my cl\u0131ent cried in session today", "post", None), ("lone \ud800 client", "post", None)]
    expected = [[repr(h) for h in slow.scan(text, kind)] for text, kind, _context in items]
    for engine in (fast, slow):
        got = [[repr(h) for h in hits] for start in range(0, len(items), 97)
               for hits in engine.scan_batch(items[start:start + 97])]
        assert got == expected
    assert sum(map(len, expected)) > 100


def _broken(answer: list[int] | None) -> object:
    """A stand-in for an RE2 set whose automaton gave up: `Match` answers without the sentinel."""
    return type("Broken", (), {"Match": staticmethod(lambda data: answer)})()


def test_sets_of_a_few_answer_as_one_set_of_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """The regexes are split into sets of SET_SIZE; how they are split changes no answer."""
    regexes = [re.compile(p, re.IGNORECASE) for p in
               (r"\bclient\b", r"client.{0,40}cried", r"\bsession\b", r"zzz", r"(?:^|\W+).{0,40}cried",
                r"my\s+\w+\s+therapist", r"\bDM\b")]
    texts = ["my client cried", "a session, DM me", "my new therapist", "nothing", "zzz cried", ""]
    whole = PatternSet(regexes)
    assert len(whole._parts) == 1
    monkeypatch.setattr(superset, "SET_SIZE", 2)
    split = PatternSet(regexes)
    assert len(split._parts) == 3 and split.open == whole.open == (4,)
    for text in texts:
        assert sorted(split.match(text) or []) == sorted(whole.match(text) or []), text
    assert sorted(split.match("my client cried") or []) == [0, 1, 4]


def test_case_blind_regexes_read_the_lowered_text_and_the_others_the_text_as_written() -> None:
    """Regexes that ignore case throughout are matched against the text with its ASCII letters
    lowered (fewer distinct bytes for the automata); one with a case-sensitive part, against
    the text as written. Either way every regex is reported wherever Python finds it."""
    regexes = [re.compile(p, f) for p, f in (
        (r"\bmy client\b", re.IGNORECASE), (r"(?-i:DM) me", re.IGNORECASE), (r"\b[A-Z][a-z]+ cried", 0),
        (r"[^a-z]{3} now", re.IGNORECASE), (r"caf\u00e9 \w+", re.IGNORECASE), (r"client", 0))]
    patterns = PatternSet(regexes)
    assert {lower for _part, lower, *_rest in patterns._parts} == {True, False}
    texts = ["MY CLIENT", "My Client said DM me", "dm me", "Dana cried", "dana cried", "ABC NOW", "!!! now",
             "CAF\u00c9 OL\u00c9", "Caf\u00e9 \u00e9t\u00e9", "CLIENT", "client", "\u00c9 MY CLIENT \U0001f600"]
    for text in texts:
        reported = patterns.match(text)
        assert reported is not None, text
        found = [j for j, regex in enumerate(regexes) if regex.search(text)]
        assert set(found) <= set(reported), (text, found, reported)
    assert patterns.open == (3,)  # `[^a-z]{3}` runs across words: nothing is left to filter on
    for text in ("dm me", "dana cried", "CLIENT"):  # case is kept where a regex sets it
        assert patterns.match(text) == [3], text


@pytest.mark.parametrize(("pattern", "flags", "matches", "cut"), [
    (r"(?<!not )\bmy client\b", re.IGNORECASE, ["MY CLIENT"], "my"),                        # assertions dropped
    (r"client.{0,80}cried", 0, ["client cried"], "client"),                        # cut before a wide repeat
    (r"\w+@\w+\.com", 0, ["ana@x.com", "\u00e9@\u00e9.com"], r"\x{40}"),                 # \w holds Python's letters
    (r"[^\w\s]+ me", 0, ["!! me"], r"\x{20}me"),                                         # negated class: a superset
    (r"(?-i:DM) me", re.IGNORECASE, ["DM ME"], "DM"),                                       # case kept where it is set
    (r"(a)\1b", 0, ["aab"], "a"),                                                  # back-reference: cut there
])
def test_rewrites(pattern: str, flags: int, matches: list[str], cut: str) -> None:
    source = superset_source(re.compile(pattern, flags))
    whole = superset_source(re.compile(pattern, flags), cut=False)
    for text in matches:
        assert re.search(pattern, text, flags), text
        assert re2.search(source, text) and re2.search(whole, text), (source, text)
    assert cut in source
    if "(?<!" in pattern:
        assert re2.search(source, "not my client"), "a superset: dropping the assertion matches more"
    if "(?-i:" in pattern:
        assert not re2.search(source, "dm me"), "a case-sensitive part must stay case-sensitive"


@pytest.mark.parametrize(("pattern", "spans"), [
    (r"client[^.!?\n]*cried", True),   # names a newline, still runs across spaces and letters
    (r"client[^.!?]{0,60}cried", True),
    (r"client[^\s]*cried", False),     # within one word
    (r"client[^\w]+cried", False),
])
def test_a_negated_class_that_runs_across_words_ends_the_set_form(pattern: str, spans: bool) -> None:
    """The set's form stops before a repeat that can run across words: a DFA carrying such a
    half-matched pattern along the text grows with every new text (a negated class naming one
    whitespace character, `[^.!?\n]`, was once taken for one that runs within a word)."""
    source = superset_source(re.compile(pattern, re.IGNORECASE))
    assert ("cried" not in source) is spans, source
    whole = superset_source(re.compile(pattern, re.IGNORECASE), cut=False)
    for text in ("client who cried", "clientcried", "client, cried", "Client\ncried"):
        if re.search(pattern, text, re.IGNORECASE):
            assert re2.search(source, text) and re2.search(whole, text), (whole, text)


def test_whole_forms_are_confirmed_only_for_what_the_caller_selects() -> None:
    """`select` leaves out reported patterns unconfirmed: the engine confirms a cut pattern's
    whole form only when its rule's keywords were found."""
    patterns = PatternSet([re.compile(r"client.{0,40}cried"), re.compile(r"client"), re.compile(r"zzz")])
    assert sorted(patterns.match("a client who cried") or []) == [0, 1]
    assert patterns.match("a client who laughed") == [1]     # the whole form rules 0 out
    seen: list[list[int]] = []

    def only_one(reported: list[int]) -> set[int]:
        seen.append(sorted(reported))
        return {1}

    assert patterns.match("a client who cried", only_one) == [1]
    assert seen == [[0, 1]]


def test_a_whole_form_is_compiled_when_a_report_first_needs_it() -> None:
    patterns = PatternSet([re.compile(r"client.{0,40}cried"), re.compile(r"client")])
    form = patterns._whole[0]
    assert isinstance(form, superset._WholeForm) and not form._ready  # not at build time
    assert patterns.match("nothing here") == [] and not form._ready   # nor for texts without a report
    assert patterns.match("a client who laughed") == [1] and form._ready


def test_a_whole_form_re2_refuses_leaves_the_sets_report_standing() -> None:
    patterns = PatternSet([re.compile(r"client.{0,40}cried"), re.compile(r"client")])
    patterns._whole[0] = superset._WholeForm("(?P<unclosed")
    assert sorted(patterns.match("a client who laughed") or []) == [0, 1]
    assert patterns._whole[0].matcher() is None


def test_a_pattern_that_leaves_nothing_to_filter_on_is_run_on_every_text() -> None:
    with pytest.raises(Untranslatable):
        superset_source(re.compile(r"(?:^|\W+).{0,40}cried"))
    patterns = PatternSet([re.compile(r"(?:^|\W+).{0,40}cried"), re.compile("client")])
    assert patterns.open == (0,)
    assert patterns.match("nothing") == [0]


def test_special_folds_are_what_the_two_engines_disagree_on() -> None:
    assert superset.special_folds() == superset.SPECIAL_FOLDS


def test_an_audit_uses_the_set_only_on_a_large_footprint(session, rows, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor import analyzer
    from auditor.analyzer import engine as engine_module

    subject = rows.subject()
    account = rows.account(subject, handle="dana_counsels", role="professional")
    for n, text in enumerate(["My 3pm client cried about her divorce again.", "Lovely walk by the lake.",
                              "DM me for a free diagnosis, I can tell you have ADHD."]):
        rows.content(account, f"t{n}", text)
    asked: list[bool | None] = []
    real = engine_module.engine_for

    def spy(rules, detectors, *, fast=None):  # type: ignore[no-untyped-def]
        asked.append(fast)
        return real(rules, detectors, fast=fast)

    monkeypatch.setattr(analyzer, "engine_for", spy)
    small = analyzer.analyze(session, subject.id)
    monkeypatch.setattr(analyzer, "SET_MIN_TEXTS", 3)
    large = analyzer.analyze(session, subject.id)
    assert asked == [False, None]
    assert [f.fingerprint for f in small.findings] == [f.fingerprint for f in large.findings] != []


@pytest.mark.parametrize(("pattern", "parts"), [
    (r"\bclient\b.{0,80}\bcried\b", ["client", "cried"]),
    (r"(?:my|our)\s+client[^.!?]{0,60}babysits", [r"(?:my|our)", "babysits"]),
    (r"(a)b.{0,9}\1c", ["a", "c"]),                       # a back-reference ends a part too
    (r"client.{0,9}(?:cried|sobbed).*(?:today|tonight)", ["client", "cried", "to(?:day"]),
    (r"(?:client.{0,9}cried|dm me)", ["client"]),         # one top-level group: one part (cut inside)
])
def test_every_part_between_wide_repeats_is_a_superset_filter(pattern: str, parts: list[str]) -> None:
    """Each part of a pattern between repeats that run across words (`segments`) is matched by
    every text the pattern matches, so the shipped file may take the rarest as the set form."""
    regex = re.compile(pattern, re.IGNORECASE)
    forms = [superset.rewrite(part, True, cut=True) for part in superset.segments(superset.parse(regex))]
    assert len(forms) == len(parts) and all(p in f for p, f in zip(parts, forms)), forms
    texts = ["my client cried today", "our client who babysits", "aab xx ac", "ab ac",
             "client, so she sobbed tonight", "dm me", "a client who cried", "nothing here"]
    for text in texts:
        if regex.search(text):
            assert all(re2.search(form, text) for form in forms), (text, forms)


def test_the_shipped_set_form_is_the_part_fewest_reference_texts_match(monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.analyzer.rules import derived

    monkeypatch.setattr(derived, "_reference_texts", lambda: ("a client", "my client", "client babysits", "x"))
    assert derived._rarest("(?i:client)", ["(?i:client)", "(?i:babysits)"]) == "(?i:babysits)"
    assert derived._rarest("(?i:client)", ["(?i:cli)"]) == "(?i:client)"                  # a tie: the prefix
    assert derived._rarest("(?i:client)", ["(?i:[)"]) == "(?i:client)"                    # RE2 refuses a part
    monkeypatch.setattr(derived, "_reference_texts", lambda: ())
    assert derived._rarest("(?i:client)", ["(?i:babysits)"]) == "(?i:client)"             # no reference: the prefix


def test_the_set_pass_tries_an_anchored_pattern_only_where_it_can_start() -> None:
    """The set names a pattern that may match somewhere; the engine then tries it only where one
    of its start literals occurs (a rule's long vocabulary tried at every position cost up to a
    millisecond a text), with the same hits as the trie pass."""
    fast, _slow = _engines()
    text = "Ran into a client I see at the climbing gym today, then babysits for my neighbor"
    reported = fast._set_pass().candidates(fold(text))
    assert reported is not None
    anchored = [(i, k) for i, could in reported.items() if i < len(fast.rules) for k in could
                if (a := fast._rule_anchors[i][k]) is not None and a >= 0]
    assert anchored, "some anchored pattern is named on this text"
    for i, k in anchored:
        starts = fast._set_starts(reported, fold(text), i)
        assert starts is not None and starts[k] is not None
        regex = fast.rules[i].patterns[k].regex
        assert {m.start() for m in regex.finditer(fold(text))} <= set(starts[k])
    _same(text, "post")


def test_an_alternation_filters_on_each_alternatives_rarest_part(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pattern that is one alternation of `A…B` branches gets, among its set forms, the
    alternation of each branch's rarest part; it matches wherever the pattern does."""
    from auditor.analyzer.rules import derived

    monkeypatch.setattr(derived, "_reference_texts",
                        lambda: ("my client", "a client", "our zebra", "the zebra", "zebra", "x"))
    regex = re.compile(r"\b(?:client.{0,9}cried|zebra[^.]{0,5}babysits|dm\s+me)\b", re.IGNORECASE)
    forms = derived._forms(superset.parse(regex), True)
    assert any(f.startswith("(?i:(?:cried|babysits|dm(?:") for f in forms), forms
    chosen = derived._rarest(superset_source(regex), forms)
    assert chosen.startswith("(?i:(?:cried|babysits|dm"), chosen
    for text in ("a client who cried", "zebra, babysits", "DM  me", "client", "babysits"):
        if regex.search(text):
            assert re2.search(chosen, text), text
    assert not re2.search(chosen, "my client")
