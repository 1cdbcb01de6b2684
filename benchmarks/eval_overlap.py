"""Precision and recall of client-overlap resolution on the synthetic scenario.

    python benchmarks/eval_overlap.py [--seed 7] [--people 300]

Builds `fixtures/overlap/scenario.generate(seed, people)` (fictional people with ground truth),
ingests it into an in-memory database, runs `auditor.overlap.analyze` with the scenario's
roster, and prints:

- precision and recall of `certain` + `likely` entries against the people truly on both a
  personal and a professional account (an entry is correct when every membership it lists is
  that one person);
- what the `possible` entries add;
- roster recall: of the roster clients connected to a personal account, how many were found;
- how many X follower rows stayed unresolved (ids only).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def evaluate(seed: int = 7, people: int = 300) -> dict[str, Any]:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from auditor import overlap, roster
    from auditor.db import migrate
    from fixtures.overlap import scenario as scen

    sc = scen.generate(seed, people)
    engine = create_engine("sqlite://")
    migrate(engine)
    with Session(engine) as s:
        sid = scen.ingest(s, sc)
        ros = roster.parse(sc.roster_csv, "roster.csv")
        result = overlap.analyze(s, sid, ros)
    truth_both = sc.both_sides()
    sides = sc.sides()

    def persons(entry: overlap.Overlap) -> set[int | None]:
        return {sc.truth_key(m.platform, m.native_id, m.handle, m.name) for m in entry.memberships}

    by_tier: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    found: set[int] = set()
    wrong: list[str] = []
    for e in result.entries:
        roles = {m.account_role for m in e.memberships}
        if roles != {"personal", "professional"}:
            continue  # a roster client on personal accounts only: scored below
        by_tier[e.tier] += 1
        ps = persons(e)
        ok = len(ps) == 1 and next(iter(ps)) in truth_both
        if ok:
            correct[e.tier] += 1
            if e.tier in ("certain", "likely"):
                found.update(p for p in ps if p is not None)
        elif e.tier in ("certain", "likely"):
            wrong.append(f"{e.tier} {e.person}: {e.explanation[0] if e.explanation else ''}")
    predicted = by_tier["certain"] + by_tier["likely"]
    right = correct["certain"] + correct["likely"]
    found_any = set(found)
    for e in result.entries:
        ps = persons(e)
        if len(ps) == 1 and next(iter(ps)) in truth_both:
            found_any.update(p for p in ps if p is not None)
    roster_personal = [i for i, pid in enumerate(sc.roster_people) if "personal" in sides.get(pid, set())]
    roster_found = [i for i in roster_personal if i in result.roster_entries]
    # People an archive names only by an X account id on one side cannot be matched to anyone:
    # the identifiable ones are those named by a handle or a name on both sides.
    named = _named_sides(sc)
    identifiable = {p for p in truth_both if {"personal", "professional"} <= named.get(p, set())}
    roster_named = [i for i in roster_personal if "personal" in named.get(sc.roster_people[i], set())]
    unresolved = sum(c.unresolved for c in result.coverage)
    total_rows = sum(c.total for c in result.coverage)
    return {
        "seed": seed, "people": len(sc.people), "rows": len(sc.rows), "true_overlaps": len(truth_both),
        "entries": dict(by_tier), "correct": dict(correct),
        "precision": right / predicted if predicted else 1.0,
        "recall": len(found) / len(truth_both) if truth_both else 1.0,
        "recall_any_tier": len(found_any) / len(truth_both) if truth_both else 1.0,
        "identifiable": len(identifiable),
        "recall_identifiable": len(found & identifiable) / len(identifiable) if identifiable else 1.0,
        "roster_clients_on_personal": len(roster_personal), "roster_found": len(roster_found),
        "roster_named_on_personal": len(roster_named),
        "roster_named_found": len([i for i in roster_named if i in result.roster_entries]),
        "unresolved_rows": unresolved, "connection_rows": total_rows, "wrong": wrong,
        "missed_kinds": dict(Counter(_miss_reason(sc, p) for p in truth_both - found)),
    }


def _named_sides(sc: Any) -> dict[int, set[str]]:
    """Per person, the sides on which some row names them by a handle or a name."""
    roles = {a.key: a.role for a in sc.accounts}
    out: dict[int, set[str]] = {}
    for r in sc.rows:
        if r.handle or r.name:
            out.setdefault(r.person, set()).add(roles[r.account])
    return out


def _miss_reason(sc: Any, pid: int) -> str:
    plat = {a.key: a.platform for a in sc.accounts}
    rows = [r for r in sc.rows if r.person == pid]
    where = sorted({f"{plat[r.account]}{'(id)' if r.native_id and not r.handle else ''}" for r in rows})
    return "+".join(where)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--people", type=int, default=300)
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    r = evaluate(args.seed, args.people)
    print(f"scenario: seed {r['seed']}, {r['people']} people, {r['rows']} rows, "
          f"{r['true_overlaps']} on both sides")
    print(f"entries by tier (two-sided): {r['entries']}  correct: {r['correct']}")
    print(f"certain+likely precision: {r['precision']:.3f}")
    print(f"certain+likely recall:    {r['recall']:.3f} of all {r['true_overlaps']} "
          f"(any tier: {r['recall_any_tier']:.3f}); {r['recall_identifiable']:.3f} of the "
          f"{r['identifiable']} named on both sides by a handle or a name, not by an X id alone")
    print(f"roster clients connected to a personal account: {r['roster_clients_on_personal']}, "
          f"found: {r['roster_found']}; named there by a handle or a name: "
          f"{r['roster_named_on_personal']}, found: {r['roster_named_found']}")
    print(f"connection rows unresolved (ids only): {r['unresolved_rows']} of {r['connection_rows']}")
    print(f"missed (certain+likely), by where they were: {r['missed_kinds']}")
    if args.show_errors:
        for w in r["wrong"]:
            print("  wrong:", w)


if __name__ == "__main__":
    main()
