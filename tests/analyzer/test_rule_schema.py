"""Pack loading: invalid packs fail naming file and rule; user packs override and disable."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.analyzer import check_pack, list_rules
from auditor.analyzer.engine import Engine
from auditor.analyzer.rules import active_rules, builtin_pack_paths, load_pack, load_packs, rules_version
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


def test_the_shipped_prefilter_answers_are_current_and_right():
    """prefilter.json holds every built-in rule, with what literals.py works out afresh; when
    this fails after a pack or literals.py change, regenerate it as prefilter_cache.py says."""
    import json

    from auditor.analyzer.rules import prefilter_cache

    shipped = json.loads(prefilter_cache.CACHE.read_text(encoding="utf-8"))["entries"]
    fresh = prefilter_cache.build()
    assert shipped == fresh, "prefilter.json is stale: regenerate it (see auditor/analyzer/rules/prefilter_cache.py)"


def test_a_rule_the_cache_does_not_know_is_worked_out(monkeypatch):
    import re

    from auditor.analyzer.rules import literals, prefilter_cache

    calls = []
    real = literals.prefilter_additions
    monkeypatch.setattr(literals, "prefilter_additions", lambda p, k: calls.append(1) or real(p, k))
    added, unkeyed = prefilter_cache.prefilter_additions([re.compile(r"\bmy\s+zebra\s+client\b")], ["rhino"])
    assert calls and "zebra" in " ".join(added) and unkeyed == ()
