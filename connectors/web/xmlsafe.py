"""XML from the network, parsed without DTDs: no entity expansion, no external entities.

Feeds are untrusted input. The stdlib `ElementTree` parser expands internal entities (the
"billion laughs") and `lxml` may not be installed, so feeds are parsed by driving expat directly,
as defusedxml does: any `<!DOCTYPE` or entity declaration is refused before it can be used, and
external entity references are never resolved. RSS and Atom need neither. The result is an
ordinary `xml.etree.ElementTree.Element` with `{namespace}local` tag names.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import NoReturn
from xml.parsers import expat


class UnsafeXML(ValueError):
    """The document declares a DTD or entities, which feeds never need."""


class BadXML(ValueError):
    """The document is not well-formed XML."""


def _name(raw: str) -> str:
    # expat with namespace_separator="}" gives "uri}local"; ElementTree spells it "{uri}local".
    return "{" + raw if "}" in raw else raw


def parse_xml(data: bytes) -> ET.Element:
    """The root element of `data`. Raises UnsafeXML for DTDs and entities, BadXML otherwise."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def refuse(*_: object) -> NoReturn:
        raise UnsafeXML("the document declares a DTD or entities")

    def start(tag: str, attrs: dict[str, str]) -> None:
        builder.start(_name(tag), {_name(k): v for k, v in attrs.items()})

    def end(tag: str) -> None:
        builder.end(_name(tag))

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code)
        raise BadXML(f"not well-formed XML (line {exc.lineno}: {reason})") from None
    except UnsafeXML:
        raise
    except (LookupError, ValueError) as exc:  # an encoding Python does not know, say "UTF28"
        raise BadXML(f"not readable XML ({str(exc)[:80]})") from None
    return builder.close()
