"""The benchmark scripts run end to end at a tiny size (no timing is asserted: CI machines vary)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks"


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def test_generate_writes_real_formats_deterministically(tmp_path: Path) -> None:
    args = ["--posts", "300", "--followers", "120", "--seed", "7", "--part-mb", "0.05"]
    for name in ("a", "b"):
        subprocess.run([sys.executable, str(BENCH / "generate.py"), *args, "--out", str(tmp_path / name)],
                       check=True, capture_output=True, cwd=ROOT)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    out = tmp_path / "a"
    info = json.loads((out / "footprint.json").read_text())
    x = info["counts"]["x-professional"]
    assert x["tweets"] == 300 and x["follower"] == 120 and x["tweet_parts"] > 1
    data = out / "x-professional" / "data"
    assert (data / "tweets-part1.js").read_text().startswith("window.YTD.tweets.part1 = [\n  {\n    \"tweet\" : {")
    manifest = (data / "manifest.js").read_text()
    assert '"fileName" : "data/tweets-part1.js"' in manifest and '"noteTweet"' in manifest
    followers = json.loads((out / "instagram-personal/connections/followers_and_following/followers_1.json").read_text())
    assert followers[0]["string_list_data"][0]["value"]


def test_bench_runs_every_stage_beside_the_floor(tmp_path: Path) -> None:
    results = tmp_path / "bench.json"
    r = subprocess.run([sys.executable, str(BENCH / "bench.py"), "--posts", "200", "--followers", "100",
                        "--reps", "1", "--dir", str(tmp_path / "fp"), "--json", str(results)],
                       check=False, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    for stage in ("floor", "ingest", "audit", "report", "ingest+audit"):
        assert f"| {stage} |" in r.stdout, r.stdout
    data = json.loads(results.read_text())
    runs = data["runs"]
    assert runs["ingest"][0]["warnings"] == 0  # manifest counts and note tweets all agree
    assert runs["ingest"][0]["rows"] > 400 and runs["floor"][0]["rows"]["content"] == 420
    assert runs["audit"][0]["findings"] > 0
    assert all(r["peak_mib"] > 0 for stage in runs.values() for r in stage)
