"""Account-level boundary checks: is the personal account kept apart from the professional one?

ACA H.6.a asks for separate, clearly distinguishable personal and professional profiles; NASW
1.06(f)/(h) warns about personal information and client contact on social networks. Four checks:

- `personal-account-names-profession`: a personal account whose bio, display name or handle names
  the profession, a credential or the practice (it is then attributable to the professional role).
- `personal-account-public`: a personal account that is public (`private is False`). An unknown
  privacy flag (`None`: X archives carry none) is not flagged; the report shows it as unknown.
- `personal-links-professional`: a personal account's bio, website or links point to one of the
  subject's professional accounts (URL, practice website or @handle).
- `professional-links-personal`: the reverse, which invites the professional audience (clients)
  into the personal account: a dual-relationship risk (ACA A.5.e, NASW 1.06(h)).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from auditor.analyzer.context import AccountView, AnalysisContext
from auditor.analyzer.detectors.base import Detector, account_finding
from auditor.analyzer.excerpt import make_excerpt
from auditor.analyzer.links import find_links
from auditor.analyzer.profession import PROFESSION_RE, handle_words, profession_term
from auditor.findings import Contribution, Finding, Severity

_SEPARATE = ["ACA:H.6.a", "APA:3.05", "NASW:1.06(f)", "NASW:4.06(a)", "AAMFT:1.3"]
_PUBLIC = ["ACA:H.6.a", "ACA:A.5.e", "APA:3.05", "NASW:1.06(f)", "NASW:1.06(h)", "AAMFT:1.3"]
_INVITE = ["ACA:A.5.e", "ACA:H.6.a", "APA:3.05", "NASW:1.06(h)", "NASW:1.06(e)", "AAMFT:1.3"]


class AccountBoundary(Detector):
    id = "account-boundary"
    category = "boundary"
    description = "Personal accounts that name the profession, are public, or link to or from the professional one."
    rule_ids = ("personal-account-names-profession", "personal-account-public",
                "personal-links-professional", "professional-links-personal")

    def run(self, ctx: AnalysisContext) -> Iterable[Finding]:
        personal = [a for a in ctx.accounts if a.role == "personal"]
        professional = [a for a in ctx.accounts if a.role == "professional"]
        for account in personal:
            yield from self._names_profession(ctx, account)
            yield from self._public(ctx, account)
            yield from self._links(ctx, account, professional, "personal-links-professional")
        for account in professional:
            yield from self._links(ctx, account, personal, "professional-links-personal")

    def _names_profession(self, ctx: AnalysisContext, account: AccountView) -> Iterator[Finding]:
        for field, text in (("bio", account.bio), ("display name", account.display_name),
                            ("handle", handle_words(account.handle))):
            term = profession_term(text)
            if term is None or not text:
                continue
            # Spans only make sense in text shown verbatim; the handle is shown as stored.
            shown = text if field != "handle" else (account.handle or "")
            span = _span_of(term, shown)
            excerpt, spans = make_excerpt(shown, [span] if span else [])
            yield account_finding(
                ctx, rule_id="personal-account-names-profession", category="boundary",
                severity=Severity.LOW, account=account,
                message=f"The personal account's {field} names the profession or practice.",
                evidence=excerpt, spans=spans,
                contributions=[Contribution(f"personal account {field} names the profession", term, 0.6)],
                citations=_SEPARATE,
                remediation=("Take the credential, profession and practice name off the personal profile "
                             "(or make it private) and keep the professional identity on the professional account."),
            )
            return

    def _public(self, ctx: AnalysisContext, account: AccountView) -> Iterator[Finding]:
        if account.private is not False:
            return  # None means the export does not say: reported as unknown, never flagged
        contributions = [Contribution("personal account is public", None, 0.55)]
        term = account.profession_term
        if term is not None:
            contributions.append(Contribution("its profile names the profession", term, 0.2))
        name = f"@{account.handle}" if account.handle else (account.display_name or "the account")
        yield account_finding(
            ctx, rule_id="personal-account-public", category="boundary",
            severity=Severity.MEDIUM if term else Severity.LOW, account=account,
            message="The personal account is public, so clients can find and follow it.",
            evidence=f"{account.platform} {name}: public", spans=(), contributions=contributions,
            citations=_PUBLIC,
            remediation=("Make the personal account private and review its followers; state in the "
                         "social media policy that you do not connect with clients on personal accounts."),
        )

    def _links(self, ctx: AnalysisContext, account: AccountView, others: list[AccountView],
               rule_id: str) -> Iterator[Finding]:
        found = list(find_links(account, others))
        if not found:
            return
        field, text, other, first = found[0]
        # One finding per account: the evidence is the first field that links, all its links marked.
        spans = [m.span() for f, t, _, m in found if (f, t) == (field, text)]
        excerpt, spans_in = make_excerpt(text, spans)
        label = f"{field} links to the {other.role} account ({other.platform})"
        if rule_id == "personal-links-professional":
            yield account_finding(
                ctx, rule_id=rule_id, category="boundary", severity=Severity.MEDIUM,
                account=account, message="The personal account links to the professional account.",
                evidence=excerpt, spans=spans_in, contributions=[Contribution(label, first.group(0), 0.6)],
                citations=_SEPARATE,
                remediation=("Remove the link from the personal profile: the link makes the personal "
                             "account part of the professional presence that clients see."),
            )
        else:
            yield account_finding(
                ctx, rule_id=rule_id, category="dual_relationship", severity=Severity.MEDIUM,
                account=account, message="The professional account links to the personal account.",
                evidence=excerpt, spans=spans_in, contributions=[Contribution(label, first.group(0), 0.65)],
                citations=_INVITE,
                remediation=("Remove the link to the personal account from the professional profile; "
                             "clients who follow it are invited into a personal relationship."),
            )


def _span_of(term: str, text: str) -> tuple[int, int] | None:
    """Where `term` sits in `text`, ignoring case (a handle shows "lmft" where the term is "LMFT")."""
    i = text.lower().find(term.lower())
    if i != -1:
        return (i, i + len(term))
    m = PROFESSION_RE.search(text)
    return m.span() if m else None
