"""The fix-it list: every open finding turned into one thing to do, one line per item.

Several findings on one item (a reply that both diagnoses and advises on medication) make one
action, ranked by the most severe of them, because the reader deletes the reply once. The verb
comes from what the item is (a post is deleted, a follower removed, an account made private),
the detail from the most severe finding's remediation, so the list reads as a checklist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reports.dates import readable
from reports.guidance import item_noun, platform_label
from reports.summary import SEVERITY_RANK
from reports.view import ActionView, FindingView

#: Items the subject can delete or edit.
CONTENT_TYPES = frozenset({"post", "reply", "comment", "caption", "share", "media"})
#: Platforms whose accounts are named by an @handle.
AT_HANDLES = frozenset({"twitter", "instagram", "threads", "tiktok", "bluesky", "mastodon"})
#: How long a quotation of the item may be in the list.
EXCERPT_CHARS = 140

_REMOVE_PERSON: dict[str, str] = {
    "follower": "Remove this follower",
    "subscriber": "Remove this subscriber",
    "following": "Unfollow this account",
    "friend": "Unfriend this person",
    "connection": "Remove this connection",
}


def account_display(platform: str, label: str | None) -> str:
    """An account as readers know it: `@handle` where the platform uses handles."""
    if not label:
        return f"the {platform_label(platform)} account"
    if platform in AT_HANDLES and not label.startswith("@"):
        return "@" + label
    return label


def kind_and_title(f: FindingView, relation: str | None) -> tuple[str, str]:
    """What to do to the finding's item: a kind for styling and the instruction itself."""
    item = f.item.type
    if item in CONTENT_TYPES:
        noun = item_noun(item)
        words = f.remediation.casefold()
        if "edit" in words or "rewrite" in words:
            return "edit", f"Delete or edit this {noun}"
        return "delete", f"Delete this {noun}"
    if item == "connection":
        return "remove_person", _REMOVE_PERSON.get(relation or "", "Unfollow or remove this person")
    if item == "bio":
        return "edit_profile", "Edit this bio"
    if item == "account":
        # By rule id: remediation texts mention privacy as an alternative ("or make it private").
        rule = f.rule.casefold()
        if "public" in rule:
            return "make_private", "Make this account private"
        if "link" in rule:
            return "edit_profile", "Remove the link from this profile"
        return "edit_profile", "Edit this profile"
    if item == "message":
        return "review", "Review this conversation"
    return "review", f"Review this {item_noun(item)}"


def target(f: FindingView, relation: str | None) -> str:
    """Which item, in words: "X post by @dana_w_pdx, 15 Apr 2024"."""
    where = platform_label(f.platform)
    who = account_display(f.platform, f.account)
    when = readable(f.item.created_at)
    item = f.item.type
    if item == "connection":
        role = f" ({f.account_role})" if f.account_role else ""
        return f"A {relation or 'connection'} of {who}{role} on {where}"
    if item in ("account", "bio"):
        role = f"{f.account_role} " if f.account_role else ""
        return f"The {role}{where} account {who}"
    text = f"{where} {item_noun(item)} by {who}"
    return f"{text}, {when}" if when else text


@dataclass
class _Group:
    findings: list[FindingView] = field(default_factory=list)

    @property
    def lead(self) -> FindingView:
        """The most severe, most certain finding: it names the action and gives the detail."""
        return min(self.findings, key=lambda f: (-SEVERITY_RANK[f.severity], -f.score, f.fingerprint))


def build_actions(
    findings: Iterable[FindingView],
    item_keys: Mapping[str, str],
    relations: Mapping[str, str],
) -> tuple[ActionView, ...]:
    """One action per item among the counted findings, most urgent first.

    `item_keys` maps a fingerprint to the identity of its item (account and native id, taken
    before redaction masked the id); `relations` maps a connection finding's fingerprint to the
    relation (follower, following, ...) of the person it is about.
    """
    groups: dict[tuple[str, str, str], _Group] = {}
    for f in findings:
        if not f.counted:
            continue
        # One action per item; an account's findings split by what to do (private vs. bio).
        kind = kind_and_title(f, relations.get(f.fingerprint))[0] if f.item.type == "account" else ""
        key = (f.subject, item_keys.get(f.fingerprint, f.fingerprint), kind)
        groups.setdefault(key, _Group()).findings.append(f)
    actions = [_action(group, relations) for group in groups.values()]
    actions.sort(key=lambda a: (-SEVERITY_RANK[a.severity], -a.score, -len(a.findings), a.target, a.anchor))
    return tuple(actions)


def _action(group: _Group, relations: Mapping[str, str]) -> ActionView:
    lead = group.lead
    relation = relations.get(lead.fingerprint)
    kind, title = kind_and_title(lead, relation)
    ordered = sorted(group.findings, key=lambda f: (-SEVERITY_RANK[f.severity], -f.score, f.fingerprint))
    excerpt = " ".join(lead.evidence.excerpt.split())
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[: EXCERPT_CHARS - 1].rstrip() + "…"
    link = next((f.link for f in ordered if f.link), None)
    return ActionView(
        kind=kind,
        title=title,
        target=target(lead, relation),
        detail=lead.remediation,
        severity=lead.severity,
        score=max(f.score for f in ordered),
        subject=lead.subject,
        link=link,
        link_label=f"Open the {item_noun(lead.item.type)} on {platform_label(lead.platform)}",
        locate="" if link else lead.locate,
        excerpt=excerpt,
        findings=tuple(f.anchor for f in ordered),
        anchor="a-" + lead.anchor.removeprefix("f-"),
        change="reappeared" if any(f.change == "reappeared" for f in ordered) else lead.change,
    )
