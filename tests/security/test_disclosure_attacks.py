"""Disclosure attacks on every researcher export format (issue 10, part 2).

The attacker reads only the exported files (csv, gpkg, html; png/pdf/svg where values are printed;
tif) plus public knowledge (which wijk lies in which gebied, the rounding base), and tries:

1. share/rate x denominator: find the integer counts consistent with a published share, rate or
   ratio at the precision it is printed with (the issue's author got 9 of 9 wijken back);
2. total minus published parts: bound every suppressed cell from its gebied total and the other
   wijken (plus whatever attack 1 gave), over the wijk and the gebied export of the same data
   (the issue's author got Charlois Zuidrand's true 7 back);
3. locate single complaints from the peaks of a one-day or one-month density surface.

Each must recover nothing, on the small demo and on a hand-built case where the answers are known.
The attacker's code is written independently of `geo_tool.export.disclosure` (no shared helper), and
a positive control shows that the same attacks do recover counts from the old publication.
"""

from __future__ import annotations

import base64
import io
import json
import math
import re
import sqlite3
import zlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point, box

from geo_tool.dataset import Dataset
from geo_tool.errors import UsageError
from geo_tool.export import export_map
from geo_tool.layers import TimeWindow, layer_from_spec

THRESHOLD, BASE = 10, 5
HALF = BASE // 2
# (derived figure, numerator, denominator, scale, per year) for every derived figure whose counts are published
PAIRS = [
    ("eum_share", "eum_count", "residents", 100.0, False),
    ("persons_per_dwelling", "residents", "occupied_addresses", 1.0, False),
    ("turnover", "moves", "residents", 100.0, True),
    ("complaint_rate", "complaint_count", "residents_ref", 1000.0, False),
]
COUNTS = ["residents", "eum_count", "occupied_addresses", "moves", "complaint_count", "residents_ref"]
SPECS = ("brp:residents,brp:eum_count,brp:eum_share,brp:occupied_addresses,brp:persons_per_dwelling,brp:moves,"
         "brp:turnover,complaints:complaint_count,complaints:residents_ref,complaints:complaint_rate")
TABLE_FORMATS = ["csv", "gpkg", "html"]


# ----------------------------------------------------------------------------------------------
# The hand-built case: gebied Noord = A + B + C, gebied Zuid = D + E.

X0, Y0, SIDE = 90000.0, 436000.0, 500.0
HAND_WIJKEN = [  # code, name, gebied, column, row, residents, EU labour migrants
    ("BU05990101", "Anker", "WK059901", 0, 1, 23, 7),  # 7: must stay hidden
    ("BU05990102", "Boei", "WK059901", 1, 1, 118, 31),
    ("BU05990103", "Copier", "WK059901", 2, 1, 64, 12),
    ("BU05990201", "Dijk", "WK059902", 0, 0, 52, 0),
    ("BU05990202", "Eiland", "WK059902", 1, 0, 87, 19),
]
HAND_WINDOW = TimeWindow("2023-01-01", "2023-12-31")
ONE_DAY = "2023-06-15"


def _addr(w: int, i: int) -> str:
    return f"05993000000{w:02d}{i:03d}"


def build_hand_dataset() -> Dataset:
    """Five square wijken in two gebieden; residents and EUM as in HAND_WIJKEN; complaints for the density."""
    wk = gpd.GeoDataFrame(
        {"code": pd.Series([w[0] for w in HAND_WIJKEN], dtype="string"),
         "name": pd.Series([w[1] for w in HAND_WIJKEN], dtype="string"),
         "gebied_code": pd.Series([w[2] for w in HAND_WIJKEN], dtype="string"),
         "residents": pd.Series([pd.NA] * 5, dtype="Int64")},
        geometry=[box(X0 + c * SIDE, Y0 + r * SIDE, X0 + (c + 1) * SIDE, Y0 + (r + 1) * SIDE)
                  for _, _, _, c, r, _, _ in HAND_WIJKEN], crs="EPSG:28992")
    gb = gpd.GeoDataFrame(
        {"code": pd.Series(["WK059901", "WK059902"], dtype="string"),
         "name": pd.Series(["Noord", "Zuid"], dtype="string")},
        geometry=[box(X0, Y0 + SIDE, X0 + 3 * SIDE, Y0 + 2 * SIDE), box(X0, Y0, X0 + 2 * SIDE, Y0 + SIDE)],
        crs="EPSG:28992")
    rows, spells = [], []
    for w, (code, _, _, c, r, residents, eum) in enumerate(HAND_WIJKEN, start=1):
        for i in range(10):
            x, y = X0 + c * SIDE + 50 + 100 * (i % 5), Y0 + r * SIDE + 150 + 200 * (i // 5)
            rows.append((_addr(w, i), code, Point(x, y)))
        for k in range(residents):  # persons spread over the 10 addresses, the EUM first
            spells.append((f"P{w}{k:04d}", _addr(w, k % 10), "2015-01-01" if k % 3 else "2023-03-01",
                           "EU-MOE" if k < eum else "NL", 1990))
    n = len(rows)
    ads = gpd.GeoDataFrame(
        {"address_id": pd.Series([r[0] for r in rows], dtype="string"),
         "street": pd.Series(["Proefstraat"] * n, dtype="string"),
         "house_number": pd.Series(range(1, n + 1), dtype="Int64"),
         "house_letter": pd.Series([pd.NA] * n, dtype="string"),
         "house_number_addition": pd.Series([pd.NA] * n, dtype="string"),
         "postcode": pd.Series(["3082AA"] * n, dtype="string"),
         "wijk_code": pd.Series([r[1] for r in rows], dtype="string"),
         "floor_area_m2": pd.Series([55.0] * n, dtype="float64"),
         "building_year": pd.Series([1950] * n, dtype="Int64")},
        geometry=[r[2] for r in rows], crs="EPSG:28992")
    brp = pd.DataFrame({
        "person_id": pd.Series([s[0] for s in spells], dtype="string"),
        "address_id": pd.Series([s[1] for s in spells], dtype="string"),
        "registered_from": pd.to_datetime(pd.Series([s[2] for s in spells])).astype("datetime64[ns]"),
        "registered_until": pd.Series([pd.NaT] * len(spells), dtype="datetime64[ns]"),
        "nationality_group": pd.Series([s[3] for s in spells], dtype="string"),
        "birth_year": pd.Series([s[4] for s in spells], dtype="Int64"),
        "rni": pd.Series([False] * len(spells), dtype="boolean"),
    })
    # complaints: three lone ones on ONE_DAY (far apart), a cluster of 12 at one address in June, a few others
    comp = [(_addr(2, 2), ONE_DAY), (_addr(4, 7), ONE_DAY), (_addr(5, 4), ONE_DAY)]
    comp += [(_addr(3, 6), f"2023-06-{d:02d}") for d in range(1, 13)]
    comp += [(_addr(1, 3), "2023-02-10"), (_addr(3, 0), "2023-09-03"), (_addr(5, 9), "2023-06-28")]
    geom = {r[0]: r[2] for r in rows}
    complaints = gpd.GeoDataFrame({
        "complaint_id": pd.Series([f"M{i}" for i in range(len(comp))], dtype="string"),
        "received_on": pd.to_datetime(pd.Series([c[1] for c in comp])).astype("datetime64[ns]"),
        "category": pd.Series(["woonoverlast"] * len(comp), dtype="string"),
        "address_id": pd.Series([c[0] for c in comp], dtype="string"),
        "wijk_code": pd.Series([pd.NA] * len(comp), dtype="string"),
    }, geometry=[geom[c[0]] for c in comp], crs="EPSG:28992")
    permits = pd.DataFrame({c: pd.Series(dtype="string") for c in ("address_id", "landlord_id", "status")})
    permits["valid_from"] = pd.Series(dtype="datetime64[ns]")
    permits["valid_until"] = pd.Series(dtype="datetime64[ns]")
    inspections = pd.DataFrame({c: pd.Series(dtype="string") for c in
                                ("inspection_id", "address_id", "outcome", "violations", "selected_by", "team")})
    inspections["visited_on"] = pd.Series(dtype="datetime64[ns]")
    interventions = pd.DataFrame({c: pd.Series(dtype="string") for c in ("wijk_code", "kind", "description")})
    interventions["start"] = pd.Series(dtype="datetime64[ns]")
    interventions["end"] = pd.Series(dtype="datetime64[ns]")
    return Dataset(root=Path("/nonexistent/hand"), gebieden=gb, wijken=wk, addresses=ads, brp=brp, permits=permits,
                   complaints=complaints, inspections=inspections, interventions=interventions)


# ----------------------------------------------------------------------------------------------
# Fixtures: each dataset with its exports, written once per module in an isolated home folder.


class Case:
    """A dataset, its window and its researcher exports (made on first use, kept for the module)."""

    def __init__(self, name: str, dataset: Dataset, window: TimeWindow, folder: Path, env: dict[str, str]):
        self.name, self.dataset, self.window, self.folder, self.env = name, dataset, window, folder, env
        self.files: dict[tuple, Path] = {}

    def export(self, specs: str, suffix: str, level: str = "wijk", window: TimeWindow | None = None,
               tag: str = "") -> Path:
        key = (specs, suffix, level, window, tag)
        if key not in self.files:
            with pytest.MonkeyPatch.context() as mp:
                for k, v in self.env.items():
                    mp.setenv(k, v)
                out = self.folder / f"{len(self.files):02d}_{level}{tag}.{suffix}"
                self.files[key] = export_map(self.dataset, specs, out, level=level, window=window or self.window)
        return self.files[key]

    def parents(self) -> dict[str, str]:
        """Public knowledge: the gebied of every wijk (CBS codes)."""
        w = self.dataset.wijken
        return dict(zip(w["code"].astype(str), w["gebied_code"].astype(str))) if "gebied_code" in w.columns else {
            c: "WK" + c[2:8] for c in w["code"].astype(str)}

    def complaint_points(self, window: TimeWindow) -> np.ndarray:
        """The true complaint locations in a window (what the attacker tries to find)."""
        pts = layer_from_spec("complaints:points", self.dataset).layer.points(window)
        return np.column_stack([pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()])


def _env(home: Path) -> dict[str, str]:
    return {"GEO_TOOL_HOME": str(home), "GEO_TOOL_CACHE_DIR": str(home / "cache"),
            "GEO_TOOL_PSEUDONYM_KEY": "test-key-not-secret"}


@pytest.fixture(scope="module")
def hand_case(tmp_path_factory) -> Case:
    """The hand-built case and its exports."""
    home = tmp_path_factory.mktemp("hand_home")
    return Case("hand", build_hand_dataset(), HAND_WINDOW, tmp_path_factory.mktemp("hand_out"), _env(home))


@pytest.fixture(scope="module")
def small_case(small_demo_simple, tmp_path_factory) -> Case:
    """The small demo (gebied Charlois, simple world: small wijk counts to attack) loaded once, with its
    default one-year window."""
    from geo_tool.dataset import load_dataset

    home = tmp_path_factory.mktemp("small_home")
    with pytest.MonkeyPatch.context() as mp:
        for k, v in _env(home).items():
            mp.setenv(k, v)
        ds = load_dataset(small_demo_simple)
    return Case("small", ds, TimeWindow.default_for(ds), tmp_path_factory.mktemp("small_out"), _env(home))


@pytest.fixture(params=["hand", "small"])
def case(request) -> Case:
    """Both cases in turn."""
    return request.getfixturevalue(f"{request.param}_case")


# ----------------------------------------------------------------------------------------------
# Reading what a researcher gets: figures as printed (text), per code.


def _dutch_to_plain(text: str) -> str:
    """``13.605 personen`` -> ``13605``; ``22,1 % van bewoners`` -> ``22.1``; suppressed/missing -> ``""``."""
    text = str(text).strip()
    if not text or text.startswith("onderdrukt") or text.startswith("-"):
        return ""
    token = text.split()[0]
    return token.replace(".", "").replace(",", ".")


def read_printed(path: Path, level: str) -> pd.DataFrame:
    """The figures of an export as the file prints them (text), one row per area code."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False).set_index("code")
    if suffix == ".gpkg":
        frames = []
        for name, _ in pyogrio.list_layers(path):
            if name.endswith(f"_{level}"):
                t = pyogrio.read_dataframe(path, layer=name, read_geometry=False).set_index("code")
                frames.append(t.drop(columns=[c for c in t.columns if c in ("name", "gebied_code")]))
        out = pd.concat(frames, axis=1)
        return out.apply(lambda col: col.map(lambda v: "" if pd.isna(v) else (repr(float(v)) if isinstance(v, float) else str(v))))
    if suffix == ".html":
        page = path.read_text(encoding="utf-8")
        rows = {}
        for props in re.findall(r'"properties": (\{[^{}]*\})', page):
            p = json.loads(props)
            if "code" in p and any(k.startswith("txt_") for k in p) and p["code"] not in rows:
                rows[p["code"]] = {k[4:]: _dutch_to_plain(v) for k, v in p.items() if k.startswith("txt_")}
        return pd.DataFrame.from_dict(rows, orient="index")
    raise AssertionError(f"no reader for {path}")


def _value(text: str) -> float:
    return float(text) if text not in ("", None) else math.nan


def _decimals(text: str) -> int:
    return len(text.split(".")[1].rstrip()) if "." in str(text) else 0


def _published_range(text: str) -> tuple[int, int] | None:
    """What a rounded count says about the true count; None when it is suppressed."""
    v = _value(text)
    if math.isnan(v):
        return None
    v = int(round(v))
    return (0, 0) if v == 0 else (max(THRESHOLD, v - HALF), v + HALF)


# ----------------------------------------------------------------------------------------------
# The attacks.


def attack_shares(printed: pd.DataFrame, years: float) -> list[tuple[str, str, int]]:
    """Attack 1: counts pinned by a derived figure at its printed precision, beyond what rounding says.

    For every (numerator, denominator) pair allowed by the published counts, keep those whose
    figure matches the printed one within half its last printed digit. A count is recovered when
    one value remains and it differs from the published (rounded) count, or the count was suppressed.
    """
    found = []
    for share, num, den, scale, per_year in PAIRS:
        if not {share, num, den} <= set(printed.columns):
            continue
        factor = scale / (years if per_year else 1.0)
        for code, row in printed.iterrows():
            s = _value(row[share])
            d_rng = _published_range(row[den])
            if math.isnan(s) or d_rng is None or d_rng == (0, 0):
                continue
            tol = 0.5 * 10.0 ** -_decimals(row[share]) + 1e-9 * abs(s)
            n_rng = _published_range(row[num])
            pairs = set()
            for d in range(d_rng[0], d_rng[1] + 1):
                lo = math.ceil((s - tol) * d / factor - 1e-9)
                hi = math.floor((s + tol) * d / factor + 1e-9)
                if n_rng is not None:
                    lo, hi = max(lo, n_rng[0]), min(hi, n_rng[1])
                pairs.update((n, d) for n in range(max(lo, 0), min(hi, lo + 50) + 1))
            ns, ds = {p[0] for p in pairs}, {p[1] for p in pairs}
            precise = _decimals(row[share]) >= 3  # then a single solution is the truth, not a rounding artefact
            if len(ns) == 1 and (precise or n_rng is None or ns != {int(_value(row[num]))}):
                found.append((str(code), num, ns.pop()))
            if len(ds) == 1 and (precise or ds != {int(_value(row[den]))}):
                found.append((str(code), den, ds.pop()))
    return found


def attack_differences(wijk: pd.DataFrame, gebied: pd.DataFrame, parents: dict[str, str],
                       known: list[tuple[str, str, int]]) -> list[tuple[str, str, int, int]]:
    """Attack 2: bound suppressed cells by gebied = sum of its wijken (both exports), using attack 1's finds.

    Suppressed cells start at 1 .. unbounded; published ones at their rounding range; recovered
    ones exact. Bounds propagation to a fixpoint. Returns (code, count, lo, hi) for every suppressed
    cell narrowed to fewer than threshold-1 values (i.e. told apart from "some small count").
    """
    exact = {(c, k): v for c, k, v in known}
    found = []
    for key in COUNTS:
        if key not in wijk.columns or key not in gebied.columns:
            continue
        cells = [("w", c) for c in wijk.index] + [("g", c) for c in gebied.index]
        lo, hi, sup = {}, {}, set()
        for kind, code in cells:
            text = (wijk if kind == "w" else gebied).loc[code, key]
            rng = _published_range(text)
            if (code, key) in exact:
                rng = (exact[(code, key)],) * 2
            if rng is None:
                sup.add((kind, code))
                rng = (1, 10**9)
            lo[(kind, code)], hi[(kind, code)] = rng
        groups = [(("g", g), [("w", w) for w in wijk.index if parents.get(str(w)) == str(g)]) for g in gebied.index]
        for _ in range(50):
            changed = False
            for p, ch in groups:
                if not ch:
                    continue
                slo, shi = sum(lo[c] for c in ch), sum(hi[c] for c in ch)
                nlo, nhi = max(lo[p], slo), min(hi[p], shi)
                if (nlo, nhi) != (lo[p], hi[p]):
                    lo[p], hi[p], changed = nlo, nhi, True
                for c in ch:
                    clo = max(lo[c], lo[p] - (shi - hi[c]))
                    chi = min(hi[c], hi[p] - (slo - lo[c]))
                    if (clo, chi) != (lo[c], hi[c]):
                        lo[c], hi[c], changed = clo, chi, True
            if not changed:
                break
        for cell in sup:
            if hi[cell] - lo[cell] + 1 < THRESHOLD - 1:
                found.append((cell[1], key, lo[cell], hi[cell]))
    return found


def attack_density_peaks(xy: np.ndarray, complaints: np.ndarray, radius_m: float) -> list[tuple[float, float, int]]:
    """Attack 3: peaks of a density surface that have fewer than threshold complaints within radius_m."""
    out = []
    for x, y in xy:
        n = int((np.hypot(complaints[:, 0] - x, complaints[:, 1] - y) <= radius_m).sum())
        if 1 <= n < THRESHOLD:
            out.append((float(x), float(y), n))
    return out


def tif_peaks(path: Path) -> np.ndarray:
    """Centres (RD New) of the local maxima of a GeoTIFF surface, nodata ignored."""
    import rasterio
    from scipy.ndimage import maximum_filter

    with rasterio.open(path) as src:
        v = src.read(1, masked=True).astype(float).filled(np.nan)
        t = src.transform
    v = np.where(np.isfinite(v) & (v > 0), v, -np.inf)
    peak = np.isfinite(v) & (v == maximum_filter(v, size=3, mode="constant", cval=-np.inf))
    rows, cols = np.nonzero(peak)
    xs, ys = t * (cols + 0.5, rows + 0.5)
    return np.column_stack([np.asarray(xs), np.asarray(ys)]) if len(rows) else np.zeros((0, 2))


def html_overlay_peaks(path: Path) -> np.ndarray:
    """Centres (RD New) of the darkest visible pixels (local peaks) of the density overlay in an HTML page."""
    import matplotlib.image as mpimg
    from pyproj import Transformer
    from scipy.ndimage import minimum_filter

    page = path.read_text(encoding="utf-8")
    m = re.search(r'L\.imageOverlay\(\s*"data:image/png;base64,([^"]+)",\s*(\[\[.*?\]\])', page, re.S)
    if not m:
        return np.zeros((0, 2))
    img = mpimg.imread(io.BytesIO(base64.b64decode(m.group(1))), format="png")
    (s, w), (n, e) = json.loads(m.group(2))
    to3857 = Transformer.from_crs(4326, 3857, always_xy=True)
    left, bottom = to3857.transform(w, s)
    right, top = to3857.transform(e, n)
    h, wd = img.shape[:2]
    lum = img[..., :3].mean(axis=2)
    lum = np.where(img[..., 3] > 0, lum, np.inf)
    peak = np.isfinite(lum) & (lum == minimum_filter(lum, size=3, mode="constant", cval=np.inf))
    rows, cols = np.nonzero(peak)
    x = left + (cols + 0.5) * (right - left) / wd
    y = top - (rows + 0.5) * (top - bottom) / h
    to_rd = Transformer.from_crs(3857, 28992, always_xy=True)
    xs, ys = to_rd.transform(x, y)
    return np.column_stack([xs, ys]) if len(rows) else np.zeros((0, 2))


def pdf_text_lines(path: Path) -> list[str]:
    """The text objects of a matplotlib PDF (its streams inflated, the strings of each BT..ET joined)."""
    lines = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", path.read_bytes(), re.S):
        try:
            stream = zlib.decompress(m.group(1))
        except zlib.error:
            continue
        for obj in re.findall(rb"BT(.*?)ET", stream, re.S):
            parts = re.findall(rb"\(((?:\\.|[^\\)])*)\)", obj)
            lines.append(b"".join(parts).replace(b"\\(", b"(").replace(b"\\)", b")").decode("latin-1"))
    return lines


# ----------------------------------------------------------------------------------------------
# The tests.


@pytest.mark.parametrize("fmt", TABLE_FORMATS)
def test_share_times_denominator_gives_back_no_count(case, fmt):
    """Attack 1 on csv, gpkg and html, per wijk and per gebied: no share, rate or ratio at its printed
    precision pins a count beyond what its rounding already says (today: 9 of 9 wijken came back)."""
    for level in ("wijk", "gebied"):
        printed = read_printed(case.export(SPECS, fmt, level), level)
        assert len(printed) and "eum_share" in printed.columns
        found = attack_shares(printed, case.window.years)
        assert not found, f"{case.name} {fmt} {level}: counts recovered {found[:8]}"


@pytest.mark.parametrize("fmt", TABLE_FORMATS)
def test_total_minus_published_wijken_gives_back_no_suppressed_wijk(case, fmt):
    """Attack 2 on csv, gpkg and html: the gebied export minus the published wijken (with attack 1's
    finds) narrows no suppressed cell below 'some count under the threshold' (today: the true 7)."""
    wijk = read_printed(case.export(SPECS, fmt, "wijk"), "wijk")
    gebied = read_printed(case.export(SPECS, fmt, "gebied"), "gebied")
    known = attack_shares(wijk, case.window.years) + attack_shares(gebied, case.window.years)
    assert (wijk["eum_count"] == "").any(), "the case must have a suppressed wijk to attack"
    found = attack_differences(wijk, gebied, case.parents(), known)
    assert not found, f"{case.name} {fmt}: suppressed cells narrowed {found[:8]}"


def test_hand_built_case_hides_the_seven_and_its_protector(hand_case):
    """Anker's 7 EUM are suppressed, and so is at least one other wijk of gebied Noord (secondary
    suppression), in the csv of the wijk level; the gebied total itself is published."""
    wijk = read_printed(hand_case.export(SPECS, "csv", "wijk"), "wijk")
    gebied = read_printed(hand_case.export(SPECS, "csv", "gebied"), "gebied")
    noord = [c for c, g in hand_case.parents().items() if g == "WK059901"]
    hidden = [c for c in noord if wijk.loc[c, "eum_count"] == ""]
    assert "BU05990101" in hidden and len(hidden) >= 2
    assert gebied.loc["WK059901", "eum_count"] == "50"


def test_attacks_recover_counts_from_the_old_publication(hand_case, tmp_path):
    """Positive control: the same attacks on the old publication (rounded counts, shares from the
    exact counts at full precision) give back every count and Anker's 7, so they can fail."""
    from geo_tool.layers.base import Level

    old = {}
    for level in (Level.WIJK, Level.GEBIED):
        frames = []
        for key in ("brp", "complaints"):
            f = layer_from_spec(key, hand_case.dataset).layer.aggregate(HAND_WINDOW, level)
            frames.append(pd.DataFrame(f.drop(columns=["geometry", "name"] + [c for c in ("gebied_code",) if c in f])))
        t = pd.concat([frames[0].set_index("code"), frames[1].set_index("code")], axis=1)
        printed = pd.DataFrame(index=t.index)
        for c in COUNTS:
            v = t[c].to_numpy(dtype=float)
            printed[c] = ["" if 1 <= x < THRESHOLD else str(int(np.floor(x / BASE + 0.5) * BASE)) for x in v]
        for share, num, den, _, _ in PAIRS:
            small = (t[num].between(1, THRESHOLD - 1)) | (t[den].between(1, THRESHOLD - 1))
            printed[share] = ["" if s or pd.isna(x) else repr(float(x)) for s, x in zip(small, t[share])]
        old[level] = printed
    found = attack_shares(old[Level.WIJK], HAND_WINDOW.years)
    assert ("BU05990102", "eum_count", 31) in found
    known = found + attack_shares(old[Level.GEBIED], HAND_WINDOW.years)
    narrowed = attack_differences(old[Level.WIJK], old[Level.GEBIED], hand_case.parents(), known)
    assert ("BU05990101", "eum_count", 7, 7) in narrowed


def test_wijk_and_gebied_exports_suppress_consistently(case):
    """The gebied export and the wijk export of one measure and window never contradict: a published
    gebied count lies within the sum of its wijken's ranges (the same decision serves both levels)."""
    wijk = read_printed(case.export(SPECS, "csv", "wijk"), "wijk")
    gebied = read_printed(case.export(SPECS, "csv", "gebied"), "gebied")
    parents = case.parents()
    for key in COUNTS:
        for g in gebied.index:
            parts = [_published_range(wijk.loc[w, key]) for w in wijk.index if parents.get(w) == g]
            total = _published_range(gebied.loc[g, key])
            if total is None or any(p is None for p in parts):
                continue
            assert sum(p[0] for p in parts) <= total[1] and total[0] <= sum(p[1] for p in parts), (key, g)


@pytest.mark.parametrize("fmt", TABLE_FORMATS)
def test_no_researcher_table_prints_more_than_one_decimal(case, fmt):
    """Every share, rate, ratio and mean in csv, gpkg and html carries at most one decimal, and equals
    the figure recomputed from the published (rounded) counts: it adds nothing to them."""
    printed = read_printed(case.export(SPECS, fmt, "wijk"), "wijk")
    for share, num, den, scale, per_year in PAIRS:
        for code, row in printed.iterrows():
            if row[share] == "":
                continue
            assert _decimals(row[share]) <= 1, (fmt, share, code, row[share])
            n, d = _value(row[num]), _value(row[den])
            expect = scale * n / d / (case.window.years if per_year else 1.0)
            assert abs(_value(row[share]) - expect) <= 0.05 + 1e-9, (fmt, share, code, row[share], expect)


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_printed_maps_state_the_rules_and_print_no_finer_figure(hand_case, fmt):
    """PNG/PDF/SVG maps of a ratio: the metadata footnote states threshold, rounding, secondary
    suppression and decimals; the PDF's printed legend values have at most one decimal."""
    out = hand_case.export("brp:persons_per_dwelling,districts", fmt, "wijk")
    if fmt == "png":
        from PIL import Image

        text = Image.open(out).info.get("Description", "")
    elif fmt == "svg":
        text = out.read_text(encoding="utf-8")
    else:
        lines = pdf_text_lines(out)
        numbers = [d for line in lines for d in re.findall(r"(?<![\d.,])\d+(?:\.\d{3})*,(\d+)(?![\d,])", line)]
        assert numbers, "the legend prints values"
        assert all(len(d) <= 1 for d in numbers), numbers
        text = " ".join(" ".join(lines).split())
    for rule in ("secundaire onderdrukking", "afgerond op 5", "afgeronde aantallen", "1 decimaal", "1-9"):
        assert rule in text, (fmt, rule)


@pytest.mark.parametrize("fmt", ["tif", "html", "png", "pdf", "svg"])
def test_one_day_density_is_refused_or_locates_nothing(case, fmt):
    """Attack 3 on a one-day window: a researcher density surface is refused with a clear message;
    had it been written, its peaks would sit on single complaints (today 10-14 m from each)."""
    day = pd.Timestamp(ONE_DAY) if case.name == "hand" else pd.Timestamp(
        pd.to_datetime(case.dataset.complaints["received_on"]).dropna().max()).normalize()
    window = TimeWindow(day, day)
    complaints = case.complaint_points(window)
    assert len(complaints) >= 1
    try:
        out = case.export("complaints:density", fmt, "wijk", window=window, tag="day")
    except UsageError as e:
        assert "ten minste één maand" in str(e)
        return
    peaks = tif_peaks(out) if fmt == "tif" else html_overlay_peaks(out) if fmt == "html" else None
    assert peaks is not None, f"a one-day {fmt} density map was written"
    assert not attack_density_peaks(peaks, complaints, 75.0 if fmt == "tif" else 150.0)


@pytest.mark.parametrize("fmt", ["tif", "html"])
def test_one_month_density_locates_no_complaint(case, fmt):
    """Attack 3 on a one-month window: every peak of the surface (GeoTIFF cells, HTML overlay pixels)
    has at least the threshold of complaints around it, so none locates a single complaint."""
    if case.name == "hand":
        window = TimeWindow("2023-06-01", "2023-06-30")
    else:
        end = case.window.end
        window = TimeWindow(end - pd.DateOffset(months=1) + pd.Timedelta(days=1), end)
    complaints = case.complaint_points(window)
    out = case.export("complaints:density", fmt, "wijk", window=window, tag="month")
    peaks = tif_peaks(out) if fmt == "tif" else html_overlay_peaks(out)
    found = attack_density_peaks(peaks, complaints, 75.0 if fmt == "tif" else 150.0)
    assert not found, f"{case.name} {fmt}: peaks on small groups of complaints {found[:5]}"
    if case.name == "hand" and fmt == "tif":
        assert len(peaks) >= 1  # the June cluster of 12 is shown


def test_every_researcher_file_states_the_rules(hand_case):
    """csv (CSVW sidecar), gpkg (metadata table and layer description), tif (tags) and html (footer)
    state threshold, rounding base, secondary suppression, decimals and grid size."""
    import rasterio

    csv = hand_case.export(SPECS, "csv", "wijk")
    side = json.loads(csv.with_name(csv.name + "-metadata.json").read_text(encoding="utf-8"))
    assert side["url"] == csv.name and side["geo_tool"]["disclosure_threshold"] == THRESHOLD
    assert side["geo_tool"]["disclosure_rounding_base"] == BASE and side["geo_tool"]["disclosure_decimals"] == 1
    gpkg = hand_case.export(SPECS, "gpkg", "wijk")
    info = pyogrio.read_dataframe(gpkg, layer="geo_tool_export_info")
    meta = dict(zip(info["key"], info["value"]))
    assert meta["disclosure_grid_m"] == "100" and "wijk-gebied-gemeente" in meta["disclosure_secondary_suppression"]
    with sqlite3.connect(gpkg) as con:
        desc = con.execute("select description from gpkg_contents where table_name = 'brp_wijk'").fetchone()[0]
    assert "secundaire onderdrukking" in desc
    tif = hand_case.export("complaints:density", "tif", "wijk", window=TimeWindow("2023-06-01", "2023-06-30"),
                           tag="month")
    with rasterio.open(tif) as src:
        tags = src.tags()
        assert src.res == (100.0, 100.0) and np.isnan(src.nodata)
    assert tags["disclosure_threshold"] == "10" and tags["disclosure_min_period"] == "1 month"
    page = hand_case.export(SPECS, "html", "wijk").read_text(encoding="utf-8")
    assert "secundaire onderdrukking" in page and "1 decimaal" in page
