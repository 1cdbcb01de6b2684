"""Names: normalisation, handles read as names, commonness from the committed tables."""

from __future__ import annotations

import pytest

from auditor import names as nm


@pytest.mark.parametrize("raw, words", [
    ("María González", ("maria", "gonzalez")),
    ("GONZALEZ, Maria", ("maria", "gonzalez")),
    ("Dr. Maria Gonzalez, LCSW", ("maria", "gonzalez")),
    ("Ødegård Ståle", ("odegard", "stale")),
    ("Jean-Luc Picard", ("jean", "luc", "picard")),
    ("", ()),
])
def test_tokens_fold_diacritics_punctuation_order_and_credentials(raw: str, words: tuple[str, ...]) -> None:
    assert nm.tokens(raw) == words


@pytest.mark.parametrize("handle, words", [
    ("maria.gonzalez88", ("maria", "gonzalez")),
    ("@Maria_Gonzalez", ("maria", "gonzalez")),
    ("MariaGonzalez", ("maria", "gonzalez")),
    ("maria@mastodon.social", ("maria",)),
    ("mariagonzalez", ("mariagonzalez",)),
])
def test_handle_tokens(handle: str, words: tuple[str, ...]) -> None:
    assert nm.handle_tokens(handle) == words


def test_compact_and_split_of_run_together_handles() -> None:
    assert nm.compact("maria.gonzalez88") == nm.compact("María González") == "mariagonzalez"
    assert nm.split_compact("mariagonzalez")[0] == ("maria", "gonzalez")
    assert nm.split_compact("zzqx") == ()


def test_tables_are_loaded_and_cited() -> None:
    assert nm.surnames().count("smith") > 2_000_000
    assert nm.first_names().count("john") > 1_000_000
    # Missing names count half the floor: rare.
    assert nm.surnames().count("lindqvist") == nm.surnames().floor // 2
    readme = (nm.DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert "Census" in readme and "Social Security" in readme and "public domain" in readme


def test_john_smith_is_common_and_kwame_lindqvist_rare() -> None:
    common = nm.expected_people("john", "smith")
    rare = nm.expected_people("kwame", "lindqvist")
    assert common > 10_000
    assert rare < 1
    assert nm.commonness_weight(common) < 0 < nm.commonness_weight(rare)


def test_an_initial_and_a_surname_is_far_more_common_than_the_full_name() -> None:
    assert nm.expected_people("m", "gonzalez") > 10 * nm.expected_people("maria", "gonzalez")


def test_reversed_words_are_read_as_first_name_and_surname() -> None:
    assert nm.first_last(("gonzalez", "maria")) == ("maria", "gonzalez")
    assert nm.first_last(("maria", "jose", "gonzalez")) == ("maria", "gonzalez")
