"""Pack loading: invalid packs fail naming file and rule; user packs override and disable."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.analyzer import check_pack, list_rules
from auditor.analyzer.engine import Engine
from auditor.analyzer.rules import (
    active_rules,
    builtin_pack_paths,
    load_pack,
    load_packs,
    rules_version,
)
from auditor.errors import RulePackError
from auditor.findings import Severity

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rules"
INVALID = sorted((FIXTURES / "invalid").glob("*.toml"))
OVERRIDE = FIXTURES / "valid" / "override.toml"


def expected_error(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# error: "), f"{path.name}: first line must be '# error: <fragment>'"
    return first.removeprefix("# error: ")


def test_there_are_invalid_fixtures():
    assert len(INVALID) >= 15


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_pack(path: Path):
    with pytest.raises(RulePackError) as info:
        check_pack(path)
    message = str(info.value)
    assert expected_error(path) in message
    assert path.name in message  # every error names the pack file
    assert info.value.exit_code == 3


def test_builtin_packs_load_and_have_unique_ids():
    rules = active_rules(load_packs())
    assert len({r.id for r in rules}) == len(rules)
    assert all(p.name.endswith(".toml") for p in builtin_pack_paths())


def test_builtin_ids_may_not_collide():
    pack = load_pack(builtin_pack_paths()[0], builtin=True)
    with pytest.raises(RulePackError, match="also defined in built-in pack"):
        active_rules([pack, pack])


def _regexes(pack):
    for rule in pack.rules:
        yield from (p.source for p in rule.patterns)
        yield from (c.source for c in rule.context)
        yield from (n.source for n in rule.negatives)


@pytest.mark.parametrize("path", builtin_pack_paths(), ids=lambda p: p.stem)
def test_builtin_packs_pass_the_checks_a_user_pack_gets(path: Path):
    """A built-in pack's regexes are compiled only when first used, so the checks a user's pack
    gets as it loads (each regex compiles, none matches the empty string) run here instead."""
    checked = load_pack(path)  # as `footprint rules check` and `--rules` load a file
    assert all(r._compiled is not None for r in _regexes(checked))
    lazy = load_pack(path, builtin=True)
    assert all(r._compiled is None for r in _regexes(lazy))
    assert [r.pattern for r in _regexes(lazy)] == [r.pattern for r in _regexes(checked)]


def test_a_builtin_regex_is_compiled_on_first_use_and_reads_like_a_compiled_one():
    import pickle
    import re

    from auditor.analyzer.rules.model import Regex

    pack = load_pack(builtin_pack_paths()[0], builtin=True)
    pattern = pack.rules[0].patterns[0]
    assert pattern.source._compiled is None
    compiled = pattern.regex  # what the engine calls
    assert isinstance(compiled, re.Pattern) and pattern.regex is compiled
    assert compiled.pattern == pattern.source.pattern and compiled.flags & re.IGNORECASE
    # Source and flags (what derived.json is keyed on) without compiling, as `re` gives them.
    for source in [r.pattern for r in _regexes(pack)] + ["(?s)a.b", "(?x) a b", "(?a)\\w+", "(?-i:Ann)"]:
        regex = Regex(source)
        assert regex.flags == re.compile(source, re.IGNORECASE).flags, source
    plain, flagged = Regex("a+"), Regex("(?s)a.b")
    assert plain.flags and flagged.flags
    assert plain._compiled is None and flagged._compiled is not None  # only its own flags need `re`
    assert Regex("a+") == Regex("a+") and hash(Regex("a+")) == hash(Regex("a+"))
    assert Regex("a+") != Regex("a+", 0)
    again = pickle.loads(pickle.dumps(pattern))
    assert again == pattern and again.source._compiled is None  # compiled again where it is used
    assert again.regex.pattern == compiled.pattern


def test_user_pack_overrides_by_id_and_disables():
    builtin = {r.id: r for r in active_rules(load_packs())}
    merged = active_rules(load_packs([OVERRIDE]))
    by_id = {r.id: r for r in merged}
    assert "live-whereabouts" in builtin and "live-whereabouts" not in by_id
    assert by_id["profanity"].pack == "practice-overrides"
    assert by_id["profanity"].severity is Severity.MEDIUM
    # The override keeps the built-in rule's place; a new rule goes last.
    expected = [i for i in builtin if i != "live-whereabouts"] + ["practice-name-in-personal-post"]
    assert [r.id for r in merged] == expected

    engine = Engine(merged)
    hits = {h.rule.id for h in engine.scan("Oh sh*t, forgot my umbrella.")}
    assert "profanity" in hits  # the built-in rule did not flag censored profanity
    assert not engine.scan("I'm at Blue Bottle on Main St right now, come say hi!")


def test_check_pack_reports_each_example():
    result = check_pack(OVERRIDE)
    assert result.ok and result.pack == "practice-overrides"
    assert [e.passed for e in result.examples] == [True] * 5
    assert result.rules == ("profanity", "practice-name-in-personal-post")


def test_check_pack_lists_failing_examples(tmp_path: Path):
    pack = OVERRIDE.read_text().replace('text = "What a week."\n  expect = false',
                                        'text = "What a damn week."\n  expect = false')
    path = tmp_path / "failing.toml"
    path.write_text(pack)
    result = check_pack(path)
    assert not result.ok
    [failure] = result.failures
    assert (failure.rule_id, failure.index, failure.expect, failure.got) == ("profanity", 3, False, True)


def test_rules_version_tracks_loaded_packs():
    plain = rules_version(load_packs())
    assert plain == rules_version(load_packs())
    assert plain != rules_version(load_packs([OVERRIDE]))
    assert plain.startswith("0.") and "+" in plain


def test_list_rules_includes_detectors():
    info = {r.id: r for r in list_rules()}
    assert info["client-reference"].kind == "rule"
    assert info["personal-account-public"].kind == "detector"


def test_check_result_lines_for_the_cli():
    lines = check_pack(OVERRIDE).lines()
    assert lines[0].startswith(str(OVERRIDE)) and "practice-overrides" in lines[0]
    assert lines[-1] == "5/5 example(s) passed"
    assert sum(line.strip().startswith("ok") for line in lines) == 5


def test_the_shipped_answers_are_current_and_right():
    """derived.json holds every built-in rule's prefilter additions and every regex an engine
    over the built-in packs asks about, with what literals.py and superset.py work out afresh;
    when this fails after a pack, literals.py or superset.py change, regenerate it as
    derived.py says."""
    import json

    from auditor.analyzer.rules import derived
    from auditor.analyzer.superset import available

    shipped = json.loads(derived.CACHE.read_text(encoding="utf-8"))
    fresh = derived.build()
    stale = "derived.json is stale: regenerate it (see auditor/analyzer/rules/derived.py)"
    assert shipped["prefilter"] == fresh["prefilter"], stale
    if not available():  # without google-re2 no RE2 set asks for its rewrites
        pytest.skip("google-re2 is not installed: the shipped RE2 rewrites are not checked")
    assert shipped["regexes"] == fresh["regexes"], stale
    fields = [set(entry) for entry in fresh["regexes"].values()]
    assert sum("forms" in f for f in fields) > 500 and sum("starts" in f for f in fields) > 500


def test_a_rule_the_cache_does_not_know_is_worked_out(monkeypatch):
    import re

    from auditor.analyzer.rules import derived, literals

    calls = []
    real = literals.prefilter_additions
    monkeypatch.setattr(literals, "prefilter_additions", lambda p, k: calls.append(1) or real(p, k))
    added, unkeyed = derived.prefilter_additions([re.compile(r"\bmy\s+zebra\s+client\b")], ["rhino"])
    assert calls and "zebra" in " ".join(added) and unkeyed == ()


def test_a_regex_the_cache_does_not_know_is_worked_out(monkeypatch):
    """A user's pattern is not in the shipped file: its anchors are worked out, the same as
    literals.py's; a built-in one is answered from the file without a walk."""
    import re

    from auditor.analyzer.rules import derived, literals

    calls = []
    real = literals.start_literals
    monkeypatch.setattr(literals, "start_literals", lambda source: calls.append(source) or real(source))
    user = re.compile(r"\b(?:zebra|okapi)\s+client\b", re.IGNORECASE)
    assert derived.start_literals(user) == real(user.pattern) == {"zebra ", "okapi "}
    assert calls == [user.pattern]
    builtin = load_packs()[0].rules[0].patterns[0].regex
    assert derived.start_literals(builtin) == real(builtin.pattern)
    assert calls == [user.pattern]  # answered from the file
    # The same source with other flags is another regex: worked out, not looked up.
    derived.start_literals(re.compile(builtin.pattern, builtin.flags ^ re.IGNORECASE))
    assert len(calls) == 2
