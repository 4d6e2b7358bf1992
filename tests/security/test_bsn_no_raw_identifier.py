"""Issue 10 section 3: no raw BSN reaches the disk, whatever column or form it is written in.

The attack: BSNs planted in every column of every file of a small dataset (and in header names, an
unknown column and a malformed line), in every form a municipal export produces: 9 digits, 8 digits
whose leading zero a spreadsheet dropped, `123.456.782`, `123 456 782`, `123-456-782`,
`1234.56.782`, and embedded in text. After `geo-tool validate` (JSON and text), nothing on disk or on
the screen holds any planted digits: not the cache (raw bytes and every decoded Parquet cell),
not rejects.csv, not stdout/stderr, not the log files in GEO_TOOL_HOME.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from shapely.geometry import box

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def make_bsn(first8: str) -> str:
    """A 9-digit number passing the 11-test, from its first 8 digits (None when no check digit fits)."""
    check = sum(int(c) * w for c, w in zip(first8, WEIGHTS)) % 11
    if check == 10:
        raise ValueError(first8)
    return first8 + str(check)


def _bsns(n: int, start: int, leading_zero: bool = False) -> list[str]:
    out = []
    i = start
    while len(out) < n:
        first8 = f"{i:08d}" if not leading_zero else "0" + f"{i:07d}"
        i += 7919
        try:
            out.append(make_bsn(first8))
        except ValueError:
            continue
    return out


class Planter:
    """Hands out a fresh BSN in the next form for every cell; remembers what to search for."""

    FORMS = ("plain", "zero_dropped", "dots", "spaces", "dashes", "four_two_three")

    def __init__(self) -> None:
        self.plain = iter(_bsns(400, 12_345_671))
        self.zero = iter(_bsns(100, 1_234_567, leading_zero=True))
        self.i = 0
        self.needles: set[str] = set()

    def __call__(self, form: str | None = None) -> str:
        form = form or self.FORMS[self.i % len(self.FORMS)]
        self.i += 1
        b = next(self.zero) if form == "zero_dropped" else next(self.plain)
        text = {
            "plain": b,
            "zero_dropped": b[1:],
            "dots": f"{b[:3]}.{b[3:6]}.{b[6:]}",
            "spaces": f"{b[:3]} {b[3:6]} {b[6:]}",
            "dashes": f"{b[:3]}-{b[3:6]}-{b[6:]}",
            "four_two_three": f"{b[:4]}.{b[4:6]}.{b[6:]}",
        }[form]
        self.needles |= {b, text, b.lstrip("0")}
        return text


BU = ["BU05990101", "BU05990201"]
ADDR = [f"05992000000000{i:02d}" for i in range(1, 5)]


def _plant_csv(header: list[str], good: list[str], plant: Planter, embed: dict[str, str] | None = None,
               ids: dict[str, str] | None = None) -> str:
    """The good row, then one row per column with a BSN in that column (embedded in text columns).

    `ids` gives id columns a unique value per row (a template with `{}` for the row number, so a
    planted row is not a duplicate); `embed` maps a column to a text template with `{}` for the BSN.
    """
    embed = embed or {}
    ids = ids or {}
    rows = [good]
    for k, col in enumerate(header):
        row = list(good)
        for c, template in ids.items():
            row[header.index(c)] = template.format(k + 1)
        b = plant()
        row[k] = embed[col].format(b) if col in embed else b
        rows.append(row)
    for j, form in enumerate(Planter.FORMS):  # every form embedded in the first text column too
        row = list(good)
        for c, template in ids.items():
            row[header.index(c)] = template.format(len(header) + j + 1)
        if embed:
            col = next(iter(embed))
            row[header.index(col)] = embed[col].format(plant(form))
        rows.append(row)
    return "\n".join(",".join(f'"{v}"' if "," in v else v for v in r) for r in [header, *rows]) + "\n"


def build_planted_dataset(root: Path, plant: Planter) -> Path:
    """A small dataset folder (two wijken) with BSNs planted everywhere."""
    root.mkdir(parents=True)
    geb = gpd.GeoDataFrame(
        {"code": ["WK059901", "WK059902", plant()], "name": [f"Charlois {plant()}", "Feijenoord", "x"],
         "notitie": [f"zie {plant()}", plant(), ""], "teller": [int(plant("plain")), 3, 4]},
        geometry=[box(91000, 434500, 92000, 435500), box(92000, 434500, 93000, 435500),
                  box(93000, 434500, 94000, 435500)], crs=28992)
    wij = gpd.GeoDataFrame(
        {"code": [BU[0], BU[1], plant()], "name": ["Oud-Charlois", f"Carnisse {plant()}", "y"],
         "gebied_code": ["WK059901", plant(), "WK059902"], "residents": [1200, int(plant("plain")), 5],
         "opmerking": [plant(), f"bsn {plant('dots')}", "z"]},
        geometry=[box(91000, 434500, 92000, 435500), box(92000, 434500, 93000, 435500),
                  box(93000, 434500, 94000, 435500)], crs=28992)
    geb.to_file(root / "districts.gpkg", layer="gebieden", driver="GPKG")
    wij.to_file(root / "districts.gpkg", layer="wijken", driver="GPKG")

    files = {
        "addresses.csv": _plant_csv(
            ["address_id", "street", "house_number", "house_letter", "house_number_addition", "postcode",
             "x", "y", "wijk_code", "floor_area_m2", "building_year", "building_id", "bsn"],
            [ADDR[0], "Kerkstraat", "1", "a", "bis", "3081AB", "91500", "435000", BU[0], "85.5", "1930",
             "0599100000000001", "x"],
            plant, embed={"street": "Kerkstraat {}", "house_number_addition": "toev {}"},
            ids={"address_id": "05992000000001{:02d}"}),
        "brp_registrations.csv": _plant_csv(
            ["person_id", "address_id", "registered_from", "registered_until", "nationality_group",
             "birth_year", "rni", f"bsn_{plant('plain')}"],
            ["p1", ADDR[0], "2020-01-01", "", "NL", "1980", "false", "q"], plant),
        "permits.csv": _plant_csv(
            ["address_id", "landlord_id", "status", "valid_from", "valid_until"],
            [ADDR[0], "L1", "granted", "2020-01-01", "2025-01-01"], plant),
        "complaints.csv": _plant_csv(
            ["complaint_id", "received_on", "category", "address_id", "x", "y"],
            ["c1", "2021-05-01", "woonoverlast", ADDR[0], "", ""], plant,
            embed={"category": "overlast van bewoner {}", "complaint_id": "M-{}"}, ids={"complaint_id": "c{}"}),
        "inspections.csv": _plant_csv(
            ["inspection_id", "address_id", "visited_on", "outcome", "violations", "selected_by", "team"],
            ["i1", ADDR[0], "2021-07-01", "violation", "overbewoning", "complaint", "T1"], plant,
            embed={"team": "Team {}", "violations": "overbewoning;{}", "inspection_id": "HB {}"},
            ids={"inspection_id": "i{}"}),
        "interventions.csv": _plant_csv(
            ["wijk_code", "start", "end", "kind", "description"],
            [BU[0], "2021-01-01", "2021-12-31", "handhavingsactie", "Carnisse-aanpak"], plant,
            embed={"description": "melding over {} (zie dossier)", "kind": "actie {}"}),
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    # a malformed line (too many fields) carrying a BSN: never stored either
    with open(root / "permits.csv", "a", encoding="utf-8") as fh:
        fh.write(f"{ADDR[0]},L2,granted,2020-01-01,,{plant()},extra\n")
    return root


def _cli(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo_tool", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def _parquet_cells(path: Path) -> list[str]:
    """Every cell of every column of a Parquet file, decoded, as text (geometry as WKB hex)."""
    table = pq.read_table(path)
    cells = []
    for name in table.column_names:
        col = table.column(name).to_pylist()
        cells.append(name)
        cells += [v.hex() if isinstance(v, bytes) else str(v) for v in col]
    return cells


def _leaks(text: str, needles: set[str]) -> list[str]:
    return sorted(n for n in needles if n in text)


@pytest.fixture
def planted(tmp_path, _isolated_home):
    """The planted dataset, the search needles and the CLI environment (own home and cache)."""
    plant = Planter()
    root = build_planted_dataset(tmp_path / "ds", plant)
    env = dict(os.environ)
    env.setdefault("PYTHONPATH", str(Path(__file__).resolve().parents[2]))  # the tree under test
    return root, plant.needles, env, Path(os.environ["GEO_TOOL_HOME"]), Path(os.environ["GEO_TOOL_CACHE_DIR"])


def test_planted_bsns_reach_no_file_output_or_log(planted, tmp_path):
    """No planted BSN digits appear in the cache (bytes and decoded Parquet cells), rejects.csv, the
    JSON and text summaries, stderr, or any file under GEO_TOOL_HOME; the summary counts what it found."""
    root, needles, env, home, cache = planted
    raw = "".join(p.read_bytes().decode("latin-1") for p in root.iterdir())
    assert len(needles) > 80 and all(n in raw or n.isdigit() for n in needles)  # the attack is really there

    first = _cli(["validate", str(root), "--json"], env)
    assert first.returncode == 1, first.stderr
    second = _cli(["validate", str(root), "--rejects", str(tmp_path / "again.csv")], env)  # from the cache
    assert second.returncode == 1, second.stderr

    for proc in (first, second):
        assert _leaks(proc.stdout + proc.stderr, needles) == []
    for csv in (root / "rejects.csv", tmp_path / "again.csv"):
        assert _leaks(csv.read_text(encoding="utf-8"), needles) == []
    parquet = list(cache.rglob("*.parquet"))
    assert len(parquet) >= 9
    for p in parquet:
        assert _leaks("\n".join(_parquet_cells(p)), needles) == [], p.name
    for p in [*cache.rglob("*"), *home.rglob("*")]:
        if p.is_file():
            assert _leaks(p.read_bytes().decode("latin-1"), needles) == [], p

    summary = json.loads(first.stdout)
    found = {name: f["bsn_found"] for name, f in summary["files"].items()}
    assert set(found["brp_registrations.csv"]) >= {"person_id", "address_id", "registered_from", "registered_until",
                                                   "nationality_group", "birth_year", "rni"}
    assert set(found["inspections.csv"]) >= {"inspection_id", "team", "violations", "outcome", "selected_by"}
    assert set(found["interventions.csv"]) >= {"wijk_code", "kind", "description", "start", "end"}
    assert set(found["complaints.csv"]) >= {"complaint_id", "category", "x,y"}
    assert set(found["addresses.csv"]) >= {"street", "postcode", "x,y", "floor_area_m2", "building_id"}
    assert found["districts.gpkg:wijken"] and found["districts.gpkg:gebieden"]
    assert "BSN-achtige waarde(n) vervangen" in second.stdout


def test_imported_tables_keep_the_rows_but_not_the_bsns(planted):
    """Rows with a BSN in free text are imported with it masked; the same BSN written as
    `123.456.782`, `123 456 782` or with its leading zero dropped gets one and the same pseudonym."""
    from geo_tool.dataset import load_dataset
    from geo_tool.dataset.pseudonym import MASK

    root, needles, _, _, _ = planted
    ds = load_dataset(root)
    for name in ("gebieden", "wijken", "addresses", "brp", "permits", "complaints", "inspections", "interventions"):
        frame = pd.DataFrame(getattr(ds, name)).drop(columns="geometry", errors="ignore")
        assert _leaks(frame.astype("string").to_string(), needles) == [], name
    assert ds.addresses["street"].str.contains(MASK, regex=False).sum() >= 5
    assert ds.interventions["description"].str.contains(MASK, regex=False).any()
    assert (ds.inspections["team"].str.contains(MASK, regex=False)).any()
    assert ds.wijken["opmerking"].str.contains(MASK, regex=False).any()
    assert ds.brp["person_id"].str.startswith("ps-").sum() >= 1

    b = make_bsn("01234567")
    forms = [b, b[1:], f"{b[:3]}.{b[3:6]}.{b[6:]}", f"{b[:3]} {b[3:6]} {b[6:]}", f"{b[:4]}-{b[4:6]}-{b[6:]}"]
    brp = "person_id,address_id,registered_from\n" + "".join(f"{f},{ADDR[0]},2020-0{i + 1}-01\n" for i, f in
                                                           enumerate(forms))
    (root / "brp_registrations.csv").write_text(brp, encoding="utf-8")
    ds = load_dataset(root)
    assert ds.brp["person_id"].nunique() == 1 and ds.brp["person_id"].iloc[0].startswith("ps-")
    assert len(ds.brp) == len(forms)


def test_unknown_complaint_category_kept_as_overig_text_not_stored(tmp_path):
    """An unknown category becomes `overig`; its line in rejects.csv is `repaired` and carries the
    keyed hash of the text (equal texts, equal hashes), never the text; the summary counts it."""
    from geo_tool.dataset import load_dataset, summary_json
    from geo_tool.dataset.pseudonym import MASK

    root = build_planted_dataset(tmp_path / "ds", Planter())
    secret = "Buurman J. de Vries belt steeds"
    (root / "complaints.csv").write_text(
        "complaint_id,received_on,category,address_id\n"
        f"c1,2021-05-01,GELUID,{ADDR[0]}\nc2,2021-05-02,{secret},{ADDR[0]}\nc3,2021-05-03,{secret},{ADDR[0]}\n",
        encoding="utf-8")
    ds = load_dataset(root)
    assert list(ds.complaints["category"]) == ["geluid", "overig", "overig"]
    rej = ds.report.rejects
    lines = rej[(rej["file"] == "complaints.csv") & (rej["column"] == "category")]
    assert list(lines["action"]) == ["repaired", "repaired"] and list(lines["row"]) == [2, 3]
    assert lines["value"].iloc[0] == lines["value"].iloc[1] and lines["value"].iloc[0].startswith("ps-")
    assert secret not in rej.to_string() and "Vries" not in json.dumps(summary_json(ds.report))
    assert summary_json(ds.report)["files"]["complaints.csv"]["values_repaired"] == 2
    assert MASK not in set(ds.complaints["category"])


@pytest.mark.parametrize("value", [
    "0599200000000001",       # 16-digit BAG id
    "3081AB", "3081 AB",      # postcodes
    "2021-04-01", "2021-04-01T10:15:00+02:00",  # dates
    "P00680959",              # the demo's person ids: a letter and 8 digits
    "L2777982", "C0000001",   # landlord and complaint ids
    "1112223330",             # 10 digits
    "123456789",              # 9 digits failing the 11-test
    "ps-0123456789abcdef0123456789abcdef",  # an existing pseudonym is left alone
])
def test_no_false_positives_on_ids_postcodes_dates(value):
    """BAG ids, postcodes, dates, the demo's ids and pseudonyms are never taken for a BSN, in any column."""
    from geo_tool.dataset.pseudonym import scrub_bsn_tokens

    for mode in ("mask", "hash"):
        for numeric in (False, True):
            out, n = scrub_bsn_tokens(pd.Series([value, f"tekst {value} tekst"], dtype="string"), mode, numeric)
            assert n == 0 and list(out) == [value, f"tekst {value} tekst"]


@pytest.mark.parametrize("value", ["91500.123456789", "435000,123456782", "51.891234567", "4.123456782", "-4,0123456782"])
def test_no_false_positives_on_coordinates_with_many_decimals(value):
    """In number and coordinate columns, digits after a decimal separator are decimals, never a BSN."""
    from geo_tool.dataset.pseudonym import scrub_bsn_tokens

    out, n = scrub_bsn_tokens(pd.Series([value], dtype="string"), "mask", numeric=True)
    assert n == 0 and list(out) == [value]


def test_coordinates_and_dates_of_a_good_dataset_are_unchanged(tmp_path):
    """Coordinates whose decimals pass the 11-test, BAG ids, postcodes, ISO dates with a time zone and
    the demo's person ids are imported as given: no BSN reported, the point where the file says."""
    from geo_tool.dataset import load_dataset

    root = build_planted_dataset(tmp_path / "ds", Planter())
    x, y = f"91500.{make_bsn('12345678')}", f"435000.{make_bsn('87654321')}"
    (root / "addresses.csv").write_text(f"address_id,postcode,x,y\n{ADDR[0]},3081 AB,{x},{y}\n", encoding="utf-8")
    (root / "brp_registrations.csv").write_text(
        "person_id,address_id,registered_from,registered_until\n"
        f"P00680959,{ADDR[0]},2021-04-01T10:15:00+02:00,2022-01-01\n", encoding="utf-8")
    ds = load_dataset(root)
    assert ds.report.files["addresses.csv"].bsn_found == {} and ds.report.files["brp_registrations.csv"].bsn_found == {}
    assert list(ds.brp["person_id"]) == ["P00680959"] and list(ds.addresses["address_id"]) == [ADDR[0]]
    assert ds.addresses["postcode"].iloc[0] == "3081AB"
    assert ds.addresses.geometry.iloc[0].x == float(x) and ds.addresses.geometry.iloc[0].y == float(y)


def test_every_form_is_found_and_counted():
    """Each BSN form is replaced: masked in text, hashed in ids; the count is the number of tokens."""
    from geo_tool.dataset.pseudonym import MASK, scrub_bsn_tokens

    b = make_bsn("11122233")
    z = make_bsn("01234567")
    cells = [b, z[1:], f"{b[:3]}.{b[3:6]}.{b[6:]}", f"{b[:3]} {b[3:6]} {b[6:]}", f"{b[:3]}-{b[3:6]}-{b[6:]}",
             f"{b[:4]}.{b[4:6]}.{b[6:]}", f"bsn:{b}, en {z[1:]}.", f"X{b}"]
    out, n = scrub_bsn_tokens(pd.Series(cells, dtype="string"), "mask")
    assert n == 9 and not any(b in c or z[1:] in c for c in out)
    assert list(out[:6]) == [MASK] * 6 and out.iloc[6] == f"bsn:{MASK}, en {MASK}."
    hashed, n = scrub_bsn_tokens(pd.Series(cells[:6], dtype="string"), "hash")
    assert n == 6 and hashed.str.fullmatch(r"ps-[0-9a-f]{32}").all()
    assert hashed.iloc[0] == hashed.iloc[2] == hashed.iloc[5] and hashed.iloc[0] != hashed.iloc[1]
    assert np.all(scrub_bsn_tokens(hashed, "hash")[0] == hashed)  # idempotent


def test_bsn_in_the_fraction_of_a_valid_timestamp_is_not_kept(tmp_path):
    """A valid ISO timestamp whose fraction of a second is 9 digits passing the 11-test is imported
    to the second: those digits are not stored."""
    from geo_tool.dataset import load_dataset

    root = build_planted_dataset(tmp_path / "ds", Planter())
    b = make_bsn("12345678")
    (root / "brp_registrations.csv").write_text(
        f"person_id,address_id,registered_from\np1,{ADDR[0]},2021-04-01T10:15:00.{b}\n", encoding="utf-8")
    ds = load_dataset(root)
    assert list(ds.brp["registered_from"]) == [pd.Timestamp("2021-04-01 10:15:00")]
    assert b not in ds.brp.to_string()
