"""District boundaries: where the demo (and the GUI's "no data yet" map) get their polygons.

Resolution order (`resolve_boundaries`): an explicit path; the environment variable
`GEO_TOOL_BOUNDARIES`; a cached CBS Wijk- en Buurtkaart `data/shapefiles/cbs_wijkbuurtkaart_<gemeente>.gpkg`
written earlier by `fetch_boundaries`; else the shipped schematic city
`data/shapefiles/schematic_rotterdam.gpkg` (simplified shapes, every layer has `schematic=True`).

`fetch_boundaries` downloads the CBS buurten and wijken of one gemeente from PDOK's open OGC API
Features (`https://api.pdok.nl/cbs/wijken-en-buurten-<year>/ogc/v1`) and writes them in the
districts.gpkg shape of the contract (layers `gebieden` = CBS wijken, `wijken` = CBS buurten).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo_tool.errors import OfflineError, UnusableInputError
from geo_tool.fileio import GPKG_DATASET_OPTIONS, atomic_path

#: The repository's shipped data folder (works from a checkout installed with `pip install -e`).
SHAPEFILES_DIR = Path(__file__).resolve().parents[1] / "data" / "shapefiles"
SCHEMATIC_PATH = SHAPEFILES_DIR / "schematic_rotterdam.gpkg"
ENV_BOUNDARIES = "GEO_TOOL_BOUNDARIES"
DEFAULT_GEMEENTE = "GM0599"  # Rotterdam
PDOK_URL = "https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1/collections/{collection}/items"
RD_NEW_URI = "http://www.opengis.net/def/crs/EPSG/0/28992"
PAGE_LIMIT = 1000
TIMEOUT_S = 30


def cached_path(gemeente_code: str = DEFAULT_GEMEENTE) -> Path:
    """Where `fetch_boundaries` caches the CBS boundaries of one gemeente."""
    return SHAPEFILES_DIR / f"cbs_wijkbuurtkaart_{gemeente_code}.gpkg"


def resolve_boundaries(boundaries: str | os.PathLike | None = None,
                       gemeente_code: str = DEFAULT_GEMEENTE) -> tuple[Path, str]:
    """Pick the boundaries file to use and say which source it is.

    Returns (path, source) with source `argument`, `environment`, `cached CBS Wijk- en Buurtkaart`
    or `schematic`. A given path that does not exist is an error, never silently replaced.
    """
    if boundaries:
        p = Path(boundaries)
        if not p.exists():
            raise UnusableInputError(str(p), "boundaries file not found")
        return p, "argument"
    env = os.environ.get(ENV_BOUNDARIES)
    if env:
        p = Path(env)
        if not p.exists():
            raise UnusableInputError(str(p), f"boundaries file from ${ENV_BOUNDARIES} not found")
        return p, "environment"
    cached = cached_path(gemeente_code)
    if cached.exists():
        return cached, "cached CBS Wijk- en Buurtkaart"
    if not SCHEMATIC_PATH.exists():
        from geo_tool.demo.schematic import build_schematic_city
        build_schematic_city(SCHEMATIC_PATH)
    return SCHEMATIC_PATH, "schematic"


def _get_json(url: str) -> dict[str, Any]:
    req = urllib.request.Request(url, headers={"Accept": "application/geo+json, application/json"})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
            return json.loads(resp.read().decode("utf-8"))
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise OfflineError(
            f"cannot download the CBS boundaries from PDOK ({url.split('?')[0]}): {exc}. "
            "Work offline with the schematic city, or pass a districts.gpkg with --boundaries "
            f"(or set ${ENV_BOUNDARIES})."
        ) from exc


def _download_collection(collection: str, gemeente_code: str, year: int) -> dict[str, Any]:
    """All features of one PDOK collection for one gemeente, following the `next` links."""
    query = urllib.parse.urlencode({"gemeentecode": gemeente_code, "f": "json", "limit": PAGE_LIMIT, "crs": RD_NEW_URI})
    url: str | None = PDOK_URL.format(year=year, collection=collection) + "?" + query
    features: list[dict[str, Any]] = []
    while url:
        page = _get_json(url)
        features.extend(page.get("features", []))
        url = next((link["href"] for link in page.get("links", []) if link.get("rel") == "next"), None)
    return {"type": "FeatureCollection", "features": features}


def _prop(props: pd.DataFrame, *names: str) -> pd.Series:
    """The first of `names` present (case-insensitive), else an empty column."""
    lower = {c.lower(): c for c in props.columns}
    for n in names:
        if n.lower() in lower:
            return props[lower[n.lower()]]
    return pd.Series([None] * len(props), index=props.index, dtype=object)


def _clean_count(s: pd.Series) -> pd.Series:
    v = pd.to_numeric(s, errors="coerce")
    return v.where(v >= 0)  # CBS secrecy codes -99995/-99997 become missing


def feature_collections_to_districts(buurten: dict[str, Any], wijken: dict[str, Any]) -> dict[str, gpd.GeoDataFrame]:
    """Convert CBS buurten/wijken GeoJSON FeatureCollections (RD New) to the districts.gpkg layers.

    CBS wijk -> layer `gebieden` (code, name, residents, dwellings); CBS buurt -> layer `wijken`
    (code, name, gebied_code, gebied_name, residents, dwellings). Water-only parts (`water` = JA)
    are dropped when the attribute is present.
    """
    def frame(fc: dict[str, Any]) -> gpd.GeoDataFrame:
        feats = fc.get("features", [])
        props = pd.DataFrame([f.get("properties") or {} for f in feats])
        geoms = [shapely.geometry.shape(f["geometry"]) if f.get("geometry") else None for f in feats]
        return gpd.GeoDataFrame(props, geometry=geoms, crs="EPSG:28992")

    b, w = frame(buurten), frame(wijken)
    b = b[~_prop(b, "water").astype(str).str.upper().eq("JA")]
    w = w[~_prop(w, "water").astype(str).str.upper().eq("JA")]
    geb = gpd.GeoDataFrame({
        "code": _prop(w, "wijkcode", "statcode").astype(str).to_numpy(),
        "name": _prop(w, "wijknaam", "statnaam").astype(str).to_numpy(),
        "residents": _clean_count(_prop(w, "aantal_inwoners", "aantalInwoners")).to_numpy(),
        "dwellings": _clean_count(_prop(w, "woningvoorraad", "aantal_woningen")).to_numpy(),
    }, geometry=w.geometry.to_numpy(), crs="EPSG:28992")
    names = dict(zip(geb["code"], geb["name"]))
    bcode = _prop(b, "buurtcode", "statcode").astype(str)
    gcode = _prop(b, "wijkcode").astype(str)
    gcode = gcode.where(gcode.str.startswith("WK"), "WK" + bcode.str[2:8])
    wk = gpd.GeoDataFrame({
        "code": bcode.to_numpy(),
        "name": _prop(b, "buurtnaam", "statnaam").astype(str).to_numpy(),
        "gebied_code": gcode.to_numpy(),
        "gebied_name": gcode.map(names).to_numpy(),
        "residents": _clean_count(_prop(b, "aantal_inwoners", "aantalInwoners")).to_numpy(),
        "dwellings": _clean_count(_prop(b, "woningvoorraad", "aantal_woningen")).to_numpy(),
    }, geometry=b.geometry.to_numpy(), crs="EPSG:28992")
    for extra in ("gemiddelde_huishoudsgrootte", "perc_huurwoningen_in_bezit_overige_verhuurders",
                  "percentage_huurwoningen", "percentage_eenpersoonshuishoudens", "gemiddelde_woningwaarde",
                  "percentage_meergezinswoning", "percentage_met_herkomstland_nederland",
                  "percentage_met_herkomstland_uit_europa_excl_nl", "percentage_met_herkomstland_buiten_europa"):
        col = _prop(b, extra)
        if col.notna().any():
            wk[extra] = _clean_count(col).to_numpy()
    return {"gebieden": geb.sort_values("code").reset_index(drop=True),
            "wijken": wk.sort_values("code").reset_index(drop=True)}


def write_districts(layers: dict[str, gpd.GeoDataFrame], out: str | os.PathLike) -> Path:
    """Write the two layers to one GeoPackage atomically."""
    out = Path(out)
    with atomic_path(out) as tmp:
        for name in ("gebieden", "wijken"):
            layers[name].to_file(tmp, layer=name, driver="GPKG", engine="pyogrio",
                                  dataset_options=GPKG_DATASET_OPTIONS)
    return out


def fetch_boundaries(gemeente_code: str = DEFAULT_GEMEENTE, year: int = 2024,
                     out: str | os.PathLike | None = None) -> Path:
    """Download one gemeente's CBS buurten and wijken from PDOK and cache them as districts.gpkg.

    Raises `OfflineError` (with what to do instead) when PDOK cannot be reached.
    """
    buurten = _download_collection("buurten", gemeente_code, year)
    wijken = _download_collection("wijken", gemeente_code, year)
    if not buurten["features"]:
        raise UnusableInputError(f"PDOK wijken-en-buurten-{year}", f"no buurten for gemeente {gemeente_code}")
    return write_districts(feature_collections_to_districts(buurten, wijken), out or cached_path(gemeente_code))
