"""The owner's Instagram (and Threads) profile, read from localised `personal_information.json`.

`string_map_data` labels are written in the account's language and are mojibake'd like the rest
(2022 French export: "Compte privÃ©", "Nom dâ€™utilisateur"; export-formats.md §3.2). Labels are
matched after repair, case- and accent-folded (`fold`), against the tables below; the private
flag falls back to any label containing "priv" whose value reads as a boolean.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.records import AccountRecord
from connectors._meta import fold, label_values, map_lookup, parse_flag, string_map, text_of

# Folded labels: English, French, German, Spanish, Portuguese (BR and PT), Italian.
USERNAME = frozenset({"username", "user name", "nom d'utilisateur", "nom de profil", "benutzername",
                      "nombre de usuario", "nome de usuario", "nome de utilizador", "nome utente"})
NAME = frozenset({"name", "full name", "nom", "nom complet", "vollstandiger name", "nombre",
                  "nombre completo", "nome", "nome completo"})
BIO = frozenset({"bio", "biography", "biographie", "biografia", "steckbrief", "biografie"})
WEBSITE = frozenset({"website", "site web", "webseite", "sitio web", "site", "sito web"})
PRIVATE = frozenset({"private account", "compte prive", "privates konto", "cuenta privada",
                     "conta privada", "account privato", "privat", "konto privat"})
ACCOUNT_TYPE = frozenset({"account type", "type de compte", "kontotyp", "kontoart",
                          "tipo de cuenta", "tipo de conta", "tipo di account"})


def _entries(item: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """A profile item's labelled entries, from the legacy `string_map_data` or the 2024+
    `label_values` dialect (turned into the same {label: {"value": ...}} form)."""
    smap = string_map(item)
    if smap:
        return smap
    return {label: {"value": value} for label, value in label_values(item).items()}


def _value(entries: Mapping[str, Mapping[str, Any]], labels: frozenset[str]) -> str | None:
    entry = map_lookup(entries, labels)
    if entry is None:
        return None
    return text_of(entry.get("value")) or None


def private_flag(entries: Mapping[str, Mapping[str, Any]]) -> bool | None:
    """The "Private Account" flag in any of its localised labels and boolean spellings."""
    entry = map_lookup(entries, PRIVATE)
    if entry is not None:
        return parse_flag(entry.get("value"))
    for label, entry in entries.items():
        if "priv" in fold(label):
            flag = parse_flag(entry.get("value"))
            if flag is not None:
                return flag
    return None


def profile_item(data: Any, *keys: str) -> Mapping[str, Any]:
    """The profile object: `{"profile_user": [item]}` (Instagram), `{"text_post_app_text_post_app_
    profile": [item] | item}` (Threads), or a bare item or list."""
    value: Any = data
    if isinstance(data, Mapping):
        for key in keys:
            if key in data:
                value = data[key]
                break
        else:
            lists = [v for v in data.values() if isinstance(v, (list, Mapping))]
            if "string_map_data" not in data and "label_values" not in data and len(lists) == 1:
                value = lists[0]
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, Mapping)), {})
    return value if isinstance(value, Mapping) else {}


def account_from_profile(platform: str, item: Mapping[str, Any], *, private: bool | None = None,
                         fallback_handle: str | None = None) -> AccountRecord:
    """A profile item → AccountRecord. Instagram exports carry no account id: `native_id` None."""
    entries = _entries(item)
    handle = _value(entries, USERNAME) or fallback_handle
    flag = private_flag(entries)
    website = _value(entries, WEBSITE)
    account_type = _value(entries, ACCOUNT_TYPE)
    base = "https://www.threads.com/@" if platform == "threads" else "https://www.instagram.com/"
    return AccountRecord(platform, None, handle=handle, display_name=_value(entries, NAME),
                         bio=_value(entries, BIO), website=website,
                         links=(website,) if website else (),
                         private=flag if flag is not None else private,
                         account_type=account_type.casefold() if account_type else None,
                         url=f"{base}{handle}" if handle else None)


def privacy_from_history(data: Any) -> bool | None:
    """The latest switch in `profile_privacy_changes.json`
    (`{"account_history_account_privacy_history":[{"title","string_map_data":{"Time":{...}}}]}`):
    True when it went private. The title is localised; "priv" / "publi" / "offentlich" decide."""
    if isinstance(data, Mapping):
        data = data.get("account_history_account_privacy_history")
    candidates = data if isinstance(data, list) else []
    latest: tuple[float, bool] | None = None
    for row in candidates:
        if not isinstance(row, Mapping):
            continue
        title = fold(text_of(row.get("title")))
        if "priv" in title:
            state = True
        elif "publi" in title or "offentlich" in title:
            state = False
        else:
            continue
        stamps = [e.get("timestamp") for e in string_map(row).values()]
        stamps += [e.get("timestamp") for e in row.get("string_list_data") or []
                   if isinstance(e, Mapping)]
        when = max((t for t in stamps if isinstance(t, (int, float))), default=0)
        if latest is None or when >= latest[0]:
            latest = (when, state)
    return latest[1] if latest else None

