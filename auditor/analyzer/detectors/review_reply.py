"""Replies to reviews (and other public replies) that confirm someone was a client.

Every HHS OCR review-reply action (ethics-codes.md §1.7: Elite Dental, Igbinadolor, New Vision,
Manasa) started with a practice answering a review in a way that confirmed the reviewer was a
patient; acknowledging patient status is itself a disclosure (§3.3). This detector reads the
reply and, where the export keeps it, the text the reply answers (`context`: the review):

1. **Confirming phrase** (the base): "as your therapist", "our records show", "during your
   treatment", "it was a pleasure working with you", "since your intake", "see you at your next
   session", "you missed three appointments", "como recordarás, faltaste a tus citas"...
2. **Cues**: the reply answers a review (the context reads as one, or the reply uses review-reply
   phrasing: "thank you for the kind words", "sorry you feel that way"), which makes the
   confirmation critical (§3.3: "Critical whenever a therapist reply confirms someone was a
   client"); clinical, attendance or billing detail; a derogatory rebuttal; the identifiability
   mosaic (a name or a handle in a reply is the reviewer's).
3. **Lowering**: the safe template ("we can't confirm whether anyone is a client") drops the
   reply; warmth that reads as family or friends ("praying for you") lowers it.

Without a context the text cues alone decide, so a corpus of bare replies is scored the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.analyzer.detectors.base import TextDetector, text_rule
from auditor.analyzer.engine import AnchoredSearch
from auditor.analyzer.excerpt import merge_spans
from auditor.analyzer.hit import Hit, ScanStats, clip, score_hit
from auditor.analyzer.rules.model import Example
from auditor.findings import Contribution, Severity

_ROLE = r"therapist|counsell?or|clinician|provider|psychologist|social\s+worker|psychiatrist|doctor|coach|team"
_CARE = r"sessions?|treatment|therapy|counseling|appointments?|visits?|intake|time\s+with\s+(?:us|me)|care\s+with\s+us|work\s+with\s+(?:me|us)|recovery|healing\s+journey"


@dataclass(frozen=True, slots=True)
class _Cue:
    label: str
    regex: re.Pattern[str]
    weight: float


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


#: Phrases that confirm a treatment relationship with the person replied to: (label, score, regex).
CONFIRMING: tuple[tuple[str, float, re.Pattern[str]], ...] = (
    ("confirms the relationship", 0.65, _rx(rf"\bas\s+your\s+(?:{_ROLE})\b")),
    ("confirms the relationship", 0.7,
     _rx(rf"\b(?:privilege|honou?r|pleasure|joy|gift)\s+(?:to\s+(?:be|have\s+been)|of\s+being)\s+your\s+(?:{_ROLE})\b")),
    ("confirms working together", 0.6,
     _rx(r"\b(?:privilege|honou?r|pleasure|joy|gift|blessing)\b.{0,30}?\b(?:working|to\s+work|to\s+have\s+worked|"
         r"walk(?:ing)?|to\s+walk|journey(?:ing)?|sitting|to\s+sit)\s+(?:with|alongside)\s+you\b")),
    ("confirms working together", 0.6,
     _rx(r"\b(?:walk|walking|walked|work|working|worked|journey(?:ed|ing)?)\s+(?:with|alongside)\s+you\s+through\s+"
         r"(?:your|the|this|that)\b")),
    ("confirms regular visits", 0.55,
     _rx(r"\b(?:great|nice|good|lovely|wonderful|a\s+joy|a\s+pleasure|so\s+good|fun)\s+(?:seeing|to\s+see|working\s+with|meeting\s+with)\s+you\b"
         r".{0,50}?\b(?:every\s+week|each\s+week|weekly|every\s+\w+day|in\s+sessions?|this\s+(?:spring|summer|fall|winter|year)|all\s+(?:these|those)\s+(?:weeks|months)|for\s+\w+\s+(?:weeks|months|years))\b")),
    ("cites records", 0.7, _rx(r"\bour\s+(?:records|notes|files|chart)\s+(?:show|indicate|reflect|say)\b")),
    ("confirms a visit", 0.6,
     _rx(r"\bwhen\s+you\s+(?:came\s+in|were\s+(?:here|in|seen)|visited\s+(?:us|our\s+(?:office|practice|clinic))|"
         r"started\s+(?:therapy|treatment|sessions?|counseling|with\s+(?:us|me))|first\s+came|came\s+to\s+(?:us|see\s+me))\b")),
    ("confirms treatment", 0.65,
     _rx(r"\b(?:you|your\s+(?:son|daughter|child|kid|husband|wife|partner))\s+(?:was|were)\s+(?:seen|treated|discharged|terminated|referred)\b")),
    ("confirms treatment", 0.6, _rx(rf"\b(?:during|in|throughout|over|after)\s+(?:all\s+)?your\s+(?:{_CARE})\b")),
    ("confirms treatment", 0.6,
     _rx(rf"\b(?:glad|happy|pleased|sorry|proud)\b.{{0,40}}?\byour\s+(?:{_CARE})\s+(?:with\s+(?:me|us|dr\.?\s+\w+)|here|helped|went|were|was|did)\b")),
    ("confirms a family member's treatment", 0.65,
     _rx(r"\byour\s+(?:son|daughter|child|kid|kids|husband|wife|partner|teen|mom|dad)['’]?s\s+(?:sessions?|treatment|therapy|appointments?|therapist|progress|evaluation|testing|test\s+results|assessment|diagnosis|iep|medication)\b")),
    ("adds visit detail", 0.65,
     _rx(r"\byou\s+(?:did\s+|have\s+|had\s+)?(?:missed?|no[- ]show(?:ed)?(?:\s+for)?|cancel+(?:ed)?|skipped?|were\s+late\s+(?:to|for))\s+(?:\w+\s+){0,3}(?:appointments?|sessions?|visits?)\b")),
    ("adds clinical or billing detail", 0.65,
     _rx(r"\byou\s+(?:never\s+paid|still\s+owe|owe\s+us|were\s+non-?compliant|are\s+non-?compliant|refused\s+(?:treatment|to\s+follow))\b")),
    ("refers to what was said in session", 0.6,
     _rx(r"\b(?:like|as)\s+we\s+(?:talked\s+about|discussed|practiced|worked\s+on|said)\b(?:\s+(?:in\s+session|on\s+\w+day|last\s+(?:week|time|session)|\w+day))?")),
    ("refers to their history with the author", 0.6, _rx(r"\bas\s+you\s+know\s*,?\s+you\s+(?:missed|were|have|had|did|came)\b")),
    ("refers to their progress in therapy", 0.6,
     _rx(r"\b(?:since|after|before)\s+(?:your\s+|our\s+)?(?:intake|first\s+session|first\s+appointment|we\s+(?:started|began|first\s+met))\b")),
    ("confirms someone started treatment", 0.6,
     _rx(r"\b(?:since|after|when)\s+(?:you|she|he|they)\s+(?:started|began|first\s+came|came\s+in|started\s+coming)\b.{0,20}?\b"
         r"(?:sessions?|therapy|treatment|counseling|with\s+(?:us|me)|seeing\s+(?:us|me))\b"
         r"|\b(?:sessions?|therapy|treatment|counseling)\s+with\s+(?:us|me|dr\.?\s+\w+)\b")),
    ("confirms an upcoming appointment", 0.6,
     _rx(r"\bsee\s+you\s+(?:at\s+your\s+next|next\s+(?:week|session|time|\w+day)|on\s+\w+day|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"
         r"|\b(?:your|our)\s+next\s+(?:session|appointment|visit)\b")),
    ("refers to a past visit", 0.6,
     _rx(r"\b(?:at|in|during|after)\s+your\s+(?:last|previous|first|recent|latest)\s+(?:session|appointment|appt|visit|intake|check-?in|med\s+check)\b")),
    ("adds visit detail", 0.6,
     _rx(r"\byou\s+(?:no[- ]?show(?:ed)?|missed|cancel+ed|skipped|were\s+late)\s+(?:\w+\s+)?(?:times|twice|again|weeks?\s+in\s+a\s+row)\b")),
    ("confirms an upcoming visit", 0.6,
     _rx(r"\bsee\s+you\s+[^.!?\n]{0,30}?\b(?:same\s+(?:time|day|slot)|for\s+your\s+(?:\w+\s+)?(?:check|check-?up|appointment|session|visit|follow-?up|refill))\b")),
    ("confirms what the time together meant", 0.55,
     _rx(r"\b(?:what|how\s+much)\s+our\s+(?:time|work|sessions)\s+together\s+(?:meant|means|did)\b")),
    ("names their clinical or billing detail", 0.35,
     _rx(r"\byour\s+(?:\w+\s+)?(?:diagnosis|treatment\s+plan|insurance\s+(?:claim|company|plan)|copay|co-pay|balance|"
         r"medication|prescription|chart|records|file|progress\s+notes?)\b")),
    # Spanish.
    ("confirma la relación", 0.65, _rx(r"\bcomo\s+(?:tu|su)\s+(?:terapeuta|psic[oó]log[oa]|doctora?|consejer[oa])\b")),
    ("confirma una cita", 0.65,
     _rx(r"\b(?:faltaste|falt[oó]|llegabas\s+tarde|llegaba\s+tarde|cancelaste|cancel[oó])\s+(?:a\s+)?(?:\w+\s+){0,3}(?:tus|sus|las)?\s*(?:citas?|sesi[oó]n|sesiones|consultas?)\b")),
    ("confirma el tratamiento", 0.6,
     _rx(r"\b(?:tu|su|tus|sus)\s+(?:tratamiento|terapia|diagn[oó]stico|expediente|citas?|sesi[oó]n|sesiones|consultas?|medicamento)\b")),
    ("cita los registros", 0.7, _rx(r"\b(?:seg[uú]n|de\s+acuerdo\s+con|en)\s+nuestros\s+(?:registros|expedientes|archivos)\b")),
    ("confirma la asistencia", 0.6,
     _rx(r"\b(?:asisti[oó]|asististe|vino|viniste|falt[oó]|faltaste)\s+(?:solo\s+)?a\s+(?:\w+\s+){0,4}(?:citas|sesiones|consultas)\b"
         r"|\b(?:su|tu)\s+(?:hij[oa]|espos[oa]|niñ[oa]|mam[aá]|pap[aá])\s+(?:tiene|ten[ií]a)\s+(?:cita|sesi[oó]n|consulta)\b"
         r"|\b(?:la\s+)?evaluaci[oó]n\s+de\s+(?:su|tu)\s+(?:hij[oa]|niñ[oa]|espos[oa])\b")),
    ("recuerda su historia", 0.6, _rx(r"\bcomo\s+(?:recordar[aá]s|recordar[aá]|sabes|usted\s+sabe)\b")),
    ("confirma el trabajo juntos", 0.6,
     _rx(r"\b(?:fue|es|ha\s+sido)\s+un\s+(?:placer|honor|privilegio|gusto|regalo)\s+(?:trabajar|acompañarte|acompañarl[ao]|haberte\s+acompañado|verte\s+crecer)\b"
         r"|\btu\s+proceso\s+de\s+\w+")),
)

#: The safe template (§3.3): a reply that confirms nothing. Found anywhere, the reply is dropped.
#: The confirming patterns, each tried only where one of its start literals occurs.
_CONFIRMING_SEARCH = AnchoredSearch([regex for _label, _score, regex in CONFIRMING])

NON_CONFIRMING = _rx(
    r"\b(?:can(?:no|')?t|cannot|unable\s+to|do\s+not|don'?t|never|are\s+not\s+able\s+to|not\s+able\s+to|"
    r"won'?t)\s+(?:publicly\s+)?(?:discuss|confirm|comment\s+on|share|respond\s+to|acknowledge|disclose)\b"
    r".{0,60}\b(?:individual|whether|anyone|anyone'?s|patients?|clients?|specific|specifics|care|services|person)\b"
    r"|\bprivacy\s+(?:laws?|rules?|regulations?)\s+(?:prevent|prohibit|keep)"
    r"|\bno\s+(?:podemos|puedo)\s+(?:confirmar|comentar|hablar|compartir)\b"
)

CUES: tuple[_Cue, ...] = (
    _Cue("clinical, attendance or billing detail", _rx(
        r"\b(?:diagnos\w+|anxiety|depression|ptsd|trauma|bipolar|adhd|eating\s+disorder|addiction|sobriety|"
        r"recovery|divorce|grief|medication|meds|insurance|copay|co-pay|balance|bill(?:ed|ing)?|charged|"
        r"late\s+cancel\w*|no[- ]show\w*|missed|appointments?|couples\s+(?:therapy|counseling)|family\s+therapy|"
        r"marriage|affair|recomendaciones|diagn[oó]stico|cobr[oó]|se\s+te\s+cobr[oó]|citas|terapia\s+de\s+pareja)\b"),
        0.1),
    _Cue("derogatory rebuttal", _rx(
        r"\b(?:level\s+of\s+intelligence|get\s+a\s+life|grosera?|rude|liar|lying|crazy|unstable|no\s+nos\s+haga\s+perder|"
        r"waste\s+(?:of\s+)?our\s+time|you\s+were\s+(?:always\s+)?(?:difficult|rude|hostile))\b"),
        0.1),
    _Cue("personal, not clinical (friend or family)", _rx(
        r"\b(?:praying|prayers|love\s+you|miss\s+you|get\s+well|hugs|sending\s+love|sorry\s+for\s+your\s+loss|"
        r"congrat\w*|happy\s+birthday)\b"),
        -0.3),
)

#: The reply answers a review: in the context (the review itself), or in the reply's own phrasing.
_REVIEW_CONTEXT = _rx(
    r"\b(?:reviews?|stars?|rating|rated|recommend\w*|yelp|google|healthgrades|zocdoc|psychology\s+today|"
    r"experience|worst|best\s+(?:therapist|counselor)|unprofessional|rude|overcharged|would\s+not\s+go\s+back|"
    r"reseña|opini[oó]n|recomiendo|estrellas)\b|[⭐★]"
)
_REVIEW_REPLY = _rx(
    r"\bthank(?:s|\s+you)\s+(?:so\s+much\s+)?for\s+(?:the|your)\s+(?:kind\s+)?(?:review|words|feedback|rating|stars|note)\b"
    r"|\bsorry\s+(?:you\s+(?:feel|felt|had)|to\s+(?:hear|read|see))\b|\bwe\s+hear\s+you\b|\bwe(?:'re|\s+are|\s+were)\s+sorry\b"
    r"|\bthank\s+you\s+(?:so\s+much\s+)?,?\s*(?-i:[A-Z])[a-z]+\s*[!,.]"
    r"|\blamentamos\b|\bgracias\s+por\s+(?:tu|su)\s+(?:reseña|opini[oó]n|comentario)\b|\b(?:we|i)\s+appreciate\s+(?:the|your)\s+feedback\b"
)


class ReviewReply(TextDetector):
    id = "review-reply"
    category = "confidentiality"
    description = "Replies (to reviews, or any public reply) that confirm the person was a client or add clinical detail."
    rule = text_rule(
        id="review-reply-confirms-client", category="confidentiality", severity=Severity.HIGH,
        message="The reply confirms that the person was a client or adds visit, treatment or billing detail.",
        description=description,
        # Nearly every reply addresses its reader as "you"; the detector's own phrases decide.
        keywords=("you", "your", "usted", "tu ", "tus ", "su ", "sus ", "como recordar", "we talked", "we discussed",
                  "we practiced", "we worked on", "nuestros registros"),
        targets=("reply", "comment"), score=0.6, escalate=((Severity.CRITICAL, 0.85),),
        supersedes=("client-reference",), mosaic=True,
        citations=("HIPAA:164.502(a)", "ACA:B.1.c", "ACA:H.6.d", "APA:4.01", "APA:4.05", "NASW:1.07(c)",
                   "NASW:1.07(r)", "AAMFT:2.2"),
        remediation=("Delete or edit the reply so that it confirms nothing about the person; answer reviews, if "
                     "at all, with a generic statement that you cannot discuss or confirm whether anyone is a "
                     "client, and invite them to call the office."),
        examples=(
            Example("We're sorry you feel that way, but our records show you missed three appointments.", True, "reply"),
            Example("Thanks for the lovely words, Sam! It was a joy walking with you through your grief work.", True, "reply"),
            Example("So glad your daughter's sessions helped her this spring. See you at your next appointment!", True, "comment"),
            Example("Lamentamos tu experiencia. Como recordarás, cancelaste dos citas sin avisar.", True, "reply"),
            Example("Dana, as I mentioned at your last appointment, the forms need your signature first.", True, "reply"),
            Example("Gracias por su comentario. Según nuestros registros, su hijo faltó a tres de las cinco citas.", True, "reply"),
            Example("So glad you liked the workshop! See you next month for the follow-up talk at the library.", False, "reply"),
            Example("Mil gracias por su reseña, nos alegra que la plática en la escuela le haya servido.", False, "reply"),
            Example("Thank you for your feedback. We cannot confirm whether any individual has received services here; "
                    "please call our office manager.", False, "reply"),
            Example("Thank you so much for the kind words about our practice!", False, "reply"),
            Example("If your medication stops helping, bring it up with whoever prescribes it.", False, "reply"),
            Example("Praying for you during your treatment, love you and get well soon!", False, "reply"),
        ),
    )

    def scan(self, text: str, *, kind: str, context: str | None,
             stats: ScanStats | None = None) -> Hit | None:
        if stats is not None:
            stats.regex_runs += len(CONFIRMING) + 1
        matches: list[tuple[int, int, str, float]] = []
        for j, m in _CONFIRMING_SEARCH.finditer(text):
            label, score, _regex = CONFIRMING[j]
            matches.append((m.start(), m.end(), label, score))
        if not matches or NON_CONFIRMING.search(text):
            return None
        matches.sort(key=lambda m: (m[0], -m[1]))
        best = max(matches, key=lambda m: (m[3], -m[0]))
        contributions = [Contribution(f"base: {best[2]}", clip(text[best[0]:best[1]]), best[3])]
        floors: list[Severity] = []
        review = _REVIEW_CONTEXT.search(context) if context else None
        own = _REVIEW_REPLY.search(text)
        if review is not None:
            contributions.append(Contribution("answers a review (context)", clip(review.group(0)), 0.1))
            floors.append(Severity.CRITICAL)
        elif own is not None:
            contributions.append(Contribution("review-reply phrasing", clip(own.group(0)), 0.1))
            floors.append(Severity.CRITICAL)
        for cue in CUES:
            found = cue.regex.search(text)
            if found:
                contributions.append(Contribution(cue.label, clip(found.group(0)), cue.weight))
        if stats is not None:
            stats.regex_runs += 3 + len(CUES)
        spans = merge_spans([(s, e) for s, e, _, _ in matches])
        # Confirming the relationship is itself the disclosure (§3.3).
        return score_hit(self.rule, text, spans, text[matches[0][0]:matches[0][1]], contributions, floors, stats,
                         discloses=True)
