"""The address source of an import: a dataset folder, a contract addresses file, or the BAG.

A BAG GeoPackage of verblijfsobjecten (nummeraanduiding id, postcode, huisnummer, huisletter,
toevoeging, oppervlakte, bouwjaar, gebruiksdoel, pand id) becomes the contract's `addresses`
with `building_id` = the BAG pand id. Field names differ per BAG extract (PDOK's BAG GeoPackage,
BAG-extract conversions, the municipality's own tables), so each field is looked up under its usual
names; long ids (`NL.IMBAG.PAND.0599100000012345`) are shortened to their 16 digits.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_tool.errors import UnusableInputError
from geo_tool.fileio import GPKG_DATASET_OPTIONS, atomic_path
from geo_tool.imports import normalise as nz

BAG_FIELDS: dict[str, tuple[str, ...]] = {
    "address_id": ("nummeraanduiding_hoofdadres_identificatie", "hoofdadres_identificatie", "nummeraanduiding_id",
                   "nummeraanduiding_identificatie", "nummeraanduiding", "num_id"),
    "street": ("openbare_ruimte_naam", "openbareruimtenaam", "openbare_ruimte", "straatnaam", "straat"),
    "house_number": ("huisnummer",),
    "house_letter": ("huisletter",),
    "house_number_addition": ("toevoeging", "huisnummertoevoeging", "huisnummer_toevoeging"),
    "postcode": ("postcode",),
    "woonplaats": ("woonplaats_naam", "woonplaatsnaam", "woonplaats"),
    "floor_area_m2": ("oppervlakte", "gebruiksoppervlakte", "oppervlakte_m2"),
    "building_year": ("bouwjaar", "oorspronkelijk_bouwjaar", "pand_bouwjaar"),
    "use": ("gebruiksdoel", "gebruiksdoelen"),
    "building_id": ("pand_identificatie", "pandidentificatie", "pand_id", "pandref", "pand"),
}
BAG_MARKERS = {"pand_identificatie", "pandidentificatie", "pand_id", "gebruiksdoel", "nummeraanduiding_hoofdadres_identificatie",
               "hoofdadres_identificatie", "nummeraanduiding_id"}
CONTRACT_COLUMNS = ["address_id", "street", "house_number", "house_letter", "house_number_addition", "postcode",
                    "woonplaats", "floor_area_m2", "building_year", "building_id", "geometry"]


@dataclass
class AddressSource:
    """Addresses for matching, plus what to put into the dataset folder when it has none."""

    addresses: pd.DataFrame
    folder: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)  # file name in DIR -> source file to copy
    converted: gpd.GeoDataFrame | None = None             # BAG converted to contract addresses
    notes: list[str] = field(default_factory=list)

    def provide(self, into: Path) -> list[Path]:
        """Copy (or write, for the BAG) the address and district files `into` lacks; returns the written paths."""
        written = []
        has_addresses = (into / "addresses.gpkg").exists() or (into / "addresses.csv").exists()
        if self.converted is not None and not has_addresses:
            with atomic_path(into / "addresses.gpkg") as tmp:
                self.converted.to_file(tmp, layer="addresses", driver="GPKG", dataset_options=GPKG_DATASET_OPTIONS)
            written.append(into / "addresses.gpkg")
            has_addresses = True
        for name, src in self.files.items():
            target = into / name
            if name.startswith("addresses") and has_addresses or target.exists():
                continue
            if src.resolve() == target.resolve():
                continue
            with atomic_path(target) as tmp:
                shutil.copyfile(src, tmp)
            written.append(target)
        return written


def _first(columns: pd.Index, names: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


def bag_to_addresses(bag: gpd.GeoDataFrame, residential_only: bool = True) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Contract addresses (with `building_id`) from BAG verblijfsobjecten; notes say what was left out."""
    notes = []
    cols = {key: _first(bag.columns, names) for key, names in BAG_FIELDS.items()}
    if cols["address_id"] is None:
        raise UnusableInputError("BAG", "no nummeraanduiding id column (e.g. nummeraanduiding_hoofdadres_identificatie)")
    if bag.crs is not None and bag.crs.to_epsg() != 28992:
        bag = bag.to_crs(28992)
    geom = bag.geometry
    if len(geom) and not (geom.geom_type == "Point").all():
        geom = geom.representative_point()
    out = pd.DataFrame(index=bag.index)
    for key in ("street", "house_letter", "house_number_addition", "postcode", "woonplaats"):
        out[key] = nz.clean_text(bag[cols[key]]) if cols[key] else ""
    out["address_id"] = nz.bag_id(bag[cols["address_id"]])
    out["postcode"] = nz.postcode(out["postcode"])
    out["house_number"] = pd.to_numeric(bag[cols["house_number"]], errors="coerce").astype("Int64") if cols["house_number"] else pd.NA
    out["floor_area_m2"] = pd.to_numeric(bag[cols["floor_area_m2"]], errors="coerce") if cols["floor_area_m2"] else np.nan
    out["building_year"] = pd.to_numeric(bag[cols["building_year"]], errors="coerce").astype("Int64") if cols["building_year"] else pd.NA
    if cols["building_id"]:
        first = nz.clean_text(bag[cols["building_id"]]).str.split(r"[,;\s]+", regex=True).str[0].fillna("")
        out["building_id"] = nz.bag_id(first)
    else:
        out["building_id"] = ""
    keep = out["address_id"] != ""
    if (~keep).any():
        notes.append(f"{int((~keep).sum()):,} verblijfsobject(en) zonder geldig nummeraanduiding-id weggelaten")
    if residential_only and cols["use"]:
        use = nz.clean_text(bag[cols["use"]]).str.lower()
        woon = use.str.contains("woonfunctie", regex=False)
        notes.append(f"{int((keep & ~woon).sum()):,} verblijfsobject(en) zonder woonfunctie weggelaten")
        keep &= woon
    dup = out["address_id"].duplicated(keep="first") & keep
    keep &= ~dup
    gdf = gpd.GeoDataFrame(out.loc[keep].reset_index(drop=True), geometry=geom[keep].reset_index(drop=True), crs=28992)
    return gdf[CONTRACT_COLUMNS], notes


def _read_any(path: Path) -> gpd.GeoDataFrame | pd.DataFrame:
    try:
        if path.suffix.lower() == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python")
        return gpd.read_file(path)
    except Exception as exc:  # noqa: BLE001 - any reader failure is an unusable input, named
        raise UnusableInputError(path.name, f"cannot be read as addresses ({exc.__class__.__name__}: {exc})") from None


def read_address_source(path: Path) -> AddressSource:
    """Addresses from a dataset folder, a contract addresses file (.gpkg/.csv) or a BAG GeoPackage."""
    path = Path(path)
    if path.is_dir():
        found = [path / n for n in ("addresses.gpkg", "addresses.csv") if (path / n).exists()]
        if not found:
            raise UnusableInputError(str(path), "holds no addresses.gpkg or addresses.csv; give --addresses "
                                                "(a dataset folder, an addresses file or a BAG GeoPackage)")
        src = read_address_source(found[0])
        if (path / "districts.gpkg").exists():
            src.files["districts.gpkg"] = path / "districts.gpkg"
        src.folder = path
        return src
    if not path.is_file():
        raise UnusableInputError(str(path), "does not exist (--addresses: a dataset folder, an addresses file or a BAG GeoPackage)")
    frame = _read_any(path)
    lower = {c.lower() for c in frame.columns}
    folder = path.parent
    files = {}
    if (folder / "districts.gpkg").exists():
        files["districts.gpkg"] = folder / "districts.gpkg"
    if "address_id" not in lower and lower & BAG_MARKERS and isinstance(frame, gpd.GeoDataFrame):
        converted, notes = bag_to_addresses(frame)
        return AddressSource(addresses=converted, folder=folder, files=files, converted=converted, notes=notes)
    if "address_id" not in lower:
        raise UnusableInputError(path.name, "has no address_id column and is not a BAG file of verblijfsobjecten")
    frame = frame.rename(columns={c: c.lower() for c in frame.columns})
    if not isinstance(frame, gpd.GeoDataFrame):
        for a, b in (("x", "y"), ("lon", "lat")):
            if {a, b} <= set(frame.columns):
                xs = pd.to_numeric(frame[a].str.replace(",", "."), errors="coerce")
                ys = pd.to_numeric(frame[b].str.replace(",", "."), errors="coerce")
                crs = 28992 if a == "x" else 4326
                frame = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xs, ys), crs=crs).to_crs(28992)
                break
    elif frame.crs is not None and frame.crs.to_epsg() != 28992:
        frame = frame.to_crs(28992)
    files["addresses" + path.suffix.lower()] = path
    return AddressSource(addresses=frame, folder=folder, files=files)
