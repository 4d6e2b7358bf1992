"""Which wijk is the target, which are its buffer (neighbours) and which form the control.

Queen contiguity comes from libpysal on the wijk polygons; a distance band takes every wijk whose
polygon lies within the given metres of the target's polygon (edge to edge, RD New metres).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_tool.errors import UsageError
from geo_tool.i18n import tr


def normalise_name(name: object) -> str:
    """Lower case, dashes and underscores as spaces, single spaces: `Oud-Charlois` == `oud  charlois`."""
    return re.sub(r"\s+", " ", re.sub(r"[-_‐–]", " ", str(name))).strip().lower()


def resolve_wijk(wijken: pd.DataFrame, target: str) -> str:
    """The wijk code of ``target`` given as a code or a name (case- and dash-insensitive).

    Raises `UsageError` naming the value and a few close names when nothing matches.
    """
    codes = wijken["code"].astype(str)
    t = str(target).strip()
    hit = codes[codes.str.upper() == t.upper()]
    if len(hit):
        return str(hit.iloc[0])
    names = wijken["name"].astype(str).map(normalise_name)
    hit = codes[names == normalise_name(t)]
    if len(hit) == 1:
        return str(hit.iloc[0])
    if len(hit) > 1:
        raise UsageError(tr("wijknaam {name} is niet eenduidig: codes {codes}; geef de code", name=repr(target), codes=", ".join(hit)))
    import difflib

    close = difflib.get_close_matches(normalise_name(t), list(names), n=5, cutoff=0.5)
    spelled = dict(zip(names, wijken["name"].astype(str)))  # as CBS spells them
    hint = tr("; bedoelt u {names}?", names=", ".join(spelled.get(c, c) for c in close)) if close else ""
    raise UsageError(tr("onbekende wijk {name}: geef een wijkcode (BU...) of wijknaam{hint}", name=repr(target), hint=hint))


@dataclass(frozen=True)
class BufferRule:
    """How the buffer is drawn: queen contiguity, or every wijk within ``distance_m`` of the target."""

    kind: str  # "queen" | "distance"
    distance_m: float = 0.0

    @classmethod
    def parse(cls, rule: "str | BufferRule") -> "BufferRule":
        """Parse ``queen`` or ``distance:<metres>``."""
        if isinstance(rule, BufferRule):
            return rule
        r = str(rule).strip().lower()
        if r == "queen":
            return cls("queen")
        m = re.fullmatch(r"distance:\s*([0-9]+(?:\.[0-9]*)?)", r)
        if m:
            return cls("distance", float(m.group(1)))
        raise UsageError(tr("bufferregel {rule} is niet toegestaan: gebruik 'queen' of 'distance:<meters>' (bijv. distance:500)", rule=repr(rule)))

    def describe(self) -> str:
        """Dutch description for the report."""
        if self.kind == "queen":
            return "buurwijken (queen-contiguïteit: wijken die een grens of hoekpunt delen, libpysal)"
        return f"wijken binnen {self.distance_m:g} m van de grens van de doelwijk"


_QUEEN_CACHE: dict[tuple, object] = {}


def queen_weights(wijken: gpd.GeoDataFrame):
    """libpysal Queen weights of the wijk polygons, cached per polygon set (2 s on the city's 91 wijken)."""
    from libpysal.weights import Queen

    key = (len(wijken), tuple(wijken["code"].astype(str)), float(wijken.geometry.area.sum()))
    w = _QUEEN_CACHE.get(key)
    if w is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w = Queen.from_dataframe(wijken.reset_index(drop=True), use_index=False)
        if len(_QUEEN_CACHE) >= 4:
            _QUEEN_CACHE.pop(next(iter(_QUEEN_CACHE)))
        _QUEEN_CACHE[key] = w
    return w


def queen_neighbours(wijken: gpd.GeoDataFrame) -> dict[str, list[str]]:
    """Queen contiguity of the wijk polygons (libpysal), as code -> list of neighbour codes."""
    w = queen_weights(wijken)
    codes = wijken["code"].astype(str).to_numpy()
    return {codes[i]: [codes[j] for j in w.neighbors[i]] for i in range(len(codes))}


def buffer_wijken(wijken: gpd.GeoDataFrame, target_code: str, rule: BufferRule) -> list[str]:
    """The buffer wijken of the target under ``rule`` (never the target itself), sorted by code.

    With queen contiguity a target that touches nothing (slivers or gaps between polygons) falls back to
    the wijken within 1 m, so that digitising gaps do not leave the buffer empty.
    """
    codes = wijken["code"].astype(str)
    geom = wijken.geometry[codes == target_code].union_all()
    if rule.kind == "queen":
        out = queen_neighbours(wijken).get(target_code, [])
        if not out:
            out = list(codes[(wijken.geometry.distance(geom) <= 1.0) & (codes != target_code)])
    else:
        out = list(codes[(wijken.geometry.distance(geom) <= rule.distance_m) & (codes != target_code)])
    return sorted(out)


CONTROL_RULES = ("rest", "same_gebied_type")


def control_wijken(wijken: pd.DataFrame, exclude: set[str], rule: str,
                   target_code: str, problem_rate: pd.Series | None = None) -> tuple[list[str], str]:
    """The control wijken and a Dutch sentence saying how they were chosen.

    ``rest``: every other wijk. ``same_gebied_type``: wijken of the target's gebied type when the
    districts carry a ``gebied_type`` (or ``type``) column, else the wijken in the same third of the
    before-period problem rate (``problem_rate``, per 1,000 residents) as the target. Wijken without
    residents are left out (harbour and industrial areas tell nothing about housing).
    """
    if rule not in CONTROL_RULES:
        raise UsageError(tr("controle {rule} is niet toegestaan: kies uit {rules}", rule=repr(rule), rules=", ".join(CONTROL_RULES)))
    codes = wijken["code"].astype(str)
    res = pd.to_numeric(wijken.get("residents", pd.Series(np.nan, index=wijken.index)), errors="coerce")
    keep = ~codes.isin(exclude) & ~(res.fillna(1) <= 0).to_numpy()
    if rule == "rest":
        return sorted(codes[keep]), "de rest van de stad (alle andere bewoonde wijken)"
    for col in ("gebied_type", "type", "wijk_type"):
        if col in wijken.columns:
            t = wijken[col].astype(str)
            tt = t[codes == target_code].iloc[0]
            sel = keep & (t == tt).to_numpy()
            return sorted(codes[sel]), f"wijken van hetzelfde type ({col} = {tt})"
    if problem_rate is None:
        raise UsageError(tr("controle 'same_gebied_type' heeft een kolom gebied_type of een probleemcijfer nodig"))
    pr = problem_rate.reindex(codes.to_numpy()).to_numpy(float)
    q = np.nanquantile(pr, [1 / 3, 2 / 3])
    third = np.digitize(pr, q)
    tthird = third[(codes == target_code).to_numpy()][0]
    sel = keep & (third == tthird)
    label = ["laagste", "middelste", "hoogste"][int(tthird)]
    return sorted(codes[sel]), (f"wijken in het {label} derde van het aantal meldingen per 1.000 bewoners "
                                "vóór de start (geen gebiedstype in de gegevens)")
