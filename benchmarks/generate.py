"""Write a synthetic footprint of a given size in the platforms' real export formats.

    python benchmarks/generate.py --posts 100000 --followers 50000 --out DIR --seed 1

DIR then holds one practitioner's footprint, every person in it fictional (names are built from
syllables, ids from counters), the same bytes for the same arguments:

    x-professional/data/   an X archive: N posts, M followers, M following
    x-personal/data/       a second X archive of the same size (the personal side)
    instagram-personal/    an Instagram export (2025 layout): M followers, M/2 following, N/100 posts
    footprint.json         what was written: paths, roles, record counts, the arguments

The X archives are written the way X writes them (fixtures/archives/twitter/x_format.py: the 2022+
pretty-printer, `window.YTD.<name>.part<N> = `, string numbers, HTML-escaped `full_text`), split into
`tweets.js`, `tweets-part1.js`, ... once a part reaches `--part-mb`, with `data/manifest.js` listing
every part and its record count. Of the posts, about 15% are replies (some without
`in_reply_to_screen_name`, as X sometimes writes them), 10% retweets (`RT @user: ` cut at 140
characters), 3% long posts whose whole text is in note-tweet.js, and a quarter mention someone.
Texts mix everyday sentences with the vocabulary the rule packs look for, and a small share of them
is what the audit should flag, so the analyzer does its real work. 5% of the followers follow both
X accounts; a share of the Instagram followers have the handles of people the X posts mention.
Meta files carry Meta's mojibake (UTF-8 bytes written as \\u00XX escapes).

Files are written as they are generated, one record at a time: generating 1,000,000 posts needs
no more memory than generating 1,000.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fixtures.archives.twitter.x_format import (
    ArchiveWriter,
    Tweets,
    Who,
    account,
    iso,
    pretty,
    snowflake,
)

GENERATED = datetime(2026, 3, 1, 9, 30, 0, tzinfo=UTC)
#: Posts span this many years before the archive's generation date.
YEARS = 12
MiB = 1024 * 1024

# -- fictional people ----------------------------------------------------------------------------

_ONSETS = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
           "br", "dr", "gr", "kl", "tr", "sh", "th", "st"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"]
_CODAS = ["", "", "", "n", "r", "l", "s", "th", "nd", "x", "m"]
_ACCENTED = {"e": "é", "o": "ö", "a": "á", "u": "ü", "i": "í"}


def _word(rnd: random.Random, syllables: int) -> str:
    return "".join(rnd.choice(_ONSETS) + rnd.choice(_VOWELS) + rnd.choice(_CODAS)
                   for _ in range(syllables))


@dataclass(frozen=True, slots=True)
class Person:
    """Someone in the footprint: a display name, a handle and an X account id, all made up."""

    name: str
    handle: str
    x_id: str

    @property
    def who(self) -> Who:
        return (self.name, self.handle, self.x_id)


def x_id(n: int) -> str:
    """The n-th person's X account id: old accounts have short ids, newer ones 19-digit snowflakes."""
    if n % 3 == 0:
        return str(40_000_000 + n * 17)
    return str(1_100_000_000_000_000_000 + n * 7_919_003)


def person(n: int, rnd: random.Random) -> Person:
    """The n-th person (unique handle and id; the name may repeat, as names do)."""
    first = _word(rnd, rnd.choice((1, 2, 2))).title()
    last = _word(rnd, rnd.choice((2, 2, 3))).title()
    if rnd.random() < 0.05:  # some names carry diacritics (Meta writes them as mojibake)
        first = "".join(_ACCENTED.get(c, c) if i == 1 else c for i, c in enumerate(first))
    style = rnd.randrange(4)
    base = ("".join(c for c in first.lower() if c.isascii()), last.lower())
    handle = [f"{base[0]}_{base[1]}", f"{base[0]}{base[1][:4]}", f"{base[1]}.{base[0]}",
              f"the{base[0]}"][style][:10] + str(n)
    return Person(f"{first} {last}", handle.replace(".", "_"), x_id(n))


# -- texts ---------------------------------------------------------------------------------------

_EVERYDAY = [
    "Coffee first, then the long walk by the river.",
    "Finally finished that book everyone keeps talking about. Worth it.",
    "The farmers market had the best peaches today.",
    "Rain all week, so the garden is happy at least.",
    "Trying a new bread recipe this weekend, wish me luck.",
    "Does anyone else love the first cold morning of autumn?",
    "Our dog learned to open the back door. We are doomed.",
    "Watching the game at the pub with old friends tonight.",
    "Reading on the porch while the kids build a fort.",
    "You never regret the hike, only the hill right before the view.",
    "Long drive home, good podcast, no complaints.",
    "I'm at the coast for a few days, phone mostly off.",
    "New running shoes and zero excuses left.",
    "Made soup for the whole street. Nobody asked, everybody ate.",
    "The library sale is this Saturday and I have a bag ready.",
    "Is it too early to put up the holiday lights? Asking for me.",
    "Your reminder to drink some water today.",
    "Spent the afternoon fixing a bike that was older than me.",
    "That sunset over the hills was unreal.",
    "We are heading to the lake house for the long weekend.",
]
_PRACTICE = [
    "Five small habits that help with anxiety during busy weeks.",
    "Therapy is not only for a crisis; it can be a place to grow.",
    "Grief does not follow a schedule, and that is okay.",
    "Our practice is welcoming new clients for couples counseling this spring.",
    "Boundaries are a form of self-respect, not rejection.",
    "A reminder that rest is productive too.",
    "If you are in crisis, call or text 988 any time, day or night.",
    "Burnout in caregivers is real. Ask for help before you need it.",
    "We updated our office hours for the summer.",
    "Sleep, movement and connection: the quiet basics of mental health.",
    "Workshop on parenting teens next month at the community center.",
    "Self-compassion is a skill you can practise, like any other.",
    "Reading list for the new year: books on attachment and repair.",
    "Grateful for my colleagues in the consultation group this week.",
    "Mental health days are health days.",
]
#: Texts of the kind the audit exists to find (all fictional): client details, advice, venting.
_RISKY = [
    "Had the hardest session today with a client whose husband just left; she cried the whole hour.",
    "My 3 o'clock client finally said the words out loud after two years. So proud of her.",
    "One of my teens told me in session that she wants to drop out. Heartbreaking.",
    "Saw a 34 year old firefighter today who cannot sleep since the warehouse fire downtown.",
    "My client with borderline traits cancelled again, third time this month. Exhausting.",
    "If your partner is a narcissist you should leave, no therapist will tell you otherwise.",
    "You should stop taking your meds if they make you feel numb, honestly.",
    "DM me and we can talk it through privately, I do free consults for followers.",
    "Please leave us a review if our sessions helped you, it means the world!",
    "Text me on my personal number if you ever need anything, clients included.",
    "That patient from hell is back on my schedule next week. Pray for me.",
    "Got absolutely hammered at the conference after-party last night lol.",
]
_TAGS = ["mentalhealth", "therapy", "selfcare", "anxiety", "grief", "parenting", "books", "hiking",
         "coffee", "running", "garden", "weekend"]


class TextMaker:
    """Post texts: everyday sentences, practice sentences and, rarely, risky ones."""

    def __init__(self, rnd: random.Random, professional: bool) -> None:
        self.rnd = rnd
        self.topical = _PRACTICE if professional else _EVERYDAY
        self.other = _EVERYDAY if professional else _PRACTICE
        #: The share of posts that hold something the audit should flag.
        self.risky = 0.02 if professional else 0.01

    def short(self) -> str:
        rnd = self.rnd
        if rnd.random() < self.risky:
            return rnd.choice(_RISKY)
        pool = self.topical if rnd.random() < 0.75 else self.other
        text = " ".join(rnd.choice(pool) for _ in range(rnd.choice((1, 1, 2))))
        return text

    def long(self) -> str:
        """A note-tweet text: 400 to 1,500 characters."""
        parts = [self.short()]
        while sum(len(p) + 1 for p in parts) < self.rnd.randrange(400, 1500):
            parts.append(self.short())
        return " ".join(parts)


# -- streaming writers ---------------------------------------------------------------------------

class PartWriter:
    """One X data type written in parts (`<stem>.js`, `<stem>-part1.js`, ...) of about `part_bytes`,
    each `window.YTD.<name>.part<N> = [ … ]` in X's 2022+ layout, registered in the manifest."""

    def __init__(self, archive: ArchiveWriter, stem: str, part_bytes: int) -> None:
        self.archive, self.stem, self.part_bytes = archive, stem, part_bytes
        self.global_name = stem.replace("-", "_")
        self.part = -1
        self.fh: IO[str] | None = None
        self.count = 0
        self.size = 0
        self.total = 0

    def _open(self) -> None:
        self.part += 1
        name = f"{self.stem}.js" if self.part == 0 else f"{self.stem}-part{self.part}.js"
        self.name = name
        self.fh = (self.archive.data / name).open("w", encoding="utf-8")
        head = f"window.YTD.{self.global_name}.part{self.part} = ["
        self.fh.write(head)
        self.count, self.size = 0, len(head)

    def _close(self) -> None:
        if self.fh is None:
            return
        self.fh.write("\n]" if self.count else " ]")
        self.fh.close()
        self.fh = None
        camel = self.stem.split("-")[0] + "".join(p.title() for p in self.stem.split("-")[1:])
        self.archive.entries.setdefault(camel, []).append(
            (f"data/{self.name}", f"YTD.{self.global_name}.part{self.part}", self.count))

    def add(self, item: Any) -> None:
        if self.fh is None or self.size >= self.part_bytes:
            self._close()
            self._open()
        assert self.fh is not None
        text = ("\n  " if self.count == 0 else ",\n  ") + pretty(item, 2)
        self.fh.write(text)
        self.size += len(text)
        self.count += 1
        self.total += 1

    def close(self) -> None:
        if self.fh is None:  # nothing written: X still writes the file, as `[ ]`
            self._open()
        self._close()


def _meta_dump(value: Any, indent: int) -> str:
    """Meta's JSON: 2-space indent, every non-ASCII character as the \\u00XX escapes of its UTF-8
    bytes (the mojibake of export-formats.md §2.4)."""
    text = json.dumps(_mojibake(value), indent=2, ensure_ascii=True)
    pad = " " * indent
    return text.replace("\n", "\n" + pad)


def _mojibake(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8").decode("latin-1")
    if isinstance(value, dict):
        return {k: _mojibake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mojibake(v) for v in value]
    return value


class MetaListWriter:
    """A Meta list file written item by item: a bare array, or `{"<key>": [ … ]}`."""

    def __init__(self, path: Path, key: str | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = path.open("w", encoding="utf-8")
        self.key = key
        self.indent = 4 if key else 2
        self.fh.write(f'{{\n  "{key}": [' if key else "[")
        self.count = 0

    def add(self, item: Any) -> None:
        pad = " " * self.indent
        self.fh.write(("\n" if self.count == 0 else ",\n") + pad + _meta_dump(item, self.indent))
        self.count += 1

    def close(self) -> None:
        closing = "\n" + " " * (self.indent - 2) + "]" if self.count else "]"
        self.fh.write(closing + ("\n}" if self.key else ""))
        self.fh.close()


# -- the footprint -------------------------------------------------------------------------------

@dataclass
class Side:
    """One X account of the practitioner."""

    key: str
    role: str
    owner: Person
    bio: str
    professional: bool


class Footprint:
    """Everything generated, driven by one seeded random stream per part of the footprint."""

    def __init__(self, posts: int, followers: int, seed: int, part_bytes: int) -> None:
        self.posts, self.followers, self.seed, self.part_bytes = posts, followers, seed, part_bytes
        rnd = random.Random(seed)
        #: People the posts mention and reply to: a few thousand, the most active far more often.
        known = max(200, min(20_000, followers // 10 or 200))
        self.known = [person(i, rnd) for i in range(1, known + 1)]
        self.cum_weights: list[float] = []
        acc = 0.0
        for i in range(known):
            acc += 1.0 / (i + 1) ** 0.8
            self.cum_weights.append(acc)
        self.next_person = known + 1  # later people are numbered from here: unique ids
        self.sides = [
            Side("x-professional", "professional", Person("Avery Lindqvist-Moreau, LPC", "averylpc", x_id(10**9 + 1)),
                 "Licensed professional counselor (LPC). Anxiety, grief and couples therapy. "
                 "Not for emergencies: call or text 988.", True),
            Side("x-personal", "personal", Person("avery", "avery_outdoors", x_id(10**9 + 2)),
                 "Trails, bread, and a very clever dog.", False),
        ]
        self.counts: dict[str, dict[str, int]] = {}

    def pick(self, rnd: random.Random) -> Person:
        return rnd.choices(self.known, cum_weights=self.cum_weights)[0]

    def fresh_people(self, n: int) -> Iterator[int]:
        start = self.next_person
        self.next_person += n
        return iter(range(start, start + n))

    # -- X ---------------------------------------------------------------------------------------

    def write_x(self, out: Path, side: Side, shared: list[int]) -> None:
        root = out / side.key
        shutil.rmtree(root, ignore_errors=True)
        archive = ArchiveWriter(root)
        owner = side.owner
        me = (owner.x_id, owner.handle, owner.name)
        archive.ytd("account", account(me, f"{owner.handle}@example.org", "2013-04-02T18:22:10.000Z"))
        archive.ytd("profile", [{"profile": {
            "description": {"bio": side.bio, "website": "https://t.co/Qx7bN2mPa1", "location": "Riverton"},
            "avatarMediaUrl": f"https://pbs.twimg.com/profile_images/{owner.x_id}/avatar.jpg"}}])
        if side.professional:
            archive.ytd("professional-data", [{"professionalData": {
                "professionalType": "Business", "appSpotlight": [], "accountId": owner.x_id,
                "linkSpotlight": [], "creationSource": "Settings",
                "categories": [{"categoryName": "Mental Health Service", "setToDisplay": True}],
                "createdAt": "2021-05-04T10:00:00.000Z", "locationSpotlight": []}}])
        archive.ytd("protected-history", [])
        counts = self._x_posts(archive, side)
        counts.update(self._x_connections(archive, side, shared))
        archive.manifest(me, iso(GENERATED, 1))
        self.counts[side.key] = counts

    def _x_posts(self, archive: ArchiveWriter, side: Side) -> dict[str, int]:
        rnd = random.Random(f"{self.seed}:{side.key}:posts")
        tweets = Tweets(side.owner.handle, side.owner.x_id, seed=0)
        tweets.rnd = random.Random(f"{self.seed}:{side.key}:ids")  # tweet ids, t.co links
        texts = TextMaker(rnd, side.professional)
        out = PartWriter(archive, "tweets", self.part_bytes)
        notes = PartWriter(archive, "note-tweet", self.part_bytes)
        mean_gap = YEARS * 365 * 86400 / max(self.posts, 1)
        when = GENERATED - timedelta(hours=2)
        kinds = {"post": 0, "reply": 0, "share": 0, "long": 0, "mention": 0}
        for _ in range(self.posts):
            when -= timedelta(seconds=1 + int(rnd.random() * 2 * mean_gap))
            stamp = when.strftime("%Y-%m-%d %H:%M:%S")
            roll = rnd.random()
            favs, rts = int(rnd.paretovariate(1.5)) - 1, int(rnd.paretovariate(2.5)) - 1
            source = rnd.choice(("web", "iphone", "android"))
            if roll < 0.10:
                who = self.pick(rnd)
                tweets.retweet("t", stamp, who.who, texts.short())
                kinds["share"] += 1
            elif roll < 0.25:
                who = self.pick(rnd)
                status = snowflake(when - timedelta(minutes=rnd.randrange(1, 600)), rnd)
                # X sometimes leaves in_reply_to_screen_name out (export-formats.md §1.2).
                screen_name = who.handle if rnd.random() < 0.97 else None
                tweets.add("t", stamp, f"@{who.handle} {texts.short()}", mentions=[who.who],
                           reply=(status, who.x_id, screen_name), source=source, favs=favs, rts=rts)
                kinds["reply"] += 1
            else:
                mentions: list[Who] = []
                text = texts.long() if roll > 0.97 else texts.short()
                if rnd.random() < 0.25:
                    # dict, not set: a set's order depends on the process's string hash seed
                    people = list(dict.fromkeys(self.pick(rnd) for _ in range(rnd.choice((1, 1, 2, 3)))))
                    mentions = [p.who for p in people]
                    at = " ".join("@" + p.handle for p in people)
                    text = f"{text} with {at}" if roll > 0.97 else f"{at} {text}"
                    kinds["mention"] += 1
                hashtags = [rnd.choice(_TAGS)] if rnd.random() < 0.2 else []
                if hashtags:
                    text += f" #{hashtags[0]}"
                urls = [("example.org/read", "https://example.org/read")] if rnd.random() < 0.1 else []
                if roll > 0.97:
                    tweets.add("t", stamp, text, mentions=mentions, hashtags=hashtags, urls=urls,
                               note_cut=rnd.randrange(240, 275), source=source, favs=favs, rts=rts)
                    kinds["long"] += 1
                else:
                    tweets.add("t", stamp, text, mentions=mentions, hashtags=hashtags, urls=urls,
                               source=source, favs=favs, rts=rts)
                kinds["post"] += 1
            while tweets.notes:
                notes.add(tweets.notes.pop(0))
            out.add(tweets.items.pop())
        out.close()
        notes.close()
        return {"tweets": out.total, "tweet_parts": out.part + 1, "note_tweets": notes.total, **kinds}

    def _x_connections(self, archive: ArchiveWriter, side: Side, shared: list[int]) -> dict[str, int]:
        """M followers and M following: some of the people the posts name, 5% of the followers
        shared with the other X account, the rest people seen nowhere else."""
        rnd = random.Random(f"{self.seed}:{side.key}:graph")
        counts = {}
        for stem, key in (("follower", "follower"), ("following", "following")):
            out = PartWriter(archive, stem, self.part_bytes)
            known = rnd.sample(range(len(self.known)), min(len(self.known), self.followers // 5))
            ids = [self.known[i].x_id for i in known]
            if stem == "follower":
                ids += [x_id(n) for n in shared]
            rest = max(0, self.followers - len(ids))
            for n in self.fresh_people(rest):
                ids.append(x_id(n))
            rnd.shuffle(ids)
            for account_id in ids[:self.followers]:
                out.add({key: {"accountId": account_id,
                               "userLink": f"https://twitter.com/intent/user?user_id={account_id}"}})
            out.close()
            counts[stem] = out.total
        return counts

    # -- Instagram -------------------------------------------------------------------------------

    def write_instagram(self, out: Path) -> None:
        root = out / "instagram-personal"
        shutil.rmtree(root, ignore_errors=True)
        rnd = random.Random(f"{self.seed}:instagram")
        profile = root / "personal_information" / "personal_information" / "personal_information.json"
        profile.parent.mkdir(parents=True)
        profile.write_text(_meta_dump({"profile_user": [{
            "title": "", "media_map_data": {},
            "string_map_data": {
                "Username": {"href": "", "value": "avery.on.trails", "timestamp": 0},
                "Name": {"href": "", "value": "Avery Lindqvist-Moreau", "timestamp": 0},
                "Bio": {"href": "", "value": "Bread, trails and a dog called Pickle 🐕", "timestamp": 0},
                "Private Account": {"href": "", "value": "False", "timestamp": 0},
            }}]}, 0), encoding="utf-8")
        folder = root / "connections" / "followers_and_following"
        now = int(GENERATED.timestamp())
        # Followers: bare arrays, split `followers_1.json`, `followers_2.json`, ... (2024+ layout).
        followers = [self.known[i].handle for i in rnd.sample(range(len(self.known)),
                                                              min(len(self.known), self.followers // 20))]
        part, writer = 1, MetaListWriter(folder / "followers_1.json")
        size = 0
        for n in self.fresh_people(max(0, self.followers - len(followers))):
            followers.append(person(n, rnd).handle.lower())
        rnd.shuffle(followers)
        for handle in followers[:self.followers]:
            if size >= self.part_bytes:
                writer.close()
                part += 1
                writer, size = MetaListWriter(folder / f"followers_{part}.json"), 0
            writer.add({"title": "", "media_list_data": [], "string_list_data": [
                {"href": f"https://www.instagram.com/{handle}", "value": handle,
                 "timestamp": now - rnd.randrange(0, YEARS * 365 * 86400)}]})
            size += 160 + 2 * len(handle)
        writer.close()
        following = MetaListWriter(folder / "following.json", "relationships_following")
        for n in self.fresh_people(self.followers // 2):
            p = person(n, rnd)
            handle = p.handle.lower()
            # The 2026 shape: the username in `title`, an `_u/` link, no `value`.
            following.add({"title": handle, "media_list_data": [], "string_list_data": [
                {"href": f"https://www.instagram.com/_u/{handle}",
                 "timestamp": now - rnd.randrange(0, YEARS * 365 * 86400)}]})
        following.close()
        posts = MetaListWriter(root / "your_instagram_activity" / "media" / "posts_1.json")
        texts = TextMaker(rnd, professional=False)
        n_posts = max(20, self.posts // 100)
        for i in range(n_posts):
            ts = now - rnd.randrange(0, YEARS * 365 * 86400)
            posts.add({"media": [{
                "uri": f"media/posts/{datetime.fromtimestamp(ts, UTC):%Y%m}/{18_000_000_000_000_000 + i}.jpg",
                "creation_timestamp": ts, "title": texts.short() + (" 🌲" if i % 7 == 0 else ""),
                "media_metadata": {"camera_metadata": {"has_camera_metadata": False}},
                "cross_post_source": {"source_app": "FB"}}]})
        posts.close()
        self.counts["instagram-personal"] = {"followers": min(len(followers), self.followers),
                                             "follower_parts": part,
                                             "following": self.followers // 2, "posts": n_posts}

    def write(self, out: Path) -> dict[str, Any]:
        out.mkdir(parents=True, exist_ok=True)
        # 5% of each account's followers follow both X accounts (the overlap audit's business).
        shared = list(self.fresh_people(self.followers // 20))
        for side in self.sides:
            self.write_x(out, side, shared)
        self.write_instagram(out)
        info = {
            "arguments": {"posts": self.posts, "followers": self.followers, "seed": self.seed,
                          "part_mb": self.part_bytes / MiB},
            "sources": [
                {"path": "x-professional", "platform": "twitter", "role": "professional"},
                {"path": "x-personal", "platform": "twitter", "role": "personal"},
                {"path": "instagram-personal", "platform": "instagram", "role": "personal"},
            ],
            "counts": self.counts,
            "bytes": sum(p.stat().st_size for p in out.rglob("*") if p.is_file()),
        }
        (out / "footprint.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        return info


def generate(out: Path, *, posts: int, followers: int, seed: int = 1, part_mb: float = 50.0) -> dict[str, Any]:
    """Write the footprint into `out` and return what `footprint.json` says of it."""
    return Footprint(posts, followers, seed, int(part_mb * MiB)).write(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000, help="posts per X archive")
    parser.add_argument("--followers", type=int, default=50_000,
                        help="followers (and following) per X archive; Instagram followers")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--part-mb", type=float, default=50.0,
                        help="start a new part (tweets-part1.js, followers_2.json) past this size")
    args = parser.parse_args(argv)
    info = generate(args.out, posts=args.posts, followers=args.followers, seed=args.seed,
                    part_mb=args.part_mb)
    print(json.dumps({"out": str(args.out), "bytes": info["bytes"], "counts": info["counts"]}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
