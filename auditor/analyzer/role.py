"""How the account's role and the post's audience adjust a finding's severity and score.

The reference's severity guidance (ethics-codes.md §3.5 scope note and §4 multipliers) ranks
exposure as professional > personal-but-identified > anonymous personal: the APA code reaches only
work-related conduct, NASW 4.03 reaches private conduct only where it touches practice, and an
anonymous author narrows no one down to a client pool. So:

| account                                   | severity      | score  |
|-------------------------------------------|---------------|--------|
| professional                              | unchanged     | +0     |
| unknown role (nothing tells)              | unchanged     | +0     |
| personal, names the profession or practice| unchanged     | +0     |
| personal, anonymous                       | one step down | -0.10  |

Audience (§4: "public > closed group. ACA still flags closed groups"): an item whose export says
it reached only followers, a closed group or chosen people keeps its severity (ACA tip #3: not
even in closed settings) and loses 0.05 of score; public or unknown visibility changes nothing.

The adjustments run after a finding exists: they never decide whether there is a finding, nor
its category (DESIGN: "For content, the role changes severity and score, never whether a finding
exists or its category"). The one documented exception is a rule with `audience = "clients"`
(the author's whereabouts, engine.py): its risk is defined by clients seeing the post, so it does
not apply on an anonymous personal account. Each adjustment is recorded as a contribution so the
explanation shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES: tuple[str, ...] = ("personal", "professional", "unknown")
#: Visibility values (ContentRecord.visibility) that mean a restricted audience.
RESTRICTED: frozenset[str] = frozenset({"followers", "private", "friends", "group", "limited", "unlisted"})


@dataclass(frozen=True, slots=True)
class Adjustment:
    label: str
    severity_steps: int
    weight: float


#: Kept for callers of the first analyzer version.
RoleAdjustment = Adjustment

_ANONYMOUS_PERSONAL = Adjustment("account role: anonymous personal account", -1, -0.10)
_RESTRICTED_AUDIENCE = Adjustment("audience: followers or a closed group only", 0, -0.05)


def role_adjustment(role: str, identified: bool) -> Adjustment | None:
    """The adjustment for an account of `role`; `identified`: it names the profession."""
    if role == "personal" and not identified:
        return _ANONYMOUS_PERSONAL
    return None


def audience_adjustment(visibility: str | None) -> Adjustment | None:
    """The adjustment for an item's visibility; None (unknown) and "public" change nothing."""
    if visibility is not None and visibility.lower() in RESTRICTED:
        return _RESTRICTED_AUDIENCE
    return None
