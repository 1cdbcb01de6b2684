"""Loading rule packs: the built-in ones, then user packs (`--rules FILE`) that override them.

Precedence: built-in packs may not share rule ids. A user pack's rule with the id of an earlier
rule replaces it (same place in the order), a new id is appended, and `disable = [...]` turns
rules off after all packs are merged. Disabling an id that no pack defines is an error, because
it is nearly always a typo that would leave a rule running.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from auditor import __version__
from auditor.analyzer.rules.schema import FORMAT, Rule, RulePack, load_pack
from auditor.analyzer.rules.vocab import vocab_digest
from auditor.errors import RulePackError

PACKS_DIR = Path(__file__).resolve().parent / "packs"

__all__ = ["FORMAT", "PACKS_DIR", "Rule", "RulePack", "active_rules", "builtin_pack_paths",
           "load_pack", "load_packs", "rules_version"]


def builtin_pack_paths() -> list[Path]:
    """The built-in pack files, in a stable order (files starting with "_", such as the shared
    vocabulary `_vocab.toml`, are not packs)."""
    return sorted(p for p in PACKS_DIR.glob("*.toml") if not p.name.startswith("_"))


#: Parsed built-in packs by (path, mtime, size): parsing and checking a pack's patterns takes
#: a good part of a second, and one process (a batch, the test suite) audits many times.
_BUILTIN: dict[tuple[str, int, int], RulePack] = {}


def _builtin_pack(path: Path) -> RulePack:
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    pack = _BUILTIN.get(key)
    if pack is None:
        pack = _BUILTIN[key] = load_pack(path, builtin=True)
    return pack


def load_packs(extra_files: Iterable[Path | str] = (), *, builtin: bool = True) -> list[RulePack]:
    """The built-in packs (unless `builtin=False`) followed by `extra_files`, each validated.
    Built-in packs are parsed once per process (and again if their file changes); a user's
    packs are read every time."""
    packs = [_builtin_pack(p) for p in builtin_pack_paths()] if builtin else []
    packs.extend(load_pack(Path(p)) for p in extra_files)
    return packs


def active_rules(packs: Sequence[RulePack]) -> list[Rule]:
    """The rules in force after overrides and `disable`, in pack order."""
    rules: dict[str, Rule] = {}
    owner: dict[str, RulePack] = {}
    for pack in packs:
        for rule in pack.rules:
            previous = owner.get(rule.id)
            if previous is not None and previous.builtin and pack.builtin:
                raise RulePackError(f"rule {rule.id!r}: also defined in built-in pack {previous.path.name}",
                                    path=str(pack.path))
            # dict keeps the first insertion position, so an override stays where the rule was.
            rules[rule.id] = rule
            owner[rule.id] = pack
    for pack in packs:
        for rule_id in pack.disable:
            if rule_id not in rules and rule_id not in owner:
                raise RulePackError(f"disable: no rule {rule_id!r} is defined by any loaded pack",
                                    path=str(pack.path))
            rules.pop(rule_id, None)
    return list(rules.values())


def rules_version(packs: Sequence[RulePack]) -> str:
    """Package version plus a short digest of the shared vocabulary, of every loaded pack's
    bytes, in load order, and of the learned cues' model file when they are on (learned.py)."""
    from auditor.analyzer.learned import default_model

    digest = hashlib.sha256(vocab_digest().encode())
    for pack in packs:
        digest.update(pack.digest.encode())
    model = default_model()
    if model is not None:
        digest.update(f"learned:{model.digest}".encode())
    return f"{__version__}+{digest.hexdigest()[:12]}"
