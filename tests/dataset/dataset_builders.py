"""Hand-built tiny dataset folders: two square wijken in two gebieden (RD New), good CSV texts."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from shapely.geometry import Polygon, box

BU_A, BU_B = "BU05990101", "BU05990201"
ADDR = ["0599200000000001", "0599200000000002", "0599200000000003", "0599200000000004"]
BSN = "111222333"  # passes the 11-test


def make_dataset_folder(root: Path, files: dict | None = None, districts: dict | None = None) -> Path:
    """Write a good dataset folder at `root`, with files replaced (str/bytes) or removed (None)."""
    root.mkdir(parents=True, exist_ok=True)
    write_districts(root / "districts.gpkg", **(districts or {}))
    content = dict(GOOD_FILES)
    content.update(files or {})
    for name, text in content.items():
        if text is None:
            continue
        p = root / name
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8")
    return root


def write_districts(path: Path, *, crs=28992, bowtie: bool = False, wijken_layer: str = "wijken",
                    with_gebied_code: bool = True, to_crs=None) -> Path:
    """Two gebieden (WK059901 west, WK059902 east), each holding one square wijk of 1 km."""
    geb = gpd.GeoDataFrame(
        {"code": ["WK059901", "WK059902"], "name": ["Charlois", "Feijenoord"]},
        geometry=[box(91000, 434500, 92000, 435500), box(92000, 434500, 93000, 435500)],
        crs=crs,
    )
    west = box(91000, 434500, 92000, 435500)
    if bowtie:  # self-intersecting: repaired by make_valid, still covering the point at (91500, 435000)
        west = Polygon([(91000, 434500), (92000, 435500), (92000, 434500), (91000, 435500)])
    wij = gpd.GeoDataFrame(
        {"code": [BU_A, BU_B], "name": ["Oud-Charlois", "Carnisse"], "residents": [1200, 800],
         "dwellings": [600, 400]},
        geometry=[west, box(92000, 434500, 93000, 435500)],
        crs=crs,
    )
    if with_gebied_code:
        wij["gebied_code"] = ["WK059901", "WK059902"]
    if to_crs is not None:
        geb, wij = geb.to_crs(to_crs), wij.to_crs(to_crs)
    if crs is None:
        geb = geb.set_crs(None, allow_override=True)
    geb.to_file(path, layer="gebieden", driver="GPKG")
    wij.to_file(path, layer=wijken_layer, driver="GPKG")
    return path


ADDRESSES_CSV = (
    "address_id,street,house_number,postcode,x,y,wijk_code,floor_area_m2,building_year\n"
    f"{ADDR[0]},Kerkstraat,1,3081AB,91500,435000,{BU_A},85.5,1930\n"
    f"{ADDR[1]},Kerkstraat,2,3081AB,91600,435100,,70,1931\n"
    f"{ADDR[2]},Dorpsweg,10,3083CD,92500,435000,{BU_B},120,1960\n"
    f"{ADDR[3]},Dorpsweg,12,3083CD,92600,434900,{BU_B},,\n"
)

BRP_CSV = (
    "person_id,address_id,registered_from,registered_until,nationality_group,birth_year,rni\n"
    f"p1,{ADDR[0]},2020-01-01,,NL,1980,false\n"
    f"p2,{ADDR[0]},2021-04-01,2022-04-01,EU-MOE,1990,\n"
    f"p3,{ADDR[2]},2019-06-15,,non-EU,1975,nee\n"
)

PERMITS_CSV = (
    "address_id,landlord_id,status,valid_from,valid_until\n"
    f"{ADDR[0]},L1,granted,2020-01-01,2025-01-01\n"
)

COMPLAINTS_CSV = (
    "complaint_id,received_on,category,address_id,x,y\n"
    f"c1,2021-05-01,woonoverlast,{ADDR[0]},,\n"
    "c2,2021-06-01,afval,,92400,435200\n"
)

INSPECTIONS_CSV = (
    "inspection_id,address_id,visited_on,outcome,violations,selected_by,team\n"
    f"i1,{ADDR[0]},2021-07-01,violation,overbewoning;brp_onjuist,complaint,T1\n"
    f"i2,{ADDR[2]},2021-07-02,no_access,,random,T2\n"
)

INTERVENTIONS_CSV = (
    "wijk_code,start,end,kind,description\n"
    f"{BU_A},2021-01-01,2021-12-31,handhavingsactie,\n"
    "oud charlois,2022-01-01,,handhavingsactie,by name\n"
)

GOOD_FILES = {
    "addresses.csv": ADDRESSES_CSV,
    "brp_registrations.csv": BRP_CSV,
    "permits.csv": PERMITS_CSV,
    "complaints.csv": COMPLAINTS_CSV,
    "inspections.csv": INSPECTIONS_CSV,
    "interventions.csv": INTERVENTIONS_CSV,
}


