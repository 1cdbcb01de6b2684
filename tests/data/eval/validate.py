"""Validate the labeled evaluation corpus (dev.jsonl, holdout.jsonl) and print its counts.

Usage:  python tests/data/eval/validate.py [--dir DIR] [--no-dups] [--file PATH [--prefix P]]

Checks, per line: JSON object with exactly the documented keys; id pattern and prefix per file
(d#### in dev, h#### in holdout), unique and consecutive; kind, role, lang, labels from the fixed
vocabularies; labels unique and in canonical order; hard_negative true only with empty labels; text
and reason non-empty single lines. Across files: no text appears twice (within or across splits),
and near-duplicates are reported (rapidfuzz ratio >= 85) when rapidfuzz is installed. The SHA-256
of holdout.jsonl must match the value recorded in README.md.

Prints counts per split: items, positives, hard negatives, plain negatives, multi-label items,
per label, per kind, per role, per language, hard-negative share, Spanish share.

--file PATH also validates one extra file (e.g. fresh.jsonl) with the same per-line checks and id
prefix --prefix (default "f"), includes it in the duplicate and near-duplicate scans against dev and
holdout, and prints its counts separately. The "total" block stays dev + holdout. Without --file the
behaviour is unchanged.

Exit status 1 on any error. Standard library only (rapidfuzz optional).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

LABELS = (
    "confidentiality",
    "personalized_advice",
    "professional_conduct",
    "testimonial",
    "dual_relationship",
    "boundary",
)
KINDS = ("post", "reply", "comment", "caption", "bio")
ROLES = ("professional", "personal")
LANGS = ("en", "es")
KEYS = {"id", "text", "kind", "role", "lang", "labels", "hard_negative", "reason"}
SPLITS = (("dev.jsonl", "d"), ("holdout.jsonl", "h"))
SHA_RE = re.compile(r"holdout\.jsonl[^\n]*?SHA-256[^\n]*?`([0-9a-f]{64})`", re.IGNORECASE)


def check_record(rec: object, where: str, prefix: str, expected_n: int) -> list[str]:
    errs: list[str] = []
    if not isinstance(rec, dict):
        return [f"{where}: not a JSON object"]
    keys = set(rec)
    if keys != KEYS:
        missing, extra = KEYS - keys, keys - KEYS
        errs.append(f"{where}: keys missing {sorted(missing)} extra {sorted(extra)}")
        return errs
    rid = rec["id"]
    if not (isinstance(rid, str) and re.fullmatch(rf"{prefix}\d{{4}}", rid)):
        errs.append(f"{where}: bad id {rid!r} (want {prefix}####)")
    elif int(rid[1:]) != expected_n:
        errs.append(f"{where}: id {rid} out of sequence (expected {prefix}{expected_n:04d})")
    for field in ("text", "reason"):
        val = rec[field]
        if not isinstance(val, str) or not val.strip():
            errs.append(f"{where}: {field} empty or not a string")
        elif "\n" in val or "\r" in val:
            errs.append(f"{where}: {field} has a line break")
        elif val != val.strip():
            errs.append(f"{where}: {field} has leading/trailing whitespace")
    for field, allowed in (("kind", KINDS), ("role", ROLES), ("lang", LANGS)):
        if rec[field] not in allowed:
            errs.append(f"{where}: {field}={rec[field]!r} not in {allowed}")
    labels = rec["labels"]
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        errs.append(f"{where}: labels must be a list of strings")
    else:
        bad = [x for x in labels if x not in LABELS]
        if bad:
            errs.append(f"{where}: unknown labels {bad}")
        elif len(set(labels)) != len(labels):
            errs.append(f"{where}: duplicate labels {labels}")
        elif labels != sorted(labels, key=LABELS.index):
            errs.append(f"{where}: labels not in canonical order {labels}")
    hn = rec["hard_negative"]
    if not isinstance(hn, bool):
        errs.append(f"{where}: hard_negative must be a boolean")
    elif hn and labels:
        errs.append(f"{where}: hard_negative is true but labels are not empty")
    return errs


def load(path: Path, prefix: str) -> tuple[list[dict], list[str]]:
    rows: list[dict] = []
    errs: list[str] = []
    raw = path.read_bytes()
    if b"\r\n" in raw:
        errs.append(f"{path.name}: CRLF line endings")
    text = raw.decode("utf-8")
    if text and not text.endswith("\n"):
        errs.append(f"{path.name}: no trailing newline")
    for n, line in enumerate(text.splitlines(), 1):
        where = f"{path.name}:{n}"
        if not line.strip():
            errs.append(f"{where}: blank line")
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            errs.append(f"{where}: invalid JSON ({exc})")
            continue
        errs += check_record(rec, where, prefix, len(rows) + 1)
        rows.append(rec)
    return rows, errs


def pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.1f}%)" if b else "0/0"


def summary(name: str, rows: list[dict]) -> None:
    n = len(rows)
    pos = [r for r in rows if r.get("labels")]
    hard = sum(1 for r in rows if r.get("hard_negative") is True)
    multi = sum(1 for r in pos if len(r["labels"]) > 1)
    per_label = Counter(lab for r in pos for lab in r["labels"])
    print(f"== {name}: {n} items")
    print(f"   positives {pct(len(pos), n)} | hard negatives {pct(hard, n)} | "
          f"plain negatives {n - len(pos) - hard}")
    print(f"   multi-label {pct(multi, len(pos))} of positives")
    print("   per label (positives incl. multi-label):")
    for lab in LABELS:
        single = sum(1 for r in pos if r["labels"] == [lab])
        print(f"     {lab:<22}{per_label[lab]:>5}   (single-label {single})")
    for field, vocab in (("kind", KINDS), ("role", ROLES), ("lang", LANGS)):
        c = Counter(r.get(field) for r in rows)
        print(f"   per {field}: " + ", ".join(f"{v} {c[v]}" for v in vocab))
    es = [r for r in rows if r.get("lang") == "es"]
    es_pos = sum(1 for r in es if r.get("labels"))
    print(f"   Spanish share {pct(len(es), n)} (positives {es_pos}, negatives {len(es) - es_pos})")
    print(f"   hard-negative share {pct(hard, n)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=Path(__file__).resolve().parent)
    ap.add_argument("--no-dups", action="store_true", help="skip the near-duplicate scan")
    ap.add_argument("--file", type=Path, default=None,
                    help="also validate this extra file (same checks, counts printed separately)")
    ap.add_argument("--prefix", default="f", help="id prefix for --file (default: f)")
    args = ap.parse_args()

    errors: list[str] = []
    warnings: list[str] = []
    splits: dict[str, list[dict]] = {}
    for fname, prefix in SPLITS:
        path = args.dir / fname
        if not path.is_file():
            errors.append(f"missing {path}")
            continue
        rows, errs = load(path, prefix)
        splits[fname] = rows
        errors += errs

    extra_name: str | None = None
    if args.file is not None:
        if not args.file.is_file():
            errors.append(f"missing {args.file}")
        else:
            extra_name = args.file.name
            if extra_name in splits:
                errors.append(f"--file {args.file} is one of the default splits")
                extra_name = None
            else:
                rows, errs = load(args.file, args.prefix)
                splits[extra_name] = rows
                errors += errs

    seen: dict[str, str] = {}
    for fname, rows in splits.items():
        for r in rows:
            key = " ".join(str(r.get("text", "")).lower().split())
            if key in seen:
                errors.append(f"duplicate text {r.get('id')} ({fname}) = {seen[key]}")
            else:
                seen[key] = f"{r.get('id')} ({fname})"

    if not args.no_dups:
        try:
            from rapidfuzz import fuzz
        except ImportError:
            warnings.append("rapidfuzz not installed: near-duplicate scan skipped")
        else:
            allrows = [r for rows in splits.values() for r in rows]
            texts = [str(r.get("text", "")).lower() for r in allrows]
            for i in range(len(texts)):
                for j in range(i + 1, len(texts)):
                    if fuzz.ratio(texts[i], texts[j]) >= 85:
                        warnings.append(f"near-duplicate: {allrows[i]['id']} ~ {allrows[j]['id']}")

    holdout = args.dir / "holdout.jsonl"
    readme = args.dir / "README.md"
    if holdout.is_file():
        digest = hashlib.sha256(holdout.read_bytes()).hexdigest()
        print(f"holdout.jsonl SHA-256 {digest}")
        if not readme.is_file():
            errors.append("README.md missing: cannot check the recorded holdout SHA-256")
        else:
            m = SHA_RE.search(readme.read_text(encoding="utf-8"))
            if not m:
                errors.append("README.md records no holdout.jsonl SHA-256")
            elif m.group(1) != digest:
                errors.append(f"holdout.jsonl changed: README records {m.group(1)}")

    base = {k: v for k, v in splits.items() if k != extra_name}
    for fname, rows in base.items():
        summary(fname, rows)
    if len(base) == 2:
        summary("total", [r for rows in base.values() for r in rows])
    if extra_name is not None:
        summary(extra_name, splits[extra_name])

    for w in warnings:
        print(f"WARNING {w}")
    for e in errors:
        print(f"ERROR {e}")
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
