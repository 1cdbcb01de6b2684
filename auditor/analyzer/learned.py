"""Learned cues: a linear model over words and word pairs, one per category, for what the packs miss.

The rule packs are precise, but they find what their patterns were written for: on wording from
authors outside the team they caught fewer than half of the posts a clinician would flag
(docs/accuracy.md). This layer is a logistic regression per category over the text's words and
word pairs (TF-IDF weighted: sublinear counts, times each term's inverse document frequency,
L2-normalised), trained on the team's labelled development corpus (`tests/data/eval/`) by
`benchmarks/train_learned.py` and shipped as data (`rules/learned.json`); nothing is downloaded
and nothing beyond the standard library runs here.

It runs in the engine after the rules and text detectors, on the same folded text, and only for
the categories none of them found on that text: a rule finding is the better explanation. A
category fires when its probability reaches the threshold stored with the weights.

**Explanation.** The model is additive, so a finding explains itself like a rule's: its score is

    0.5 + SCALE * (logit - logit(threshold))

written as a base contribution (0.5 + SCALE * (bias - logit(threshold))) plus one
contribution per word or word pair of the text, with the text it matched and its signed weight
(SCALE * weight * tf-idf value). The contributions are rounded to four places and the finding
exists when their exact sum reaches 0.5, so what the explanation shows is what decided. Words
that lowered the score are listed too.

**Identity.** A learned finding's fingerprint hashes rule, platform and item only (its identity
is empty): the strongest cue changes when the model is retrained, and an annual review must still
recognise last year's decision on the same post.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from auditor.analyzer.hit import Hit, clip, score_hit
from auditor.analyzer.rules.model import Example, Rule
from auditor.analyzer.rules.schema import KINDS
from auditor.findings import CATEGORIES, Contribution, Severity

MODEL_PATH = Path(__file__).resolve().parent / "rules" / "learned.json"
FORMAT = 1
#: Score units per logit unit: a finding at its threshold scores 0.5, one 3 logits above, 0.8.
SCALE = 0.1
#: Contributions are rounded to this many places (what the explanation shows is what is summed).
PLACES = 4
#: Evidence spans: the strongest positive cues, at most this many.
MAX_SPANS = 3
#: A learned finding is low severity, medium from this score (two log-odds above the threshold).
MEDIUM_AT = 0.7

_WORD = re.compile(r"\w+")

#: Per category: the learned finding's rule id, message, citations and remediation.
_META: dict[str, tuple[str, list[str], str]] = {
    "confidentiality": (
        "Reads like a post about a client or a session (learned cues)",
        ["ACA:B.1.c", "APA:4.01", "NASW:1.07(c)", "AAMFT:2.2", "HIPAA:164.502(a)"],
        ("Read the post as the client or their family would. If it is about someone you treat, even "
         "unnamed, delete it; share clinical material only fully de-identified or with written consent.")),
    "personalized_advice": (
        "Reads like individual clinical advice or a diagnosis given in public (learned cues)",
        ["ACA:C.6.c", "APA:9.01(b)", "APA:5.04", "NASW:4.06(a)", "AAMFT:III"],
        ("Keep public replies general: no diagnosis of a particular person and no individual treatment "
         "or medication advice. Point the person to a clinician or a crisis line instead.")),
    "professional_conduct": (
        "Reads like conduct that reflects on your profession (learned cues)",
        ["ACA:C.6.c", "APA:3.04(a)", "NASW:4.03", "AAMFT:III"],
        ("Delete or edit the post. Clients and licensing boards read clinicians' public accounts; "
         "avoid profanity, contempt for clients or diagnoses, harassment and depicted intoxication.")),
    "testimonial": (
        "Reads like asking clients for reviews or republishing client praise (learned cues)",
        ["ACA:C.3.b", "APA:5.05", "NASW:4.07(b)", "AAMFT:1.3"],
        ("Do not solicit testimonials or reviews from current clients or republish their praise; "
         "remove client quotes and review requests.")),
    "dual_relationship": (
        "Reads like a second relationship with a client (learned cues)",
        ["APA:3.05", "ACA:A.6.b", "ACA:A.6.e", "NASW:1.06(c)", "AAMFT:1.3"],
        ("Keep clients out of your personal, social and business life; if a second relationship "
         "cannot be avoided, document the risk and consult before it goes further.")),
    "boundary": (
        ("Reads like personal contact, availability or whereabouts offered to a client audience, or "
         "looking clients up online (learned cues)"),
        ["ACA:H.6.a", "ACA:H.6.c", "APA:3.05", "NASW:1.06(f)", "NASW:1.07(q)", "AAMFT:1.3"],
        ("Keep personal contact details, availability and whereabouts off accounts clients can see, "
         "and do not look clients up online without a documented clinical reason.")),
}


def rule_id(category: str) -> str:
    """The rule id of the learned findings of `category` ("learned-confidentiality", ...)."""
    return f"learned-{category.replace('_', '-')}"


@lru_cache(maxsize=65536)
def _norm(word: str) -> str:
    """A word as the model knows it: case-folded, accents stripped ("Sesión" -> "sesion")."""
    lowered = word.casefold()
    if lowered.isascii():
        return lowered
    return "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))


def _words(text: str) -> list[tuple[str, int, int]]:
    """The words of `text` (folded, textfold.py), normalised, with their spans."""
    return [(_norm(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def _word_list(text: str) -> list[str]:
    """`[w for w, _s, _e in _words(text)]`, faster. In ASCII text (most posts) a word is a run of
    letters, digits and underscores, so lower-casing the text, turning every other character
    into a space and splitting gives the words, at a fraction of the regex's cost."""
    if text.isascii():  # bytes.translate: a table lookup per byte, ten times `str.translate`'s speed
        return text.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii").split()
    return [w.lower() if w.isascii() else _norm(w) for w in _FINDALL(text)]


_FINDALL = _WORD.findall
#: Per byte: an ASCII word character (`\w`: letters, digits, "_") to itself lower-cased, every
#: other byte to a space.
_ASCII_WORD_BYTES = bytes(ord(chr(i).lower()) if i < 128 and (chr(i).isalnum() or i == 0x5F) else 0x20
                          for i in range(256))


def terms(text: str) -> list[str]:
    """Every word and adjacent word pair of `text`, in order, repeated as often as they occur:
    the features the model counts (the training script passes this to its vectorizer)."""
    words = _word_list(text)
    return words + [f"{a} {b}" for a, b in pairwise(words)]


def kind_term(kind: str) -> str:
    """The feature of a content kind ("@kind:reply"): not a word, since words never hold "@"."""
    return f"@kind:{kind}"


def features(text: str, kind: str) -> list[str]:
    """What the model reads of one item: `terms` of its folded text, and its content kind (the
    training script passes this to its vectorizer). Not the account's role: the role changes a
    finding's severity and score, never whether it exists (DESIGN; role.py)."""
    return [*terms(text), kind_term(kind)]


_KIND_PREFIX = kind_term("")


def _occurrences(text: str) -> Iterable[tuple[str, int, int]]:
    """`terms` with the span of each occurrence."""
    words = _words(text)
    yield from words
    for (a, start, _e), (b, _s, end) in pairwise(words):
        yield f"{a} {b}", start, end


@dataclass(frozen=True, slots=True)
class LearnedModel:
    """Weights per term and category, each term's idf, a bias and a threshold per category."""

    categories: tuple[str, ...]
    #: Per term: its idf, then its weight in each category.
    table: dict[str, tuple[float, ...]]
    bias: tuple[float, ...]
    thresholds: tuple[float, ...]
    digest: str
    rules: tuple[Rule, ...]
    #: Per category: its threshold as log-odds (`hits` compares every text's logits with them).
    cutoffs: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cutoffs", tuple(_logit(t) for t in self.thresholds))

    @classmethod
    def from_data(cls, data: dict[str, Any], digest: str = "") -> LearnedModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"learned model format {data.get('format')!r} (this version reads {FORMAT})")
        cats = tuple(data["categories"])
        if set(cats) != set(CATEGORIES) or len(cats) != len(CATEGORIES):
            raise ValueError(f"learned model categories {cats} are not {CATEGORIES}")
        table: dict[str, tuple[float, ...]] = {}
        for term, row in data["terms"].items():
            if len(row) != len(cats) + 1:
                raise ValueError(f"learned model term {term!r}: {len(row)} numbers, want {len(cats) + 1}")
            table[term] = tuple(float(w) for w in row)
        bias = tuple(float(data["bias"][c]) for c in cats)
        thresholds = tuple(float(data["thresholds"][c]) for c in cats)
        if len(cats) != 6:  # _score is unrolled for the six categories
            raise ValueError("a learned model has six categories")
        for c, t in zip(cats, thresholds, strict=True):
            if not 0.0 < t < 1.0:
                raise ValueError(f"learned model threshold for {c} must lie strictly between 0 and 1, not {t}")
        examples = data.get("examples", {})
        rules = tuple(_rule(c, examples.get(c, ())) for c in cats)
        return cls(cats, table, bias, thresholds, digest, rules)

    def logits(self, text: str, kind: str = "post") -> tuple[float, ...]:
        """The model's log-odds per category for `text` (folded), an item of content kind `kind`."""
        return self._score(text, kind)[0]

    def _score(self, text: str, kind: str) -> tuple[tuple[float, ...], dict[str, float], float]:
        """Log-odds per category, each known term's tf-idf value (before normalising), and the
        norm. Six categories (findings.CATEGORIES), summed unrolled: this runs on every text."""
        table = self.table
        counts: dict[str, int] = {}  # `terms(text)` counted, the known ones only
        prev = None
        for word in _word_list(text):
            if word in table:
                counts[word] = counts.get(word, 0) + 1
            if prev is not None:
                pair = prev + " " + word
                if pair in table:
                    counts[pair] = counts.get(pair, 0) + 1
            prev = word
        if not counts:  # nothing the model knows is said: no finding, whatever the item
            return self.bias, {}, 0.0
        term = kind_term(kind)
        if term in table:
            counts[term] = 1
        values: dict[str, float] = {}
        sq = s0 = s1 = s2 = s3 = s4 = s5 = 0.0
        log = math.log
        for term, n in counts.items():
            idf, w0, w1, w2, w3, w4, w5 = table[term]
            v = idf if n == 1 else (1.0 + log(n)) * idf
            values[term] = v
            sq += v * v
            s0 += w0 * v
            s1 += w1 * v
            s2 += w2 * v
            s3 += w3 * v
            s4 += w4 * v
            s5 += w5 * v
        norm = math.sqrt(sq)
        b = self.bias
        logits = (b[0] + s0 / norm, b[1] + s1 / norm, b[2] + s2 / norm, b[3] + s3 / norm,
                  b[4] + s4 / norm, b[5] + s5 / norm)
        return logits, values, norm

    def hits(self, text: str, kind: str = "post", found: Container[str] = ()) -> list[Hit]:
        """Hits on `text` (folded), an item of content kind `kind`, for the categories not in
        `found` whose probability reaches their threshold."""
        logits, values, norm = self._score(text, kind)
        if not values:
            return []
        # Rounding moves each of the 1 + len(values) contributions by at most half a unit of the
        # last place: below this margin the rounded sum cannot reach 0.5 either.
        margin = (1 + len(values)) * _HALF_UNIT
        return [hit for i, cutoff in enumerate(self.cutoffs)
                if logits[i] >= cutoff - margin and self.categories[i] not in found
                and (hit := self._hit(i, text, values, norm)) is not None]

    def _hit(self, i: int, text: str, values: dict[str, float], norm: float) -> Hit | None:
        base = _round(0.5 + SCALE * (self.bias[i] - self.cutoffs[i]))
        per_term = {t: _round(SCALE * self.table[t][i + 1] * v / norm) for t, v in values.items()}
        # One contribution per term, at its first occurrence (the weight counts every occurrence).
        first: dict[str, tuple[int, int]] = {}
        for term, start, end in _occurrences(text):
            if term in per_term and term not in first:
                first[term] = (start, end)
        cues = sorted((t for t in per_term if per_term[t] and t in first), key=lambda t: (-per_term[t], first[t]))
        parts = [Contribution("base (learned model)", None, base)]
        for t, weight in per_term.items():
            if weight and t not in first:  # the content kind: not in the text
                kind = t.removeprefix(_KIND_PREFIX)
                parts.append(Contribution(f"content kind: {kind} (learned)", None, weight))
        parts.extend(Contribution("learned cue", clip(text[first[t][0]:first[t][1]]), per_term[t]) for t in cues)
        strongest = [first[t] for t in cues if per_term[t] > 0][:MAX_SPANS]
        # Clamped, held to the rule's min_score (0.5) and escalated as every rule's hit is.
        return score_hit(self.rules[i], text, sorted(strongest), "", parts)


#: Half a unit of a contribution's last place, in log-odds.
_HALF_UNIT = 0.5 * 10.0 ** -PLACES / SCALE


def audience(category: str) -> str:
    """The audience of the learned cue of `category` (`Rule.audience`). Whereabouts and contact
    details offered on an anonymous personal account are not a boundary problem (the labelling
    guide; the packs' `audience = "clients"` rules): the boundary cue applies where clients can
    see the account, like those rules; the others apply on any account."""
    return "clients" if category == "boundary" else "any"


def _round(value: float) -> float:
    return round(value, PLACES)


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _rule(category: str, examples: Sequence[dict[str, Any]]) -> Rule:
    """The `Rule` that learned findings of `category` carry: message, citations, remediation,
    and the examples the training script checked (they run in the test suite)."""
    from auditor.codes import check_ref

    message, citations, remediation = _META[category]
    for ref in citations:
        check_ref(ref)
    cases = tuple(Example(text=e["text"], expect=bool(e["expect"]), kind=e.get("kind", "post"),
                          note=e.get("note", "")) for e in examples)
    # A learned finding says "this reads like ...": low, or medium when the model is sure (two
    # log-odds above its threshold), below the packs' findings of the same category.
    return Rule(id=rule_id(category), pack="learned", category=category, severity=Severity.LOW,
                score=0.5, min_score=0.5, message=message, keywords=(), patterns=(), context=(),
                negatives=(), targets=frozenset(KINDS), citations=tuple(citations), remediation=remediation,
                examples=cases, escalate=((Severity.MEDIUM, MEDIUM_AT),), supersedes=(), audience=audience(category),
                description=f"Learned cues for {category.replace('_', ' ')}: a linear model over words and "
                            "word pairs, trained on the labelled corpus (auditor/analyzer/learned.py).")


@cache
def load(path: Path = MODEL_PATH) -> LearnedModel | None:
    """The shipped model, or None when there is no model file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    import hashlib

    return LearnedModel.from_data(json.loads(raw), digest=hashlib.sha256(raw).hexdigest()[:12])


def default_model() -> LearnedModel | None:
    """The shipped model unless FOOTPRINT_LEARNED=0 turns learned cues off."""
    import os

    if os.environ.get("FOOTPRINT_LEARNED", "1").strip() == "0":
        return None
    return load()
