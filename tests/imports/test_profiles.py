"""Import profiles are user input: parsed strictly, data only, and the shipped ones all load."""

from __future__ import annotations

import pytest

from geo_tool.errors import UnusableInputError, UsageError
from geo_tool.imports.importer import parse_dates
from geo_tool.imports.profile import load_profile, parse_profile, shipped_profiles

import pandas as pd

BASE = {"table": "complaints", "columns": {"complaint_id": "id", "received_on": "datum", "category": "cat"},
        "address": {"postcode": "pc", "number": "nr"}}


def test_shipped_profiles_include_the_four_of_the_issue_and_load():
    """`brp-gba`, `meldingen-signalen`, `vergunningen-tekstadres`, `dcmr-2011` and `generic` are shipped and valid."""
    names = set(shipped_profiles())
    assert {"brp-gba", "meldingen-signalen", "vergunningen-tekstadres", "dcmr-2011", "generic"} <= names
    for name in names:
        assert load_profile(name).name == name


@pytest.mark.parametrize("change, key", [
    ({"colour": "red"}, "colour"),
    ({"columns": {**BASE["columns"], "address_id": "x"}}, "columns.address_id"),
    ({"columns": {**BASE["columns"], "received_on": 5}}, "columns.received_on"),
    ({"table": "addresses"}, "table"),
    ({"dates": {"format": "%Q", "columns": ["received_on"]}}, "dates.format"),
    ({"dates": {"format": "iso", "columns": ["nope"]}}, "dates.columns"),
    ({"address": {"postcode": "pc", "exec": "rm -rf /"}}, "address.exec"),
    ({"address": {"postcode": "pc", "max_distance_m": "far"}}, "address.max_distance_m"),
    ({"values": {"category": {"Lawaai": 3}}}, "values.category.Lawaai"),
])
def test_bad_profile_is_a_one_line_error_naming_the_key(change, key):
    """An unknown key or a wrong type stops with UnusableInputError (exit 2) whose message names the key."""
    with pytest.raises(UnusableInputError) as err:
        parse_profile({**BASE, **change}, "p.toml")
    assert f"'{key}'" in str(err.value) and "\n" not in str(err.value)
    assert err.value.exit_code == 2


def test_unknown_profile_name_is_a_usage_error(tmp_path):
    """A name that is neither shipped nor a file is a usage error listing the shipped names."""
    with pytest.raises(UsageError, match="brp-gba"):
        load_profile(str(tmp_path / "nope.toml"))


def test_profile_file_that_is_not_toml_is_unusable(tmp_path):
    """A broken TOML file is unusable input naming the file."""
    bad = tmp_path / "bad.toml"
    bad.write_text("table = [", encoding="utf-8")
    with pytest.raises(UnusableInputError, match="bad.toml"):
        load_profile(bad)


def test_gba_dates_with_unknown_parts_become_first_day_and_are_marked_repaired():
    """`20230000` -> 2023-01-01 and `20230500` -> 2023-05-01 (repaired); `99991231` is an open end; junk is ''."""
    iso, repaired, open_end = parse_dates(pd.Series(["20230415", "20230000", "20230500", "99991231", "2023xx01"]),
                                          "%Y%m%d", partial=True)
    assert iso.tolist() == ["2023-04-15", "2023-01-01", "2023-05-01", "", ""]
    assert repaired.tolist() == [False, True, True, False, False]
    assert open_end.tolist() == [False, False, False, True, False]


def test_day_month_year_format():
    """`%d-%m-%Y` reads `31-12-2021`; a date in another form is not guessed."""
    iso, _, _ = parse_dates(pd.Series(["31-12-2021", "2021-12-31"]), "%d-%m-%Y", partial=False)
    assert iso.tolist() == ["2021-12-31", ""]


# Landelijke Tabel 32 codes of the EU member states, as published in BRP-API/Haal-Centraal-BRP-bevragen,
# scripts/Tabel32 Nationaliteitentabel.csv (the test's own copy, so a wrong edit of the profile fails it).
EU_TABEL32 = {
    "EU-MOE": {"0072": "Poolse", "0074": "Roemeense", "0053": "Bulgaarse", "0061": "Hongaarse", "0046": "Litouwse",
               "0044": "Letse", "0045": "Estische", "0027": "Slowaakse", "0028": "Tsjechische",
               "0042": "Sloveense", "0043": "Kroatische"},
    "EU-Zuid": {"0077": "Spaanse", "0073": "Portugese", "0064": "Italiaanse", "0059": "Griekse", "0308": "Cyprische",
                "0068": "Maltese"},
    "EU-overig": {"0055": "Burger van de Bondsrepubliek Duitsland", "0052": "Belgische", "0057": "Franse",
                  "0067": "Luxemburgse", "0071": "Oostenrijkse", "0062": "Ierse", "0054": "Deense",
                  "0080": "Zweedse", "0056": "Finse"},
}


def test_brp_gba_maps_tabel_32_codes_and_descriptions_of_every_eu_state():
    """05.10 nationaliteit as a Tabel 32 code or as its description gives the same group: the 26 other EU
    states into EU-MOE / EU-Zuid / EU-overig, 0001/0002 NL, 0000 unknown, a non-EU code (0339 Turkse,
    0499 Staatloos) non-EU."""
    from geo_tool.imports.importer import _apply_values

    values = load_profile("brp-gba").values["nationality_group"]
    codes = {"0001": "NL", "0002": "NL", "0000": "unknown", "0339": "non-EU", "0499": "non-EU", "0131": "non-EU"}
    words = {}
    for group, table in EU_TABEL32.items():
        codes.update({code: group for code in table})
        words.update({word: group for word in table.values()})
    assert len(codes) == 26 + 6
    for given in (codes, words):
        got = _apply_values(pd.Series(list(given)), values)
        assert got.tolist() == list(given.values())
