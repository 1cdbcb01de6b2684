"""The floor: what it costs to simply parse a footprint's files and insert its rows.

    python benchmarks/floor.py DIR [--db FILE]

A plain script, with nothing of footprint in it, that does the least work `footprint ingest` and
`footprint audit` cannot avoid on the footprint that benchmarks/generate.py wrote into DIR:

1. parse every data file whole with `json` (an X file after dropping its `window.YTD.… = `
   prefix), the way a one-off script would, so its memory grows with the largest file;
2. insert the same rows (posts with the full text of long posts, the people they mention and
   reply to, followers and following) into SQLite tables with the same natural-key unique
   indexes, with `executemany`, in one transaction, in WAL mode like footprint's database;
3. run one regular expression over every text.

It prints one JSON line: the seconds spent and the rows written. benchmarks/bench.py runs it
in its own process beside the real stages and divides by it.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE content (id INTEGER PRIMARY KEY, account TEXT, platform TEXT, native_id TEXT, kind TEXT,
    text TEXT, created_at TEXT, in_reply_to_id TEXT, mentions TEXT, source_file TEXT,
    UNIQUE (account, native_id));
CREATE TABLE connections (id INTEGER PRIMARY KEY, account TEXT, platform TEXT, relation TEXT,
    person_key TEXT, native_id TEXT, handle TEXT, url TEXT, created_at TEXT,
    UNIQUE (account, relation, person_key));
CREATE TABLE interactions (id INTEGER PRIMARY KEY, account TEXT, platform TEXT, kind TEXT,
    person_key TEXT, native_id TEXT, handle TEXT, item_key TEXT,
    UNIQUE (account, kind, person_key, item_key));
"""

#: One regex of the kind the analyzer's prefilter is: a case-insensitive keyword alternation.
WORDS = re.compile(r"\b(?:client|patient|session|therap\w*|diagnos\w*|review|dm me|text me)\b",
                   re.IGNORECASE)
_YTD = re.compile(r"^\s*window\.[A-Za-z0-9_.]+\s*=\s*")


def load_js(path: Path) -> list:
    text = path.read_text(encoding="utf-8")
    return json.loads(text[_YTD.match(text).end():])  # type: ignore[union-attr]


def x_rows(folder: Path, account: str):
    """Rows of one X archive: content, interactions, connections."""
    data = folder / "data"
    notes = {}
    for path in sorted(data.glob("note-tweet*.js")):
        for item in load_js(path):
            text = item["noteTweet"]["core"]["text"]
            notes[text[:40]] = text
    content, interactions, connections = [], [], []
    for path in sorted(data.glob("tweets*.js")):
        for item in load_js(path):
            t = item["tweet"]
            text = t["full_text"]
            if "…" in text:
                text = notes.get(text[:40], text)
            mentions = t["entities"]["user_mentions"]
            tid = t["id_str"]
            content.append((account, "twitter", tid, "post", text, t["created_at"],
                            t.get("in_reply_to_status_id_str"),
                            json.dumps([m["screen_name"] for m in mentions]), path.name))
            if text.startswith("RT @"):
                continue  # a retweet's mentions are the original author's
            uid = t.get("in_reply_to_user_id_str")
            if uid:
                interactions.append((account, "twitter", "reply", "id:" + uid, uid,
                                     t.get("in_reply_to_screen_name"), tid))
            for m in mentions:
                if m["id_str"] != uid:
                    interactions.append((account, "twitter", "mention", "id:" + m["id_str"],
                                         m["id_str"], m["screen_name"], tid))
    for stem, relation in (("follower", "follower"), ("following", "following")):
        for path in sorted(data.glob(f"{stem}*.js")):
            if not re.fullmatch(rf"{stem}(-part\d+)?\.js", path.name):
                continue
            for item in load_js(path):
                a = item[relation]
                connections.append((account, "twitter", relation, "id:" + a["accountId"], a["accountId"],
                                    None, a.get("userLink"), None))
    return content, interactions, connections


def instagram_rows(folder: Path, account: str):
    content, connections = [], []
    for path in sorted(folder.rglob("posts_*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            m = item["media"][0]
            content.append((account, "instagram", str(m["creation_timestamp"]), "caption", m["title"],
                            str(m["creation_timestamp"]), None, "[]", path.name))
    for pattern, relation in (("followers_*.json", "follower"), ("following.json", "following")):
        for path in sorted(folder.rglob(pattern)):
            data = json.loads(path.read_text(encoding="utf-8"))
            items = data if isinstance(data, list) else next(iter(data.values()))
            for item in items:
                entry = item["string_list_data"][0]
                handle = entry.get("value") or item["title"]
                connections.append((account, "instagram", relation, "handle:" + handle, None, handle,
                                    entry["href"], str(entry["timestamp"])))
    return content, [], connections


def run(footprint: Path, db: Path) -> dict:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(SCHEMA)
    info = json.loads((footprint / "footprint.json").read_text())
    rows = {"content": 0, "interactions": 0, "connections": 0}
    hits = 0
    with conn:  # one transaction
        for src in info["sources"]:
            folder = footprint / src["path"]
            reader = x_rows if src["platform"] == "twitter" else instagram_rows
            content, interactions, connections = reader(folder, src["path"])
            for row in content:
                hits += len(WORDS.findall(row[4]))
            conn.executemany("INSERT INTO content VALUES (NULL,?,?,?,?,?,?,?,?,?)", content)
            conn.executemany("INSERT OR IGNORE INTO interactions VALUES (NULL,?,?,?,?,?,?,?)",
                             interactions)
            conn.executemany("INSERT OR IGNORE INTO connections VALUES (NULL,?,?,?,?,?,?,?,?)",
                             connections)
            rows["content"] += len(content)
            rows["interactions"] += len(interactions)
            rows["connections"] += len(connections)
            del content, interactions, connections
    conn.close()
    return {"rows": rows, "regex_hits": hits}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="parse, insert and scan a generated footprint: the floor")
    parser.add_argument("footprint", type=Path, help="a folder written by benchmarks/generate.py")
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (default: DIR/floor.db)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    result = run(args.footprint, args.db or args.footprint / "floor.db")
    result["seconds"] = time.perf_counter() - start
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
