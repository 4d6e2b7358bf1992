"""Tests for load_dataset: the dataset folder contract (CONTRACT.md section 1), good and bad input."""

from __future__ import annotations

import json
import os

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from dataset_builders import ADDR, BRP_CSV, BSN, BU_A, BU_B, write_districts
from geo_tool.dataset import load_dataset, summary_json, summary_text, write_rejects
from geo_tool.errors import UnusableInputError


def rejects_of(ds, file=None):
    r = ds.report.rejects
    return r if file is None else r[r["file"] == file]


def assert_invariant(ds):
    for name, fs in ds.report.files.items():
        assert fs.rows_read == fs.rows_imported + fs.rows_rejected, name


# ------------------------------------------------------------------------------------------ good
def test_good_dataset_imports_everything(make_dataset):
    """A clean dataset imports every row with exit code 0 and typed tables."""
    ds = load_dataset(make_dataset())
    assert ds.report.exit_code == 0
    assert len(ds.addresses) == 4 and len(ds.brp) == 3 and len(ds.complaints) == 2
    assert ds.addresses.crs.to_epsg() == 28992
    assert str(ds.brp["registered_from"].dtype) == "datetime64[ns]"
    assert ds.brp["registered_from"].iloc[0] == pd.Timestamp("2020-01-01")
    assert str(ds.addresses["house_number"].dtype) == "Int64"
    assert str(ds.brp["rni"].dtype) == "boolean"
    assert ds.addresses["address_id"].dtype == "string"
    assert_invariant(ds)


def test_address_wijk_derived_by_point_in_polygon(make_dataset):
    """An address without wijk_code gets the wijk that contains its point (no reject line)."""
    ds = load_dataset(make_dataset())
    a = ds.addresses.set_index("address_id")
    assert a.loc[ADDR[1], "wijk_code"] == BU_A
    assert a.loc[ADDR[3], "wijk_code"] == BU_B


def test_gebied_code_derived_from_wijk_code(make_dataset):
    """wijken.gebied_code missing: derived from the code (BU0599nnmm -> WK0599nn)."""
    ds = load_dataset(make_dataset(districts={"with_gebied_code": False}))
    assert list(ds.wijken["gebied_code"]) == ["WK059901", "WK059902"]
    assert "dwellings" in ds.wijken.columns  # extra district columns are kept


def test_absent_optional_files_give_empty_tables(make_dataset):
    """Absent optional files: empty tables with all contract columns, exit code 0."""
    ds = load_dataset(make_dataset({n: None for n in
                                    ["permits.csv", "complaints.csv", "inspections.csv", "interventions.csv"]}))
    assert ds.report.exit_code == 0
    assert list(ds.permits.columns) == ["address_id", "landlord_id", "status", "valid_from", "valid_until"]
    assert len(ds.complaints) == 0 and "geometry" in ds.complaints.columns
    assert ds.report.files["permits.csv"].present is False


def test_optional_file_with_header_only_is_valid_and_empty(make_dataset):
    """An optional file with a header and no rows is valid and empty (exit 0)."""
    ds = load_dataset(make_dataset({"permits.csv": "address_id,landlord_id,status,valid_from,valid_until\n"}))
    assert len(ds.permits) == 0 and ds.report.exit_code == 0


def test_interventions_accept_wijk_name(make_dataset):
    """interventions.wijk_code may hold a wijk name, matched case- and dash-insensitively."""
    ds = load_dataset(make_dataset())
    assert list(ds.interventions["wijk_code"]) == [BU_A, BU_A]


def test_enums_and_booleans_case_insensitive(make_dataset):
    """GRANTED = granted; booleans accept ja/nee, yes/no, 1/0."""
    permits = f"address_id,status,valid_from\n{ADDR[0]},GRANTED,2020-01-01\n"
    brp = ("person_id,address_id,registered_from,rni\n"
           f"p1,{ADDR[0]},2020-01-01,JA\np2,{ADDR[0]},2020-01-01,yes\np3,{ADDR[0]},2020-01-01,0\n")
    ds = load_dataset(make_dataset({"permits.csv": permits, "brp_registrations.csv": brp}))
    assert ds.permits["status"].iloc[0] == "granted"
    assert list(ds.brp["rni"]) == [True, True, False]
    assert ds.report.exit_code == 0


def test_unknown_columns_ignored_and_listed(make_dataset):
    """Unknown columns are ignored, listed in the summary and never stored (a stray bsn goes nowhere)."""
    brp = f"person_id,address_id,registered_from,BSN \np1,{ADDR[0]},2020-01-01,{BSN}\n"
    ds = load_dataset(make_dataset({"brp_registrations.csv": brp}))
    assert "bsn" not in ds.brp.columns
    assert ds.report.files["brp_registrations.csv"].unknown_columns == ["bsn"]
    assert "bsn" in summary_text(ds.report)


def test_header_case_insensitive_and_stripped(make_dataset):
    """Header names are matched case-insensitively with spaces stripped."""
    brp = f" Person_ID ,ADDRESS_ID, Registered_From\np1,{ADDR[0]},2020-01-01\n"
    ds = load_dataset(make_dataset({"brp_registrations.csv": brp}))
    assert len(ds.brp) == 1 and ds.report.exit_code == 0


# ------------------------------------------------------------------------------------------ missing
def test_required_file_missing_is_unusable(make_dataset):
    """A missing required file raises UnusableInputError naming the file."""
    with pytest.raises(UnusableInputError, match="brp_registrations.csv"):
        load_dataset(make_dataset({"brp_registrations.csv": None}))


def test_missing_required_column_in_required_file_is_unusable(make_dataset):
    """brp without registered_from: unusable (exit 2), message names file and column."""
    brp = f"person_id,address_id\np1,{ADDR[0]}\n"
    with pytest.raises(UnusableInputError, match="brp_registrations.csv.*registered_from") as exc:
        load_dataset(make_dataset({"brp_registrations.csv": brp}))
    assert exc.value.exit_code == 2


def test_addresses_without_location_column_is_unusable(make_dataset):
    """addresses.csv without x,y or lon,lat: unusable."""
    with pytest.raises(UnusableInputError, match="addresses.csv"):
        load_dataset(make_dataset({"addresses.csv": f"address_id,street\n{ADDR[0]},Kerkstraat\n"}))


def test_missing_required_column_in_optional_file_skips_file(make_dataset):
    """permits without status: skipped with one whole-file reject line (exit 1), empty table."""
    ds = load_dataset(make_dataset({"permits.csv": f"address_id,valid_from\n{ADDR[0]},2020-01-01\n"}))
    r = rejects_of(ds, "permits.csv")
    assert len(r) == 1 and pd.isna(r["row"].iloc[0]) and r["column"].iloc[0] == "status"
    assert len(ds.permits) == 0 and ds.report.exit_code == 1


def test_empty_required_file_is_unusable(make_dataset):
    """A 0-byte required file is unusable."""
    with pytest.raises(UnusableInputError, match="brp_registrations.csv.*leeg"):
        load_dataset(make_dataset({"brp_registrations.csv": b""}))


def test_empty_optional_file_is_skipped(make_dataset):
    """A 0-byte optional file is skipped with a whole-file reject line."""
    ds = load_dataset(make_dataset({"complaints.csv": b""}))
    assert len(rejects_of(ds, "complaints.csv")) == 1 and ds.report.exit_code == 1


def test_both_address_files_is_ambiguous(make_dataset):
    """addresses.gpkg and addresses.csv together: ambiguous dataset, unusable."""
    root = make_dataset()
    pts = gpd.GeoDataFrame({"address_id": [ADDR[0]]}, geometry=gpd.points_from_xy([91500], [435000]), crs=28992)
    pts.to_file(root / "addresses.gpkg", layer="addresses")
    with pytest.raises(UnusableInputError, match="dubbelzinnig"):
        load_dataset(root)


def test_districts_without_wijken_is_unusable(make_dataset):
    """districts.gpkg without a wijken layer: unusable."""
    with pytest.raises(UnusableInputError, match="zonder wijken"):
        load_dataset(make_dataset(districts={"wijken_layer": "buurten"}))


def test_addresses_with_no_valid_row_is_unusable(make_dataset):
    """addresses where every row is invalid: unusable."""
    with pytest.raises(UnusableInputError, match="geen geldige rij"):
        load_dataset(make_dataset({"addresses.csv": "address_id,x,y\n123,91500,435000\n"}))


# ------------------------------------------------------------------------------------------ values
@pytest.mark.parametrize("bad", ["31-12-2021", "NA", "2021-02-30", "1899-12-31"])
def test_unparseable_required_date_is_rejected(make_dataset, bad):
    """A required date not in ISO 8601 (or out of range) rejects the row, naming row, column, value."""
    brp = BRP_CSV + f"p9,{ADDR[0]},{bad},,,,\n"
    ds = load_dataset(make_dataset({"brp_registrations.csv": brp}))
    r = rejects_of(ds, "brp_registrations.csv")
    assert len(r) == 1
    assert (r["row"].iloc[0], r["column"].iloc[0], r["value"].iloc[0], r["action"].iloc[0]) == \
        (4, "registered_from", bad, "rejected")
    assert len(ds.brp) == 3
    assert_invariant(ds)


def test_registered_until_before_from_is_rejected(make_dataset):
    """registered_until before registered_from: impossible date order, rejected."""
    brp = BRP_CSV + f"p9,{ADDR[0]},2021-01-01,2020-01-01,,,\n"
    ds = load_dataset(make_dataset({"brp_registrations.csv": brp}))
    r = rejects_of(ds, "brp_registrations.csv")
    assert list(r["column"]) == ["registered_until"] and "datumvolgorde" in r["reason"].iloc[0]
    assert len(ds.brp) == 3


def test_invalid_optional_values_are_blanked(make_dataset):
    """Floor area `groot` or negative, unknown nationality group: row imported, value blanked."""
    addr = ("address_id,x,y,floor_area_m2\n"
            f"{ADDR[0]},91500,435000,groot\n{ADDR[1]},91600,435100,-5\n{ADDR[2]},92500,435000,80\n")
    brp = f"person_id,address_id,registered_from,nationality_group\np1,{ADDR[0]},2020-01-01,Martian\n"
    ds = load_dataset(make_dataset({"addresses.csv": addr, "brp_registrations.csv": brp}))
    assert len(ds.addresses) == 3 and ds.addresses["floor_area_m2"].isna().sum() == 2
    assert ds.brp["nationality_group"].isna().all()
    r = ds.report.rejects
    assert set(r["action"]) == {"blanked"} and len(r) == 3
    assert ds.report.files["addresses.csv"].values_blanked == 2
    assert ds.report.exit_code == 1


def test_na_null_none_are_values_not_missing(make_dataset):
    """`NA`, `NULL`, `None` are values: invalid as numbers (blanked), kept as text."""
    addr = f"address_id,x,y,street,floor_area_m2\n{ADDR[0]},91500,435000,NULL,None\n"
    ds = load_dataset(make_dataset({"addresses.csv": addr}))
    assert ds.addresses["street"].iloc[0] == "NULL"
    assert list(rejects_of(ds, "addresses.csv")["value"]) == ["None"]


def test_duplicate_id_keeps_first(make_dataset):
    """A duplicate address_id: the first occurrence is kept, the second rejected."""
    addr = ADDRESSES_WITH(f"{ADDR[0]},Dup,9,3081AB,92500,435000,,1,2000\n")
    ds = load_dataset(make_dataset({"addresses.csv": addr}))
    r = rejects_of(ds, "addresses.csv")
    assert list(r["row"]) == [5] and "dubbel" in r["reason"].iloc[0]
    assert ds.addresses.set_index("address_id").loc[ADDR[0], "street"] == "Kerkstraat"


def ADDRESSES_WITH(extra: str) -> str:
    from dataset_builders import ADDRESSES_CSV
    return ADDRESSES_CSV + extra


def test_unknown_address_id_is_rejected(make_dataset):
    """A brp row or inspection naming an unknown address is rejected."""
    brp = BRP_CSV + "p9,0599200000009999,2021-01-01,,,,\n"
    ds = load_dataset(make_dataset({"brp_registrations.csv": brp}))
    r = rejects_of(ds, "brp_registrations.csv")
    assert list(r["reason"]) == ["onbekend address_id (niet in het adressenbestand)"] and list(r["row"]) == [4]


def test_complaint_unknown_address_with_location_is_blanked(make_dataset):
    """A complaint with unknown address_id but a valid location: address blanked, location used."""
    c = ("complaint_id,received_on,category,address_id,x,y\n"
         "c1,2021-05-01,Geluid,0599200000009999,92400,435200\n"
         "c2,2021-05-01,afval,0599200000009999,,\n"
         "c3,2021-05-01,afval,,,\n")
    ds = load_dataset(make_dataset({"complaints.csv": c}))
    assert list(ds.complaints["complaint_id"]) == ["c1"]
    assert ds.complaints["category"].iloc[0] == "geluid" and ds.complaints["wijk_code"].iloc[0] == BU_B
    r = rejects_of(ds, "complaints.csv")
    assert list(zip(r["row"], r["action"])) == [(1, "blanked"), (2, "rejected"), (3, "rejected")]
    assert_invariant(ds)


def test_address_wijk_code_disagreeing_is_repaired(make_dataset):
    """An address wijk_code that disagrees with its point is replaced and reported as repaired."""
    addr = f"address_id,x,y,wijk_code\n{ADDR[0]},91500,435000,{BU_B}\n"
    ds = load_dataset(make_dataset({"addresses.csv": addr}))
    assert ds.addresses["wijk_code"].iloc[0] == BU_A
    r = rejects_of(ds, "addresses.csv")
    assert list(r["action"]) == ["repaired"] and r["value"].iloc[0] == BU_B
    assert ds.report.files["addresses.csv"].values_repaired == 1


def test_point_outside_every_wijk_is_rejected(make_dataset):
    """An address whose point lies in no wijk is rejected."""
    ds = load_dataset(make_dataset({"addresses.csv": ADDRESSES_WITH("0599200000000009,X,1,,80000,435000,,,\n")}))
    r = rejects_of(ds, "addresses.csv")
    assert list(r["reason"]) == ["punt ligt buiten elke wijk"] and list(r["row"]) == [5]


# ------------------------------------------------------------------------------------------ locations
def test_csv_with_lon_lat(make_dataset, tmp_path):
    """A CSV with lon,lat (WGS84) is reprojected to RD New."""
    pts = gpd.GeoSeries(gpd.points_from_xy([91500, 92500], [435000, 435000]), crs=28992).to_crs(4326)
    addr = "address_id,lon,lat\n" + "".join(f"{ADDR[i]},{p.x:.8f},{p.y:.8f}\n" for i, p in enumerate(pts))
    ds = load_dataset(make_dataset({"addresses.csv": addr, "brp_registrations.csv": BRP_CSV}))
    assert abs(ds.addresses.geometry.x.iloc[0] - 91500) < 0.5
    assert list(ds.addresses["wijk_code"]) == [BU_A, BU_B]


def test_x_y_wins_over_lon_lat(make_dataset):
    """With both x,y and lon,lat, x,y is used."""
    addr = f"address_id,x,y,lon,lat\n{ADDR[0]},92500,435000,4.45,51.88\n"
    ds = load_dataset(make_dataset({"addresses.csv": addr}))
    assert ds.addresses.geometry.x.iloc[0] == 92500 and ds.addresses["wijk_code"].iloc[0] == BU_B


# ------------------------------------------------------------------------------------------ geopackages
@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_gpkg_without_crs_outside_rd_range_is_unusable(make_dataset, tmp_path):
    """A districts GeoPackage without CRS whose coordinates are not in the RD range: unusable."""
    root = make_dataset()
    gdf = gpd.GeoDataFrame({"code": ["WK1"], "name": ["a"]}, geometry=[box(4.4, 51.8, 4.5, 51.9)])
    (root / "districts.gpkg").unlink()
    gdf.to_file(root / "districts.gpkg", layer="gebieden")
    gdf.assign(code="BU1").to_file(root / "districts.gpkg", layer="wijken")
    with pytest.raises(UnusableInputError, match="geen CRS"):
        load_dataset(root)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_gpkg_without_crs_in_rd_range_is_taken_as_rd(make_dataset):
    """A GeoPackage without CRS but coordinates in the RD range is taken as EPSG:28992 (noted)."""
    ds = load_dataset(make_dataset(districts={"crs": None}))
    assert ds.wijken.crs.to_epsg() == 28992
    assert "aangenomen" in ds.report.files["districts.gpkg:gebieden"].crs


def test_gpkg_with_unknown_crs_is_unusable(make_dataset):
    """A GeoPackage in a CRS that cannot be transformed (engineering CRS) is unusable."""
    wkt = ('ENGCRS["local grid",EDATUM["site"],CS[Cartesian,2],AXIS["x",east,ORDER[1],LENGTHUNIT["metre",1]],'
           'AXIS["y",north,ORDER[2],LENGTHUNIT["metre",1]]]')
    with pytest.raises(UnusableInputError, match="districts.gpkg"):
        load_dataset(make_dataset(districts={"crs": wkt}))


def test_gpkg_in_wgs84_is_reprojected(make_dataset):
    """districts.gpkg in EPSG:4326 is reprojected to EPSG:28992 and the summary says so."""
    ds = load_dataset(make_dataset(districts={"to_crs": 4326}))
    assert ds.wijken.crs.to_epsg() == 28992
    assert abs(ds.wijken.total_bounds[0] - 91000) < 1
    assert "omgezet van" in summary_text(ds.report)
    assert ds.report.exit_code == 0


def test_addresses_geojson_in_wgs84_is_reprojected(make_dataset):
    """addresses.geojson (WGS84) is read and reprojected; its points fall in the right wijken."""
    root = make_dataset({"addresses.csv": None})
    pts = gpd.GeoDataFrame({"address_id": ADDR[:3]},
                           geometry=gpd.points_from_xy([91500, 91600, 92500], [435000, 435100, 435000]),
                           crs=28992).to_crs(4326)
    pts.to_file(root / "addresses.geojson", driver="GeoJSON")
    ds = load_dataset(root)
    assert list(ds.addresses["wijk_code"]) == [BU_A, BU_A, BU_B]
    assert abs(ds.addresses.geometry.x.iloc[0] - 91500) < 0.5


def test_addresses_gpkg_single_layer(make_dataset):
    """addresses.gpkg with one layer of any name is read; ids keep leading zeros."""
    root = make_dataset({"addresses.csv": None})
    pts = gpd.GeoDataFrame({"address_id": ADDR[:3], "house_number": [1, 2, 10]},
                           geometry=gpd.points_from_xy([91500, 91600, 92500], [435000, 435100, 435000]), crs=28992)
    pts.to_file(root / "addresses.gpkg", layer="bag_export")
    ds = load_dataset(root)
    assert list(ds.addresses["address_id"]) == ADDR[:3]
    assert list(ds.addresses["house_number"]) == [1, 2, 10]
    assert "addresses.gpkg:bag_export" in ds.report.files


def test_bowtie_polygon_is_repaired(make_dataset):
    """An invalid (bow-tie) wijk polygon is made valid, noted in the summary, not in rejects."""
    addr = ("address_id,x,y\n"
            f"{ADDR[0]},91200,435000\n{ADDR[1]},91800,435000\n{ADDR[2]},92500,435000\n{ADDR[3]},92600,434900\n")
    ds = load_dataset(make_dataset(districts={"bowtie": True}, files={"addresses.csv": addr}))
    assert ds.wijken.geometry.is_valid.all()
    assert "make_valid" in summary_text(ds.report)
    assert len(rejects_of(ds, "districts.gpkg:wijken")) == 0
    assert list(ds.addresses["wijk_code"]) == [BU_A, BU_A, BU_B, BU_B]
    assert ds.report.exit_code == 0


# ------------------------------------------------------------------------------------------ encodings
def test_windows_1252_file(make_dataset):
    """A Windows-1252 file with `ë` is read as such and the summary says so."""
    addr = f"address_id,street,x,y\n{ADDR[0]},Zuidplëin,91500,435000\n".encode("cp1252")
    ds = load_dataset(make_dataset({"addresses.csv": addr}))
    assert ds.addresses["street"].iloc[0] == "Zuidplëin"
    assert "Windows-1252" in summary_text(ds.report) or "windows-1252" in summary_text(ds.report)


def test_utf16_bom_file(make_dataset):
    """A UTF-16 file with BOM is read."""
    addr = f"address_id,street,x,y\r\n{ADDR[0]},Zuidplëin,91500,435000\r\n".encode("utf-16")
    ds = load_dataset(make_dataset({"addresses.csv": addr}))
    assert ds.addresses["street"].iloc[0] == "Zuidplëin"


def test_utf8_bom_file(make_dataset):
    """A UTF-8 file with BOM: the BOM does not end up in the first header name."""
    addr = f"\ufeffaddress_id,x,y\n{ADDR[0]},91500,435000\n".encode("utf-8")
    ds = load_dataset(make_dataset({"addresses.csv": addr}))
    assert len(ds.addresses) == 1


def test_semicolon_delimiter_with_decimal_comma(make_dataset):
    """`;` delimiter detected; decimal comma accepted; CRLF fine."""
    addr = f"address_id;x;y;floor_area_m2\r\n{ADDR[0]};91500,5;435000;85,5\r\n"
    ds = load_dataset(make_dataset({"addresses.csv": addr}))
    assert ds.addresses["floor_area_m2"].iloc[0] == 85.5
    assert ds.addresses.geometry.x.iloc[0] == 91500.5
    assert ds.report.files["addresses.csv"].delimiter == ";"


# ------------------------------------------------------------------------------------------ malformed
def test_nul_byte_line_is_rejected(make_dataset):
    """A line with a NUL byte is rejected as malformed; other rows import."""
    brp = BRP_CSV + f"p9,{ADDR[0]},2021-01-01\x00,,,,\n"
    ds = load_dataset(make_dataset({"brp_registrations.csv": brp}))
    r = rejects_of(ds, "brp_registrations.csv")
    assert list(r["row"]) == [4] and "NUL" in r["reason"].iloc[0]
    assert len(ds.brp) == 3
    assert_invariant(ds)


def test_too_many_and_too_few_fields_are_rejected(make_dataset):
    """Lines with too many or too few fields are rejected with their row numbers."""
    brp = BRP_CSV + f"p9,{ADDR[0]},2021-01-01,,,,,extra\np10,{ADDR[0]}\n"
    ds = load_dataset(make_dataset({"brp_registrations.csv": brp}))
    r = rejects_of(ds, "brp_registrations.csv")
    assert list(r["row"]) == [4, 5]
    assert "te veel" in r["reason"].iloc[0] and "te weinig" in r["reason"].iloc[1]
    assert_invariant(ds)


def test_blank_lines_skipped_and_counted_in_row_numbers(make_dataset):
    """Blank lines are skipped but count in the numbering: row N is file line N+1."""
    brp = ("person_id,address_id,registered_from\n"
           f"p1,{ADDR[0]},2020-01-01\n\n\r\n"
           f"p2,{ADDR[0]},bad\n")
    ds = load_dataset(make_dataset({"brp_registrations.csv": brp}))
    r = rejects_of(ds, "brp_registrations.csv")
    assert list(r["row"]) == [4]  # line 5 of the file
    fs = ds.report.files["brp_registrations.csv"]
    assert (fs.rows_read, fs.rows_imported, fs.rows_rejected) == (2, 1, 1)


# ------------------------------------------------------------------------------------------ BSN
def test_bsn_person_id_is_pseudonymised_everywhere(make_dataset, tmp_path):
    """A BSN-looking person_id is hashed stably and appears in no cache file, rejects.csv or repr."""
    brp = ("person_id,address_id,registered_from\n"
           f"{BSN},{ADDR[0]},2020-01-01\n"
           f"{BSN},0599200000009999,2020-01-01\n"     # rejected: unknown address, value must be hashed
           f"{BSN},{ADDR[0]},31-12-2021\n")
    permits = f"address_id,landlord_id,status,valid_from\n{ADDR[0]},123456782,granted,2020-01-01\n"
    root = make_dataset({"brp_registrations.csv": brp, "permits.csv": permits})
    ds1 = load_dataset(root)
    ds2 = load_dataset(root, use_cache=False)
    pid = ds1.brp["person_id"].iloc[0]
    assert pid.startswith("ps-") and len(pid) == 35 and pid == ds2.brp["person_id"].iloc[0]
    assert ds1.permits["landlord_id"].iloc[0].startswith("ps-")
    out = tmp_path / "rejects.csv"
    write_rejects(ds1.report, out)
    assert len(ds1.report.rejects) == 2
    texts = [out.read_bytes()]
    for dirpath, _, names in os.walk(os.environ["GEO_TOOL_CACHE_DIR"]):
        texts += [open(os.path.join(dirpath, n), "rb").read() for n in names]
    assert len(texts) > 5
    for blob in texts:
        assert BSN.encode() not in blob and b"123456782" not in blob
    for frame in (ds1.brp, ds1.permits, ds1.report.rejects):
        assert BSN not in repr(frame) and BSN not in frame.to_string()
    assert BSN not in json.dumps(summary_json(ds1.report)) and BSN not in summary_text(ds1.report)


def test_pseudonym_differs_with_another_key(make_dataset, monkeypatch):
    """Another key gives another pseudonym (and another cache entry)."""
    brp = f"person_id,address_id,registered_from\n{BSN},{ADDR[0]},2020-01-01\n"
    root = make_dataset({"brp_registrations.csv": brp})
    a = load_dataset(root).brp["person_id"].iloc[0]
    monkeypatch.setenv("GEO_TOOL_PSEUDONYM_KEY", "another-key")
    b = load_dataset(root).brp["person_id"].iloc[0]
    assert a != b and b.startswith("ps-")


# ------------------------------------------------------------------------------------------ report, cache
def test_rows_read_equals_imported_plus_rejected(make_dataset):
    """For every file rows_read = rows_imported + rows_rejected, also in the JSON summary."""
    brp = BRP_CSV + f"p9,{ADDR[0]},bad,,,,\np10,{ADDR[0]},2020-01-01,,Mars,,\np11\n"
    ds = load_dataset(make_dataset({"brp_registrations.csv": brp}))
    js = summary_json(ds.report)
    for name, f in js["files"].items():
        assert f["rows_read"] == f["rows_imported"] + f["rows_rejected"], name
    f = js["files"]["brp_registrations.csv"]
    assert (f["rows_read"], f["rows_imported"], f["rows_rejected"], f["values_blanked"]) == (6, 4, 2, 1)
    json.dumps(js)


def test_write_rejects_header_only_when_none(make_dataset, tmp_path):
    """rejects.csv is always written; header only when there is nothing to report."""
    ds = load_dataset(make_dataset())
    out = tmp_path / "out" / "rejects.csv"
    write_rejects(ds.report, out)
    assert out.read_text().strip() == "file,row,column,value,reason,action"


def test_cache_hit_returns_equal_frames(make_dataset):
    """A second load comes from the cache and returns equal tables and report."""
    root = make_dataset({"brp_registrations.csv": BRP_CSV + f"p9,{ADDR[0]},bad,,,,\n"})
    ds1 = load_dataset(root)
    ds2 = load_dataset(root)
    assert ds2.report.from_cache and not ds1.report.from_cache
    for name in ["gebieden", "wijken", "addresses", "brp", "permits", "complaints", "inspections", "interventions"]:
        pd.testing.assert_frame_equal(getattr(ds1, name), getattr(ds2, name), check_like=False, obj=name)
    pd.testing.assert_frame_equal(ds1.report.rejects, ds2.report.rejects)
    assert summary_json(ds1.report)["files"] == summary_json(ds2.report)["files"]
    assert ds1.file_hashes == ds2.file_hashes


def test_changed_input_misses_cache(make_dataset):
    """Editing an input file changes the cache key: the new content is imported."""
    root = make_dataset()
    assert len(load_dataset(root).brp) == 3
    (root / "brp_registrations.csv").write_text(BRP_CSV + f"p9,{ADDR[0]},2020-01-01,,,,\n")
    ds = load_dataset(root)
    assert len(ds.brp) == 4 and not ds.report.from_cache


def test_read_only_dataset_folder(make_dataset):
    """load_dataset never writes into the dataset folder (it may be read-only)."""
    root = make_dataset()
    before = sorted(p.name for p in root.iterdir())
    os.chmod(root, 0o555)
    try:
        ds = load_dataset(root)
    finally:
        os.chmod(root, 0o755)
    assert sorted(p.name for p in root.iterdir()) == before and len(ds.addresses) == 4


def test_quoted_fields_path_keeps_rules(make_dataset):
    """Quoted fields (delimiter inside quotes) are parsed; malformed lines and blank-line numbering still hold."""
    insp = ('inspection_id;address_id;visited_on;outcome;violations\r\n'
            f'i1;{ADDR[0]};2021-07-01;VIOLATION;"overbewoning; brp_onjuist"\r\n'
            '\r\n'
            f'i2;{ADDR[0]};2021-07-01;violation;x;too-many\r\n'
            f'i3;{ADDR[2]};2021-07-03;no_access;\r\n')
    addr = ('address_id,street,x,y\n'
            f'{ADDR[0]},"Kerkstraat, achterom",91500,435000\n{ADDR[2]},"Dorpsweg",92500,435000\n')
    ds = load_dataset(make_dataset({"inspections.csv": insp, "addresses.csv": addr}))
    assert ds.addresses["street"].iloc[0] == "Kerkstraat, achterom"
    assert list(ds.inspections["inspection_id"]) == ["i1", "i3"]
    assert ds.inspections["violations"].iloc[0] == "overbewoning;brp_onjuist"
    assert ds.inspections["outcome"].iloc[0] == "violation"
    r = rejects_of(ds, "inspections.csv")
    assert list(r["row"]) == [3] and "te veel" in r["reason"].iloc[0]
    assert_invariant(ds)


def test_looks_like_bsn_eleven_test():
    """looks_like_bsn: 9 digits passing the 11-test, not all zeros; other ids untouched by pseudonymise_ids."""
    from geo_tool.dataset import looks_like_bsn, pseudonymise_ids
    s = pd.Series(["111222333", "123456782", "123456789", "000000000", "p1", "1112223330", None], dtype="string")
    assert list(looks_like_bsn(s)) == [True, True, False, False, False, False, False]
    out = pseudonymise_ids(s)
    assert out.iloc[0].startswith("ps-") and list(out.iloc[2:6]) == ["123456789", "000000000", "p1", "1112223330"]
    assert pseudonymise_ids(s).iloc[0] == out.iloc[0]


def test_key_file_created_with_0600(monkeypatch, tmp_path):
    """Without the env key, a 32-byte key file is created in GEO_TOOL_HOME with mode 0600 and reused."""
    from geo_tool.dataset import pseudonymise_ids
    monkeypatch.delenv("GEO_TOOL_PSEUDONYM_KEY")
    monkeypatch.setenv("GEO_TOOL_HOME", str(tmp_path / "h"))
    a = pseudonymise_ids(pd.Series([BSN], dtype="string")).iloc[0]
    key = tmp_path / "h" / "pseudonym.key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    assert pseudonymise_ids(pd.Series([BSN], dtype="string")).iloc[0] == a
