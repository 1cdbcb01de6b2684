"""The identifiability mosaic: a documented sum of named components, each raising the score."""

from __future__ import annotations

import pytest

from auditor.analyzer.engine import scan_text
from auditor.analyzer.mosaic import COMPONENTS, LABEL_PREFIX, mosaic, tier
from auditor.findings import Severity

BASE = "My client told me something that stuck with me"
#: One clause per component, each adding only that component to BASE.
VARIANTS = {
    "direct identifier": BASE + ", Gary.",
    "exact date": BASE + " on March 14.",
    "time anchor": BASE + " today.",
    "age": BASE + "; she is 15yo.",
    "occupation": BASE + "; she's a nurse.",
    "place": BASE + " at Lincoln High.",
    "named event": BASE + " about the layoffs.",
    "relative": BASE + " about her husband.",
}


def client_reference(text: str):
    [finding] = [f for f in scan_text(text, role="professional") if f.rule_id == "client-reference"]
    return finding


def test_every_component_is_documented_and_tested():
    assert {c.name for c in COMPONENTS} == set(VARIANTS)
    assert all(c.weight > 0 and c.doc for c in COMPONENTS)


def test_base_text_has_no_component():
    assert mosaic(BASE).contributions == ()


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_each_component_raises_the_score(name):
    base = client_reference(BASE)
    with_component = client_reference(VARIANTS[name])
    labels = {c.label for c in with_component.contributions}
    assert LABEL_PREFIX + name in labels
    weight = next(c.weight for c in COMPONENTS if c.name == name)
    assert with_component.score == pytest.approx(base.score + weight)
    assert sum(c.weight for c in with_component.contributions) == with_component.score


def test_tiers_follow_the_reference():
    assert tier({"direct identifier"}) is Severity.CRITICAL
    assert tier({"time anchor", "age"}) is Severity.HIGH
    assert tier({"occupation", "place"}) is Severity.HIGH
    assert tier({"time anchor"}) is None
    assert client_reference(BASE).severity is Severity.MEDIUM
    assert client_reference(BASE + " today; she's a nurse.").severity is Severity.HIGH
    assert client_reference(VARIANTS["direct identifier"]).severity is Severity.CRITICAL


def test_spanish_components():
    found = mosaic("Hoy vino un señor de 80 años; su esposa murió y trabaja de enfermera.").names
    assert {"time anchor", "age", "relative", "occupation"} <= found


def test_spanish_trades_and_events():
    found = mosaic("Mi paciente es carpintero y llegó feliz de la graduación de su hija.").names
    assert {"occupation", "named event", "relative"} <= found
    assert "occupation" in mosaic("El señor de los sábados es mecánico.").names
    assert "named event" not in mosaic("Me gradué hace años y sigo estudiando.").names


def test_spelled_out_ages():
    assert "age" in mosaic("Hired the nineteen-year-old from my skills group.").names
    assert "age" in mosaic("Forty-one-year-old band director, two kids.").names
    assert "age" not in mosaic("A year old laptop and a forty minute drive.").names
