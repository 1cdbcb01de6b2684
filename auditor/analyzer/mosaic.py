"""Identifiability as a mosaic: the named details that, together, let someone recognise a client.

No single detail in "a 15yo whose parents teach at Lincoln High, plays varsity soccer" names
anyone; the combination does (ethics-codes.md §3.2(b): Safe Harbor's (R) and its "relatives,
employers and household members" clause; Ahmed: 46.6% of anonymised stories were recognised by
the patient). So a client story's score is its base plus a **documented sum of named
components**, each found at most once:

| component          | weight | what it matches                                              | floor    |
|--------------------|-------:|--------------------------------------------------------------|----------|
| direct identifier  |  +0.20 | a name or initials, a @handle, "Señora Torres", "Thank you Priya" | critical |
| exact date         |  +0.15 | "May 3", "3/14/24", "el 12 de marzo"                         | high     |
| time anchor        |  +0.10 | "today", "this morning", "on Saturday", "last week", "hoy"   |          |
| age                |  +0.10 | "15yo", "27F", "in her 30s", "he's 63", "de 80 años"         |          |
| occupation         |  +0.10 | "a surgeon", "works at the Ford plant", "enfermera"          |          |
| place              |  +0.10 | "at Lincoln High", "in Tacoma", "the bakery on Cedar", "our small town" |   |
| named event        |  +0.10 | a funeral, wedding, accident, layoffs, overdose, a 5150...   |          |
| relative           |  +0.05 | "her husband", "his son", "su esposa"                        |          |

Tiers (§4): a direct identifier makes the story critical; a time anchor together with any other
component, or any two components other than the time anchor, make it high. Nothing here decides
whether a finding exists on its own: the mosaic only adds to a rule that found a client
reference (rules with `mosaic = true`, and the review-reply detector).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.findings import Contribution, Severity

#: Words that start with a capital letter but are not names (sentence starts, days, pronouns...).
_NOT_NAMES = (
    r"I|I'm|I've|I'd|I'll|The|This|That|These|Those|Today|Tonight|Yesterday|Tomorrow|It|It's|We|We're|"
    r"You|You're|Your|He|She|They|Her|His|Their|My|Our|Me|Us|Him|Them|A|An|And|But|So|Or|If|When|"
    r"What|Who|Why|How|Where|Yes|No|Not|Ok|Okay|Oh|Omg|Lol|Lmao|Honey|Bud|Babe|Girl|Dude|Bro|Ma'am|"
    r"Sir|God|Jesus|Mom|Dad|Mama|Papa|Grandma|Grandpa|Thanks|Thank|Hi|Hey|Hello|Dear|Proud|Happy|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|"
    r"June|July|August|September|October|November|December|Christmas|Thanksgiving|Easter|Halloween|"
    r"Hola|Gracias|Feliz|Hoy|Ayer|Mi|Su|Tu|Usted|Ella|Él|Dios|Señora|Señor|Doctor|Doctora|Dr|Dra|"
    r"Client|Patient|Therapy|Therapist|Everyone|Anyone|Someone|Nobody|Team|Love|Best|Keep|Wishing"
)
_NAME = rf"(?-i:(?!(?:{_NOT_NAMES})\b)[A-ZÁÉÍÓÚÑ][a-záéíóúñ]{{2,15}})"


@dataclass(frozen=True, slots=True)
class Component:
    """One named detail of the mosaic."""

    name: str
    weight: float
    regex: re.Pattern[str]
    doc: str


def _c(name: str, weight: float, doc: str, pattern: str) -> Component:
    return Component(name, weight, re.compile(pattern, re.IGNORECASE), doc)


DIRECT_IDENTIFIER = _c(
    "direct identifier", 0.20, "a name or initials, a @handle, a title with a surname",
    # Initials ("J.S."), a handle, a title and surname, a name after a greeting or thanks,
    # a name set off by a comma at the end of a clause ("You're doing it right, Gary."),
    # "named X" / "se llama X", or a name right after "client"/"paciente".
    r"(?<![\w.])(?-i:[A-Z])\.\s?(?-i:[A-Z])\.(?!\s*(?-i:[A-Z])[a-z])"
    r"|(?<![\w@])@[\w.]{3,}\w"
    rf"|\b(?:señora|señor|sra\.|sr\.|mrs\.|mr\.|ms\.|miss)\s+{_NAME}"
    rf"|\b(?:thank\s+you|thanks|hi|hey|hola|gracias|dear|querida|querido)\s*,?\s+{_NAME}\b(?!\s+(?-i:[A-Z]))"
    rf"|,\s+{_NAME}\s*[.!?]"
    rf"|^{_NAME}\s*,\s"
    rf"|\b(?:named|called|name\s+is|se\s+llama|llamad[ao])\s+{_NAME}"
    rf"|\b(?:client|patient|paciente)\s+{_NAME}\b",
)
EXACT_DATE = _c(
    "exact date", 0.15, "a calendar date: 'May 3', '3/14/24', 'el 12 de marzo'",
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\d{1,2}(?:st|nd|rd|th)?\b(?!\s*(?:am|pm|:))"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
    r"|\b\d{1,2}\s+de\s+(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\b",
)
TIME_ANCHOR = _c(
    "time anchor", 0.10, "when it happened: 'today', 'this morning', 'on Saturday', 'hoy'",
    r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening|week|weekend|month)|yesterday|last\s+(?:night|week|"
    r"weekend|month|session|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|just\s+now|earlier\s+today|"
    r"an\s+hour\s+ago|on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"hoy|anoche|ayer|esta\s+(?:mañana|tarde|semana)|este\s+(?:lunes|martes|fin\s+de\s+semana)|"
    r"el\s+(?:lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo)\s+pasado)\b",
)
AGE = _c(
    "age", 0.10, "an age: '15yo', '27F', 'in her 30s', 'he's 63', 'de 80 años'",
    r"\b\d{1,2}\s*(?:yo|y/o|y\.o\.|-?\s?years?[- ]old|yr\s+old|yrs?\s+old)\b"
    r"|\b\d{1,2}\s?(?-i:[FM])\b"
    r"|\bin\s+(?:her|his|their)\s+(?:early\s+|late\s+|mid-?\s*)?(?:teens|twenties|thirties|forties|fifties|"
    r"sixties|seventies|eighties|nineties|\d0s)\b"
    r"|\b(?:he|she)(?:'s|\s+is)\s+\d{2}\b|\baged?\s+\d{1,2}\b|\bunder\s+(?:18|20|21|25)\b"
    r"|\bde\s+\d{1,2}\s+años\b|\b(?:treinta|cuarenta|cincuenta|veinte)\s+y\s+tantos\b"
    # Ages spelled out: "a nineteen-year-old", "Forty-one-year-old band director".
    r"|\b(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)[- ]years?[- ]old\b",
)
OCCUPATION = _c(
    "occupation", 0.10, "a job or workplace: 'a surgeon', 'works at the Ford plant', 'enfermera'",
    # Not the job the author is hiring for ("looking for a new accountant"), and job words in lower
    # case ("a Pampered Chef party" is a brand, not a chef).
    r"(?<!for\s)(?<!need\s)(?<!hire\s)(?<!hiring\s)(?<!want\s)"
    r"\b(?:a|an|is\s+a|is\s+an|she's\s+a|he's\s+a|works\s+as\s+an?|retired|as\s+an?)\s+(?:(?!new\b)\w+\s+)?"
    r"(?-i:teacher|nurse|doctor|physician|surgeon|cop|police\s+officer|deputy|sheriff|firefighter|paramedic|pastor|"
    r"priest|rabbi|imam|minister|lawyer|attorney|judge|professor|coach|pilot|soldier|marine|dentist|principal|"
    r"ceo|politician|realtor|flight\s+attendant|hairstylist|hair\s+stylist|barber|vet\s+tech|hygienist|"
    r"bartender|server|waitress|chef|engineer|accountant|mechanic|electrician|plumber|farmer|rancher|trucker|"
    r"truck\s+driver|influencer|youtuber|musician|artist|athlete|councilman|councilwoman|mayor|banker)s?\b"
    r"|\bworks\s+(?:at|for)\s+(?:the\s+)?\w+"
    r"|\b(?:enfermera|enfermero|maestra|maestro|profesora|profesor|médico|médica|abogada|abogado|policía|"
    r"ingeniera|ingeniero|contadora|contador|influencer|mec[aá]nic[oa]|carpinter[oa]|alba[ñn]il|chofer|bomber[oa]|soldado|pastor|estilista|peluquer[oa]|mesera|mesero|cociner[oa]|enfermer[oa])\b",
)
PLACE = _c(
    "place", 0.10, "a named or small place: 'at Lincoln High', 'in Tacoma', 'our small town'",
    r"\b(?:at|in|from|near|outside|on)\s+(?:the\s+)?(?-i:(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Christmas|Thanksgiving|Easter|Halloween|Zoom|Teams|Instagram|TikTok|Facebook|Google|"
    r"I|The|My|Our|Your|Her|His|Their|This|That)\b)[A-Z][a-z][\w'’.&-]*)"
    r"|\b(?:the|a)\s+(?:\w+\s+)?(?:bakery|salon|gym|church|school|plant|mill|base|station|hospital|shelter|"
    r"store|restaurant|bar|diner|cafe|café|factory|warehouse|clinic)\s+(?:on|in|at|by)\s+(?-i:[A-Z])\w+"
    r"|\b(?:in|at)\s+(?:our|this|a)\s+(?:small\s+)?(?:town|village|community)\b"
    r"|\b(?:the|our)\s+(?:middle|high|elementary)\s+school\b|\bdowntown\b|\bStation\s+\d+\b"
    r"|\b(?:en|de)\s+(?:el\s+|la\s+)?(?-i:[A-Z][a-záéíóúñ]+)(?:\s+(?-i:[A-Z][a-záéíóúñ]+))*\b(?<!\bDios)"
    r"|\b(?:la\s+)?(?:maquiladora|colonia\s+\w+)\b",
)
NAMED_EVENT = _c(
    "named event", 0.10, "an event someone could be recognised by: a funeral, an accident, an overdose",
    r"\b(?:funeral|wedding|quincea[ñn]era|baptism|bar\s+mitzvah|bat\s+mitzvah|prom|graduation|baby\s+shower|"
    r"accident|crash|pileup|pile-up|shooting|fire|flood|tornado|layoffs?|strike|lockdown|deployment|"
    r"mastectomy|miscarriage|stillbirth|abortion|overdos\w*|od'?d|5150|involuntary\s+hold|arrest(?:ed)?|"
    r"custody\s+(?:hearing|battle|eval\w*)|court\s+date|trial|dui|died\s+by\s+suicide|passed\s+away|"
    r"suicide\s+attempt|affair|divorce|diagnosis|chemo|surgery|amputation|election|sermon|"
    r"boda|funeral|accidente|despido|divorcio|enviud[óo]|entrevista\s+de\s+trabajo|sobredosis|graduaci[óo]n|bautizo|velorio|"
    r"sepelio|arresto|deportaci[óo]n|aborto|quimio(?:terapia)?|cirug[íi]a)\b",
)
RELATIVE = _c(
    "relative", 0.05, "a relative or partner of the client: 'her husband', 'his son', 'su esposa'",
    r"\b(?:her|his|their|the\s+client'?s|my\s+client'?s)\s+(?:\w+\s+)?(?:husband|wife|partner|boyfriend|girlfriend|"
    r"fianc[eé]e?|ex|mom|mother|dad|father|stepdad|stepmom|son|daughter|sister|brother|grandma|grandmother|"
    r"grandpa|grandfather|grandson|granddaughter|kids|children|baby|boss|coworker|mother-in-law|father-in-law|"
    r"son-in-law|daughter-in-law|sons|daughters|parents)\b"
    r"|\bsu\s+(?:esposa|esposo|marido|mujer|pareja|novio|novia|ex|mamá|madre|papá|padre|hija|hijo|hermana|"
    r"hermano|suegra|suegro|jefe|jefa)\b",
)

COMPONENTS: tuple[Component, ...] = (
    DIRECT_IDENTIFIER, EXACT_DATE, TIME_ANCHOR, AGE, OCCUPATION, PLACE, NAMED_EVENT, RELATIVE,
)
#: The quasi-identifiers: every component except the direct identifier and the time anchor.
_QUASI = frozenset(c.name for c in COMPONENTS) - {DIRECT_IDENTIFIER.name, TIME_ANCHOR.name}
LABEL_PREFIX = "identifiability: "


@dataclass(frozen=True, slots=True)
class MosaicResult:
    contributions: tuple[Contribution, ...]
    #: The tier the components reach (critical, high), or None.
    floor: Severity | None

    @property
    def names(self) -> frozenset[str]:
        return frozenset(c.label.removeprefix(LABEL_PREFIX) for c in self.contributions)


def mosaic(text: str, components: tuple[Component, ...] = COMPONENTS) -> MosaicResult:
    """The components found in `text` (each once, first match as evidence) and their tier."""
    found: list[Contribution] = []
    for comp in components:
        m = comp.regex.search(text)
        if m:
            found.append(Contribution(LABEL_PREFIX + comp.name, _clip(m.group(0)), comp.weight))
    names = {c.label.removeprefix(LABEL_PREFIX) for c in found}
    return MosaicResult(tuple(found), tier(names))


def tier(names: set[str] | frozenset[str]) -> Severity | None:
    """§4: a direct identifier → critical; a time anchor with any other detail, or two details → high."""
    if DIRECT_IDENTIFIER.name in names:
        return Severity.CRITICAL
    quasi = len(names & _QUASI)
    if quasi >= 2 or (TIME_ANCHOR.name in names and quasi >= 1):
        return Severity.HIGH
    return None


def _clip(matched: str, limit: int = 60) -> str:
    flat = " ".join(matched.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
