"""BAG verblijfsobjecten as the address source (with `building_id`), and figures per building."""

from __future__ import annotations

import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo_tool.dataset import load_dataset
from geo_tool.imports import import_export
from geo_tool.imports.addresses import bag_to_addresses
from geo_tool.layers.buildings import building_figures


def _bag_from_demo(demo) -> gpd.GeoDataFrame:
    """A BAG-style GeoPackage table built from the demo's addresses (PDOK-like field names, long ids)."""
    a = gpd.read_file(demo / "addresses.gpkg")
    street_no = a["street"] + "|" + a["house_number"].astype(str) + "|" + a["postcode"]
    pand = pd.factorize(street_no)[0] + 599100000000000
    use = np.where(np.arange(len(a)) % 50 == 0, "winkelfunctie", "woonfunctie")
    return gpd.GeoDataFrame({
        "identificatie": "0599010000" + a["address_id"].str.slice(10),
        "nummeraanduiding_hoofdadres_identificatie": "NL.IMBAG.NUMMERAANDUIDING." + a["address_id"],
        "openbare_ruimte_naam": a["street"], "huisnummer": a["house_number"], "huisletter": a["house_letter"],
        "toevoeging": a["house_number_addition"], "postcode": a["postcode"], "woonplaats_naam": "Rotterdam",
        "oppervlakte": a["floor_area_m2"], "bouwjaar": a["building_year"], "gebruiksdoel": use,
        "pand_identificatie": ["NL.IMBAG.PAND.0" + str(p) for p in pand],
    }, geometry=a.geometry, crs=a.crs)


def test_bag_becomes_contract_addresses_with_building_id(small_demo):
    """Long ids are shortened, the pand id becomes building_id, non-residential objects are left out (and said)."""
    bag = _bag_from_demo(small_demo)
    out, notes = bag_to_addresses(bag)
    assert len(out) == (bag["gebruiksdoel"] == "woonfunctie").sum()
    assert out["address_id"].str.fullmatch(r"\d{16}").all()
    assert out["building_id"].str.fullmatch(r"\d{16}").all()
    assert any("woonfunctie" in n for n in notes)


def test_import_with_bag_as_address_source_writes_addresses_with_building_id(small_demo, tmp_path):
    """`--addresses BAG.gpkg` writes DIR/addresses.gpkg from the BAG, and the folder loads with building ids."""
    bag_path = tmp_path / "bag.gpkg"
    _bag_from_demo(small_demo).to_file(bag_path, layer="verblijfsobject", driver="GPKG")
    shutil.copy(small_demo / "districts.gpkg", tmp_path / "districts.gpkg")  # found beside the BAG file
    into = tmp_path / "ds"
    into.mkdir()
    shutil.copy(small_demo / "brp_registrations.csv", into / "brp_registrations.csv")
    o = import_export(small_demo / "permits.csv", _permits_profile(tmp_path), into, addresses=bag_path)
    assert o.methods["exact"] > 0
    ds = load_dataset(into)
    assert "building_id" in ds.addresses.columns and ds.addresses["building_id"].notna().all()
    assert len(ds.addresses) < len(gpd.read_file(small_demo / "addresses.gpkg"))  # shops left out


def _permits_profile(folder):
    path = folder / "permits.toml"
    path.write_text('table = "permits"\n[columns]\nlandlord_id = "landlord_id"\nstatus = "status"\n'
                    'valid_from = "valid_from"\nvalid_until = "valid_until"\n[dates]\nformat = "iso"\n'
                    'columns = ["valid_from", "valid_until"]\n[address]\nid = "address_id"\n', encoding="utf-8")
    return path


def test_building_figures_sum_to_the_address_figures(small_demo):
    """Per building: addresses, residents, complaints and findings add up to the address-level totals,
    and addresses at one street number share a building when there is no pand id."""
    ds = load_dataset(small_demo)
    b = building_figures(ds)
    assert b["addresses"].sum() == len(ds.addresses)
    assert b["addresses"].max() > 1 and len(b) < len(ds.addresses)
    from geo_tool.layers import Level, layer_from_spec

    window = None
    res = layer_from_spec("brp:residents", ds).aggregate(window, Level.ADDRESS)["residents"].sum()
    assert b["residents"].sum() == res
    comp = layer_from_spec("complaints:complaint_count", ds).aggregate(window, Level.ADDRESS)["complaint_count"].sum()
    assert b["complaints"].sum() == comp
