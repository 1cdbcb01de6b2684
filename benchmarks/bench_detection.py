"""Detection throughput: one combined prefilter pass per text, then only the candidates' patterns.

    python benchmarks/bench_detection.py [--posts 100000] [--seed 5]

Generates deterministic, varied synthetic posts (mostly ordinary life and practice news, some
with clinical words, a few risky ones, in English and Spanish), scans each with the built-in
engine (rule packs plus per-text detectors) and prints:

- prefilter passes per text (always 1: one combined keyword regex, whatever the number of rules);
- rules selected by the prefilter per text, and regex evaluations per text after it (patterns,
  negatives, cues, mosaic components), as medians, 90th percentiles and maxima, next to the
  number a rule-by-rule scan would need;
- time per 1,000 texts (median over batches of 1,000) and the total;
- the learned cues (auditor/analyzer/learned.py), run after the rules as an audit runs them:
  their time per 1,000 texts, and how many texts they flag, among the ordinary ones (life and
  practice news: every such flag is a false positive) and among the risky ones.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from auditor.analyzer.engine import ScanStats, default_engine
from auditor.analyzer.textfold import fold

KINDS = ("post", "post", "post", "reply", "comment", "caption")
OPENERS = ["Today", "This morning", "Honestly", "Quick reminder:", "Fun fact:", "Weekend plans:", "Ugh,", "So",
           "Hoy", "Esta semana", "Note to self:", "PSA:", "Grateful:", "Big news!"]
LIFE = ["went for a long walk by the river", "made pancakes with the kids", "finished a 1000-piece puzzle",
        "tried a new sourdough recipe", "watched the sunset from the porch", "cleaned out the garage",
        "read three chapters of a novel", "planted tomatoes in the backyard", "fixed the squeaky door",
        "caminé por el parque con mi perro", "preparé café y leí el periódico", "fui al mercado con mi mamá"]
PRACTICE = ["our office will be closed Monday", "evening appointments are now available",
            "we're hiring a front desk coordinator", "the patient portal is down for maintenance",
            "new blog post on sleep and mood", "grief group starts next month, sign up online",
            "accepting new clients for telehealth", "free workshop on anxiety at the library",
            "many clients ask how long therapy takes", "symptoms of burnout include exhaustion and cynicism",
            "tenemos citas disponibles los jueves", "nuevo taller sobre ansiedad en la biblioteca"]
RISKY = ["my 3pm cried about her divorce again", "leave us a 5-star review on Google!",
         "text me anytime at 555-0142", "sounds like you have ADHD, ask your doctor about Vyvanse",
         "grabbed coffee with a client after session", "so wasted after wine night lol",
         "at the Blue Door Cafe on Main St right now, come say hi", "googled my new client last night",
         "mi paciente de los martes me dijo que se va a divorciar", "déjame una reseña en Google 🙏"]
CLOSERS = ["", "", " 🌿", " ❤️", " #mentalhealth", " Stay safe out there.", " Be gentle with yourself.",
           " More soon.", " 😅", " ¡Saludos!"]


def synthetic(n: int, seed: int) -> Iterator[tuple[str, str, bool]]:
    """(text, kind, risky) triples: 70% life, 25% practice news, 5% risky; one to three clauses each."""
    rng = random.Random(seed)
    for _ in range(n):
        roll = rng.random()
        pool = LIFE if roll < 0.70 else PRACTICE if roll < 0.95 else RISKY
        clauses = [rng.choice(pool) for _ in range(rng.randint(1, 3))]
        text = f"{rng.choice(OPENERS)} {', and '.join(clauses)}.{rng.choice(CLOSERS)}"
        yield text, rng.choice(KINDS), pool is RISKY


def percentile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))]) if ordered else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)

    engine = default_engine()
    units = len(engine.rules) + len(engine.detectors)
    all_patterns = sum(len(r.patterns) + len(r.negatives) + len(r.context) for r in engine.rules)
    stats = ScanStats()
    candidates_per_text: list[int] = []
    batch_ms: list[float] = []
    findings = 0
    learned = engine.learned
    learned_s = 0.0
    flagged = {True: 0, False: 0}  # texts the learned cues flag, by risky or not
    texts = {True: 0, False: 0}
    started = time.perf_counter()
    batch_start = started
    for i, (text, kind, risky) in enumerate(synthetic(args.posts, args.seed), start=1):
        before = stats.candidates
        hits = engine.scan(text, kind, stats=stats)
        findings += len(hits)
        candidates_per_text.append(stats.candidates - before)
        if learned is not None:
            t0 = time.perf_counter()
            extra = learned.hits(fold(text), kind, {h.rule.category for h in hits})
            learned_s += time.perf_counter() - t0
            texts[risky] += 1
            flagged[risky] += bool(extra)
        if i % 1000 == 0:
            now = time.perf_counter()
            batch_ms.append((now - batch_start) * 1000)
            batch_start = now
    total = time.perf_counter() - started

    runs = stats.per_text_regex_runs
    print(f"posts scanned:                 {stats.texts:,}")
    print(f"rules + text detectors:        {units} ({all_patterns} pattern/negative/cue regexes in the packs)")
    print(f"prefilter passes per text:     {stats.prefilter_passes / stats.texts:.0f}")
    print(f"candidates per text:           median {statistics.median(candidates_per_text):.0f}, "
          f"p90 {percentile(candidates_per_text, 0.9):.0f}, max {max(candidates_per_text)}")
    print(f"regex evaluations per text:    median {statistics.median(runs):.0f}, p90 {percentile(runs, 0.9):.0f}, "
          f"max {max(runs)} (a rule-by-rule scan would run at least {sum(len(r.patterns) for r in engine.rules)})")
    print(f"time per 1,000 texts:          median {statistics.median(batch_ms):.1f} ms "
          f"(p90 {percentile([int(b) for b in batch_ms], 0.9):.0f} ms)")
    print(f"total:                         {total:.1f} s, {findings:,} hits")
    if learned is not None:
        print(f"learned cues:                  {learned_s / stats.texts * 1e6:.1f} µs a text (included above)")
        print(f"  texts they flag:             {flagged[False]:,} of {texts[False]:,} ordinary "
              f"({flagged[False] / max(1, texts[False]):.2%}), {flagged[True]:,} of {texts[True]:,} risky")
    else:
        print("learned cues:                  off (FOOTPRINT_LEARNED=0)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
