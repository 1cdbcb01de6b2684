"""The report's fixed wording: platform names, what each export cannot show, the editions of the
codes, what to do after a disclosure, and how the score is computed.

Kept apart from the code that queries the database so that a reviewer (a clinician, an ethics
consultant) can read and correct the words in one place. Sources: `../shared/reference/
ethics-codes.md` §0 (editions), §1.6-1.7 (HIPAA, OCR), §2.9 (reporting colleagues) and §4
(severity tiers); `export-formats.md` for what the archives hold.
"""

from __future__ import annotations

from dataclasses import dataclass

PLATFORM_LABELS: dict[str, str] = {
    "twitter": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "threads": "Threads",
    "linkedin": "LinkedIn",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "reddit": "Reddit",
    "tiktok": "TikTok",
    "google_business": "Google Business Profile",
    "feed": "Feed",
    "web": "Web page",
    "generic": "Other platform",
}

#: How a report names an item type in a sentence.
ITEM_NOUNS: dict[str, str] = {
    "post": "post",
    "reply": "reply",
    "comment": "comment",
    "caption": "caption",
    "share": "shared post",
    "message": "message",
    "bio": "bio",
    "account": "account",
    "connection": "connection",
    "media": "photo or video",
}


PROFESSION_LABELS: dict[str, str] = {
    "counselor": "counselor",
    "psychologist": "psychologist",
    "social-worker": "social worker",
    "mft": "marriage and family therapist",
    "other": "other profession",
}


def profession_label(profession: str | None) -> str:
    """A `footprint subject --profession` value in words ("mft" → "marriage and family therapist")."""
    if profession is None:
        return "profession not set"
    return PROFESSION_LABELS.get(profession, profession)


def platform_label(platform: str) -> str:
    """The platform's everyday name ("X" for twitter); an unknown one is shown as stored."""
    return PLATFORM_LABELS.get(platform, platform)


def item_noun(item_type: str) -> str:
    return ITEM_NOUNS.get(item_type, item_type)


# -- where an item is when the export gives no link ---------------------------------------------

#: Where to look for an item on each platform, by its date. `{date}` is filled in.
_LOCATE: dict[str, str] = {
    "facebook": (
        "Facebook exports give posts no web address. Open Facebook, then Settings & privacy → "
        "Activity log → Your posts (or Comments), and go to {date}."
    ),
    "instagram": (
        "Open Instagram, then Your activity → Photos and videos (or Comments), sort by date "
        "and go to {date}."
    ),
    "threads": "Open your Threads profile (Threads or Replies tab) and scroll to {date}.",
    "linkedin": "Open LinkedIn, then Me → Posts & Activity, and scroll to {date}.",
    "twitter": (
        "Search X for from:HANDLE with since: and until: around {date} (Advanced search), "
        "or open your archive's Your archive.html and search for the text."
    ),
    "mastodon": "Open your Mastodon profile (Posts and replies) and scroll to {date}.",
    "bluesky": "Open your Bluesky profile (Posts or Replies tab) and scroll to {date}.",
    "reddit": "Open your Reddit profile (Posts or Comments) and sort by new, back to {date}.",
    "tiktok": "Open TikTok, your profile, and find the video or comment of {date}.",
    "google_business": (
        "Open your Business Profile (Google Search or Maps, signed in) → Reviews, and find the "
        "review of {date}."
    ),
}


def locate(platform: str, item_type: str, date: str | None, account: str | None) -> str:
    """A sentence telling the reader how to find an item the report cannot link to."""
    when = date or "the date shown"
    if item_type == "connection":
        where = f"the {platform_label(platform)} account {account}" if account else "the account"
        return (
            f"Open the follower and following lists of {where} and look for the person. The "
            "person is masked in a redacted copy: use the copy made with --no-redact, kept "
            "private, to see who it is."
        )
    if item_type in ("account", "bio"):
        return f"Open the profile settings of the {platform_label(platform)} account {account or ''}".rstrip() + "."
    if item_type == "message":
        return (
            f"Open the conversation in {platform_label(platform)}'s messages and go to {when}; "
            "message text is in the report only when ingested with --include-messages."
        )
    template = _LOCATE.get(platform)
    sentence = template.format(date=when) if template else (
        f"The export gives this item no web address: find it on {platform_label(platform)} by "
        f"its date ({when})."
    )
    if platform == "twitter" and account:
        sentence = sentence.replace("from:HANDLE", f"from:{account.lstrip('@')}")
    return sentence


NOT_LEGAL_ADVICE = (
    "This report is a risk screen, not legal advice or a ruling by any licensing board or ethics "
    "committee. Check the cited codes and your board's rules, and consult your professional "
    "association's ethics line or an attorney before acting on anything serious."
)


# -- what exports cannot show -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Limit:
    lacks: str
    check: str


EXPORT_LIMITS: dict[str, tuple[Limit, ...]] = {
    "twitter": (
        Limit(
            "No current privacy setting: the archive lists only the protect and unprotect changes "
            "of the last six months.",
            "On X, open Settings and privacy → Privacy and safety → Audience and tagging, and "
            "look at Protect your posts.",
        ),
        Limit(
            "Follower and following lists hold account ids only, without names or handles, so "
            "they cannot be matched to clients by name.",
            "Open the account's Followers and Following lists on X while signed in; the coverage "
            "section says how many connections stayed unresolved.",
        ),
    ),
    "facebook": (
        Limit(
            "Posts have no web address in the export, and each post's audience (Public, Friends) "
            "is not always given.",
            "Find a post by its date in Activity log (Settings & privacy → Activity log) and "
            "check the audience icon beside it.",
        ),
        Limit(
            "Friends are listed by name only.",
            "Open Friends on your profile to see who a name is before removing anyone.",
        ),
    ),
    "instagram": (
        Limit(
            "The account's current privacy is known only when the export records a change.",
            "On Instagram, open Settings → Account privacy.",
        ),
    ),
    "threads": (
        Limit(
            "The profile's current privacy is not always in the export.",
            "On Threads, open Settings → Privacy → Private profile.",
        ),
    ),
    "linkedin": (
        Limit(
            "Posts' audience and the visibility of your connections list are not in the export.",
            "On LinkedIn, open Settings & Privacy → Visibility.",
        ),
    ),
    "bluesky": (
        Limit(
            "Bluesky has no private accounts: everything in the repository is public.",
            "Delete what should not be public; lists and blocks limit who interacts, not who reads.",
        ),
    ),
    "tiktok": (
        Limit(
            "Speech and on-screen text in videos are not in the export, only captions and comments.",
            "Watch older videos for client stories, and check Settings → Privacy → Private account.",
        ),
    ),
    "google_business": (
        Limit(
            "Reviewers can edit or delete their reviews after the export was made.",
            "Open the Business Profile's Reviews to see the replies as they stand today.",
        ),
    ),
}

#: What no export shows, whatever the platform.
GENERAL_LIMITS: tuple[str, ...] = (
    (
        "Photos and videos are not looked at; only their text, and location data where the export "
        "keeps it."
    ),
    (
        "Other people's posts about you, and comments you left on other people's posts, are in the "
        "report only where the export holds them."
    ),
    "Direct messages are read for who and when only; their text only with --include-messages.",
    (
        "Posts deleted before the export was made are not in it, though copies may survive "
        "elsewhere (screenshots, reposts, web archives)."
    ),
)


def export_limits(platform: str) -> tuple[Limit, ...]:
    """What an export of this platform cannot show, with how to check; a generic line otherwise."""
    found = EXPORT_LIMITS.get(platform)
    if found:
        return found
    label = platform_label(platform)
    return (
        Limit(
            "The export may not say whether the account is private today.",
            f"Check the account's privacy settings on {label}.",
        ),
    )


# -- codes and editions (staying informed) ------------------------------------------------------

#: The edition each code's citations refer to (ethics-codes.md §0), by the code data's key.
EDITIONS: dict[str, str] = {
    "ACA": "2014 edition. Section H (distance counseling, technology and social media) was new in 2014.",
    "APA": (
        "2002, amended 2010 and 2016 (in effect since 1 January 2017). It applies to work-related "
        "activity only: purely private posts fall outside it unless they touch clients or the role."
    ),
    "NASW": (
        "1996, revised 2008, with the 2017 technology amendments (in effect 1 January 2018) and "
        "the 2021 revision."
    ),
    "AAMFT": "Effective 1 January 2015. Standard VI (technology-assisted services) was new in 2015.",
    "HIPAA": (
        "Privacy Rule, 45 CFR Part 164, as in force. It binds covered entities and their business "
        "associates only."
    ),
    "NBCC": "Approved May 2023, revised 24 August 2023.",
}

STAYING_INFORMED = (
    "Ethics codes are revised every few years, and state licensing boards often adopt a code by "
    "reference, sometimes with their own rules on top. Check the current edition your board "
    "applies, read the cited sections in the code itself (the titles here are summaries), and "
    "run this audit again after a revision or a change of practice."
)

VERIFICATION_NOTES: dict[str, str] = {
    "V": "confirmed in a copy of the code",
    "S": "number from a secondary source: check it in the code",
    "M": "number not re-confirmed: check it in the code",
}


# -- if a disclosure already happened -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    title: str
    text: str


DISCLOSURE_STEPS: tuple[Step, ...] = (
    Step(
        "Document it",
        "Write down what was posted, where, when, who could see it and for how long, when you "
        "found out and what you did. Keep a copy (a screenshot or the export) somewhere secure, "
        "never on social media; the record matters for every step below.",
    ),
    Step(
        "Remove it",
        "Delete the post or comment, or restrict its audience at once. Ask anyone who shared it to "
        "remove their copy, and ask search engines and web archives to drop cached copies.",
    ),
    Step(
        "Consult before you act further",
        "Talk to your clinical supervisor or an ethics consultant: professional associations run "
        "ethics consultation lines for members. Decide with them whether and how to tell the "
        "client; the client's welfare comes first.",
    ),
    Step(
        "Call your malpractice insurer",
        "Most professional liability policies ask for prompt notice of an incident that could "
        "lead to a claim, and many offer free risk-management advice.",
    ),
    Step(
        "Consider your licensing board",
        "Some boards expect self-reports of certain events. Get advice (from your insurer or an "
        "attorney) before you contact the board.",
    ),
)

HIPAA_STEP = Step(
    "For HIPAA covered entities: a breach risk assessment",
    "An impermissible disclosure of protected health information is presumed to be a breach "
    "unless a documented risk assessment shows a low probability that the information has been "
    "compromised (45 CFR 164.402). It weighs at least four factors: the nature and extent of the "
    "information, including identifiers and how likely re-identification is; who received or "
    "saw it; whether it was actually acquired or viewed; and how far the risk has been mitigated. "
    "A breach must be notified to the individual without unreasonable delay and within 60 days "
    "of discovery (164.404), and to HHS (164.408: within 60 days when 500 or more people are "
    "affected, otherwise in the yearly log); state breach laws may add duties.",
)

#: ethics-codes.md §2.9: what the codes ask when the violation is a colleague's.
COLLEAGUE_NOTE = (
    "If the post is a colleague's: the codes ask for an informal word with the colleague first "
    "where that is safe and confidentiality allows, then a report to the board or ethics "
    "committee (ACA I.2.b and I.2.c; APA 1.04 and 1.05; NASW 2.10; AAMFT 1.6)."
)

DISCLOSURE_DISCLAIMER = (
    "This section is general information, not legal advice. Duties differ by state, by "
    "profession and by your contracts; follow the advice of your own attorney, insurer and board."
)


# -- how the score is computed (method) ---------------------------------------------------------

#: Risk bands of the 0-100 score, as (lowest score, key, label).
RISK_BANDS: tuple[tuple[int, str, str], ...] = (
    (75, "very-high", "Very high"),
    (50, "high", "High"),
    (25, "moderate", "Moderate"),
    (1, "low", "Low"),
    (0, "none", "Nothing open"),
)


def risk_band(score: int) -> tuple[str, str]:
    """The band key and label of a risk score."""
    for floor, key, label in RISK_BANDS:
        if score >= floor:
            return key, label
    return "none", "Nothing open"


SEVERITY_GUIDE: tuple[tuple[str, str], ...] = (
    (
        "critical",
        (
            "A review or media reply that confirms someone is a client or adds clinical detail; a "
            "client story with a direct identifier; client testimonials or photos without written "
            "authorization; romantic or sexual contact with a client."
        ),
    ),
    (
        "high",
        (
            "A client story with a time anchor or other details that narrow it down; current clients "
            "among a personal account's connections; asking clients for reviews; misleading claims; "
            "derogatory talk about clients; diagnosing an identifiable person."
        ),
    ),
    (
        "medium",
        (
            "Diagnosing public figures; individual advice or \"DM me\" in public replies; depicted "
            "intoxication; discriminatory speech; disparaging named colleagues."
        ),
    ),
    (
        "low",
        (
            "Generic client narrative without identifiers; profanity; mixing personal and "
            "professional content on one account."
        ),
    ),
)

METHOD_NOTES: tuple[str, ...] = (
    (
        "Each finding has a severity (the tier of harm if the risk is real) and a score from 0 to 1 "
        "(how sure the rule is that the risk is real), raised or lowered by the cues listed under "
        "\"Why\" in each finding."
    ),
    (
        "The role of the account changes severity and score, never whether a finding exists: the "
        "same words weigh more on a professional or identifiable account."
    ),
    (
        "Only open and acknowledged findings count. Findings dismissed as false positives, "
        "remediated, accepted as a risk, or resolved since the previous review are listed but not "
        "counted."
    ),
    (
        "The score is a screen for ordering work, not a probability of a complaint or a finding by "
        "any board."
    ),
)
