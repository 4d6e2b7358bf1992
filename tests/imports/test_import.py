"""`geo-tool import`: contract files out of exports, rejects never silent, the demo round trip, DCMR."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from geo_tool.cli import main
from geo_tool.dataset import load_dataset
from geo_tool.demo.exported import write_exports
from geo_tool.imports import import_export


@pytest.fixture(scope="module")
def exported(small_demo, tmp_path_factory):
    """A copy of the small demo with its `exports/` written (as `demo --as-exported` does)."""
    root = tmp_path_factory.mktemp("exported") / "dataset"
    shutil.copytree(small_demo, root)
    write_exports(root, seed=1)
    return root


@pytest.fixture(scope="module")
def reimported(exported, tmp_path_factory):
    """The three exports imported with their shipped profiles into a new folder (addresses from the demo)."""
    into = tmp_path_factory.mktemp("reimported") / "dataset"
    outcomes = {}
    for name in ("brp-gba", "meldingen-signalen", "vergunningen-tekstadres"):
        outcomes[name] = import_export(exported / "exports" / f"{name}.csv", name, into, addresses=exported)
    return into, outcomes


def test_list_profiles_prints_the_shipped_names(capsys):
    """`geo-tool import --list-profiles` prints brp-gba, meldingen-signalen, vergunningen-tekstadres and dcmr-2011."""
    assert main(["import", "--list-profiles"]) == 0
    out = capsys.readouterr().out
    for name in ("brp-gba", "meldingen-signalen", "vergunningen-tekstadres", "dcmr-2011"):
        assert name in out


def test_every_row_is_written_or_in_rejects(reimported):
    """rows read = rows written + rows rejected by the import (unmatched rows are in rejects.csv with a reason)."""
    into, outcomes = reimported
    rejects = pd.read_csv(into / "rejects.csv", dtype=str, keep_default_na=False)
    for name, o in outcomes.items():
        lines = rejects[(rejects["file"] == f"{name}.csv") & (rejects["action"] == "rejected")]
        assert o.rows_read == o.rows_written + lines["row"].nunique()
        assert o.methods.get("unmatched", 0) == (lines["reason"].str.startswith("address not found")).sum()


def test_rejects_never_hold_a_bsn(reimported):
    """The GBA extract's BSNs never reach rejects.csv (only the typed address is shown)."""
    into, _ = reimported
    rejects = pd.read_csv(into / "rejects.csv", dtype=str, keep_default_na=False)
    assert not rejects["value"].str.fullmatch(r"\d{9}").any()


def test_every_row_records_how_it_matched(reimported):
    """import_matches_<table>.csv has one line per source row with its method (exact, normalised, street,
    nearest Xm, unmatched)."""
    into, outcomes = reimported
    m = pd.read_csv(into / "import_matches_complaints.csv", dtype=str, keep_default_na=False)
    assert len(m) == outcomes["meldingen-signalen"].rows_read
    assert m["method"].str.fullmatch(r"exact|normalised|street|nearest \d+m|unmatched|point").all()


def test_match_methods_are_reported(reimported):
    """The GBA extract matches by id (exact) and by spelled postcodes (normalised); GBA dates with 00 are repaired."""
    _, outcomes = reimported
    gba = outcomes["brp-gba"]
    assert gba.methods["exact"] > 0 and gba.methods["normalised"] > 0
    assert gba.repaired_dates > 0
    sig = outcomes["meldingen-signalen"]
    assert {"exact", "normalised", "street", "nearest"} <= set(sig.methods)
    assert outcomes["vergunningen-tekstadres"].methods.get("normalised", 0) > 0


def _wijk_counts(ds, table: str) -> pd.Series:
    frame = getattr(ds, table)
    wijk = frame["address_id"].map(ds.addresses.set_index("address_id")["wijk_code"])
    if "wijk_code" in frame.columns:
        wijk = wijk.fillna(frame["wijk_code"])
    return wijk.value_counts()


def test_round_trip_figures_equal_within_the_unmatched_share(small_demo, reimported):
    """Importing the demo's exports gives per-wijk counts of register spells, complaints and permits that
    differ from the original by no more than the share the import reports as not placed (plus 1%)."""
    into, outcomes = reimported
    orig = load_dataset(small_demo)
    back = load_dataset(into)
    for table, name in (("brp", "brp-gba"), ("complaints", "meldingen-signalen"), ("permits", "vergunningen-tekstadres")):
        o = outcomes[name]
        lost = 1 - o.rows_written / o.rows_read
        a, b = _wijk_counts(orig, table), _wijk_counts(back, table)
        a, b = a.align(b, fill_value=0)
        assert (a - b).abs().sum() <= (lost + 0.01) * a.sum(), (table, (a - b).abs().sum(), lost)
        assert len(getattr(back, table)) == o.rows_written - (back.report.files[f"{o.table}.csv"].rows_rejected)
    # the GBA dates: same registrations on the reference date (repaired starts move by < 1 month)
    ref = pd.Timestamp("2023-06-30")
    alive = lambda d: ((d.brp["registered_from"] <= ref) & (d.brp["registered_until"].isna() | (d.brp["registered_until"] > ref))).sum()  # noqa: E731
    assert abs(alive(orig) - alive(back)) <= 0.01 * alive(orig)


def test_cli_exit_codes(exported, tmp_path):
    """Exit 1 with rejects, 2 for a profile that does not fit the file (a mapped column missing)."""
    into = tmp_path / "ds"
    code = main(["import", str(exported / "exports" / "vergunningen-tekstadres.csv"), "--profile",
                 "vergunningen-tekstadres", "--into", str(into), "--addresses", str(exported)])
    assert code == 1 and (into / "permits.csv").exists() and (into / "import_report_permits.json").exists()
    code = main(["import", str(exported / "exports" / "vergunningen-tekstadres.csv"), "--profile", "brp-gba",
                 "--into", str(tmp_path / "other"), "--addresses", str(exported)])
    assert code == 2


def test_profile_cannot_write_outside_into(exported, tmp_path):
    """Whatever the profile says, the import writes only into --into (file names follow the table)."""
    into = tmp_path / "ds"
    before = set(tmp_path.iterdir())
    import_export(exported / "exports" / "vergunningen-tekstadres.csv", "vergunningen-tekstadres", into,
                  addresses=exported)
    assert set(tmp_path.iterdir()) - before == {into}
    assert {p.name for p in into.iterdir()} <= {"permits.csv", "rejects.csv", "addresses.gpkg", "districts.gpkg",
                                                "import_report_permits.json", "import_report_permits.txt",
                                                "import_matches_permits.csv"}


def test_profile_new_drafts_a_loadable_profile(exported, tmp_path, capsys):
    """`geo-tool profile new` on the GBA extract drafts a profile that imports the file."""
    out = tmp_path / "draft.toml"
    assert main(["profile", "new", str(exported / "exports" / "brp-gba.csv"), "--out", str(out)]) == 0
    o = import_export(exported / "exports" / "brp-gba.csv", out, tmp_path / "ds", addresses=exported, write=False)
    assert o.table == "brp_registrations" and o.methods["exact"] > 0


def test_dcmr_file_imports_at_pc4_level(shared_data, small_demo, tmp_path):
    """The real DCMR file imports through `dcmr-2011`: complaints without a house number are placed at
    their PC4 point, marked `pc4`, counted in the report, and those inside the demo's wijken load."""
    into = tmp_path / "ds"
    shutil.copytree(small_demo, into)
    o = import_export(shared_data / "dcmr_milieuklachten_2011_rotterdam.csv", "dcmr-2011", into)
    assert o.rows_read == 8773
    assert o.methods["pc4"] == o.area_level > 8700
    written = pd.read_csv(into / "complaints.csv", dtype=str, keep_default_na=False)
    assert (written["location_level"] == "pc4").sum() == o.area_level
    assert (written["address_id"] == "").all()
    ds = load_dataset(into)
    assert len(ds.complaints) > 0 and ds.complaints["wijk_code"].notna().all()
    assert "niet op adresniveau" in o.summary()
    from geo_tool.layers import Level, TimeWindow, layer_from_spec

    per_wijk = layer_from_spec("complaints:complaint_count", ds).aggregate(TimeWindow("2011-01-01", "2011-12-31"),
                                                                             Level.WIJK)
    assert per_wijk["complaint_count"].sum() == len(ds.complaints)  # they count in the area layer
    # ... but they are no address-level location: kept as `pc4`, never drawn as points or in a density
    assert (ds.complaints["location_level"] == "pc4").sum() == len(ds.complaints)
    layer = layer_from_spec("complaints:points", ds).layer
    assert len(layer.points(TimeWindow("2011-01-01", "2011-12-31"))) == 0
    counts, _ = layer.cell_counts(TimeWindow("2011-01-01", "2011-12-31"), cell_m=100.0)
    assert counts.sum() == 0


def test_demo_as_exported_writes_three_exports_that_fit_their_profiles(tmp_path):
    """`geo-tool demo --as-exported` writes exports/brp-gba.csv, meldingen-signalen.csv and
    vergunningen-tekstadres.csv, each holding every column its shipped profile reads."""
    from geo_tool.imports.importer import read_source
    from geo_tool.imports.profile import load_profile

    out = tmp_path / "demo"
    assert main(["demo", "--size", "small", "--out", str(out), "--as-exported"]) == 0
    for name in ("brp-gba", "meldingen-signalen", "vergunningen-tekstadres"):
        raw = read_source(out / "exports" / f"{name}.csv", load_profile(name))
        assert raw.rows_read > 100 and len(raw.malformed) == 0


def test_code_only_gba_extract_of_eu_moe_persons_imports_as_eu_moe(small_demo, tmp_path):
    """A GBA extract whose 05.10 holds only Tabel 32 codes (as GBA does) brings the demo's EU-MOE residents
    back as EU-MOE (not non-EU), and the whole extract keeps every spell's nationality group."""
    import numpy as np

    import geopandas as gpd

    from geo_tool.demo.exported import gba_extract, write_csv_semicolon

    brp = pd.read_csv(small_demo / "brp_registrations.csv", dtype=str, keep_default_na=False)
    addr = gpd.read_file(small_demo / "addresses.gpkg").drop(columns="geometry")
    extract = gba_extract(brp, addr, np.random.default_rng(3), nationality_as="code")
    assert extract["05.10 nationaliteit"].str.fullmatch(r"\d{4}").all()
    moe = (brp["nationality_group"] == "EU-MOE").to_numpy()
    assert moe.sum() > 50 and extract.loc[moe, "05.10 nationaliteit"].nunique() >= 5
    source = tmp_path / "gba.csv"
    write_csv_semicolon(extract, source)
    into = tmp_path / "ds"
    o = import_export(source, "brp-gba", into, addresses=small_demo)
    back = pd.read_csv(into / "brp_registrations.csv", dtype=str, keep_default_na=False)
    assert len(back) == o.rows_written > 0.9 * len(brp)
    a = brp["nationality_group"].replace("", "unknown").value_counts()
    b = back["nationality_group"].replace("", "unknown").value_counts()
    a, b = a.align(b, fill_value=0)
    assert (a - b).abs().sum() <= len(brp) - len(back)
    assert b["EU-MOE"] >= 0.9 * a["EU-MOE"]


def test_import_never_overwrites_its_own_source(small_demo, tmp_path):
    """Importing DIR/permits.csv into DIR itself is refused (exit 2) and the export stays as it was."""
    folder = tmp_path / "ds"
    shutil.copytree(small_demo, folder)
    before = (folder / "permits.csv").read_bytes()
    profile = tmp_path / "p.toml"
    profile.write_text('table = "permits"\n[columns]\nstatus = "status"\nvalid_from = "valid_from"\n'
                       '[address]\nid = "address_id"\n', encoding="utf-8")
    assert main(["import", str(folder / "permits.csv"), "--profile", str(profile), "--into", str(folder)]) == 2
    assert (folder / "permits.csv").read_bytes() == before
