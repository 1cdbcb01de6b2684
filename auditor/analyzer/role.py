"""How the account's role adjusts a finding's severity and score.

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

The adjustment runs after a finding exists: role never decides whether there is a finding, nor
its category (DESIGN: "For content, the role changes severity and score, never whether a finding
exists or its category"). It is recorded as a contribution so the explanation shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES: tuple[str, ...] = ("personal", "professional", "unknown")


@dataclass(frozen=True, slots=True)
class RoleAdjustment:
    label: str
    severity_steps: int
    weight: float


_ANONYMOUS_PERSONAL = RoleAdjustment("account role: anonymous personal account", -1, -0.10)


def role_adjustment(role: str, identified: bool) -> RoleAdjustment | None:
    """The adjustment for an account of `role`; `identified`: it names the profession."""
    if role == "personal" and not identified:
        return _ANONYMOUS_PERSONAL
    return None
