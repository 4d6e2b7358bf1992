"""Orchestrates the demo: boundaries -> addresses -> landlords/permits -> beds and households ->
monthly truth and enforcement -> register spells -> complaints/inspections -> files."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geo_tool.boundaries import resolve_boundaries
from geo_tool.demo import addresses as addr_mod
from geo_tool.demo import events, landlords, population, truth, world as world_mod
from geo_tool.demo.calibration import norm_name, wijk_targets
from geo_tool.demo.timeline import END, INTERVENTION, PERMIT_START, iso, month_label
from geo_tool.demo.writer import write_csv, write_gpkg, write_text
from geo_tool.errors import UsageError
from geo_tool.i18n import format_number
from geo_tool.i18n import tr as _tr  # `tr` is the truth below
from geo_tool.progress import NullProgress, Progress

SIZES = ("small", "city")
SMALL_GEBIED_NAME = "Charlois"          # --size small: gebied Charlois only (WK059915)
TARGET_WIJK_NAME = "Carnisse"           # intervention wijk (BU05991572)
#: destination of "portfolio" displacement: a wijk not touching Carnisse where landlords own property
PORTFOLIO_DEST_CITY = ["Oud Mathenesse", "Bospolder"]
PORTFOLIO_DEST_SMALL = ["Pendrecht", "Heijplaat"]
DEST_ADDRESSES_PER_LANDLORD = 4         # addresses each exploitative Carnisse landlord owns per destination
MIN_DEST_PRIVATE = 50
HOUSE_W_EXPLOIT, HOUSE_W_SMALL, HOUSE_W_NO_PERMIT = 1.8, 1.0, 0.8   # log-weights for EUM-house choice
DISPLACEMENT_MODES = ("adjacent", "portfolio")
#: the decoy (realistic world): a new landlord buys whole buildings in a wijk unrelated to the target
DECOY_CITY, DECOY_SMALL = ["Oude Westen", "Crooswijk"], ["Heijplaat", "Charlois Zuidrand"]
DECOY_MIN_PRIVATE = 20
DECOY_UNITS_CITY, DECOY_UNITS_SMALL = 40, 12
WORLDS = ("realistic", "simple")


@dataclass
class DemoSummary:
    """What `generate_demo` wrote."""

    out_dir: Path
    counts: dict[str, int]
    seconds: float
    boundaries: str
    boundaries_source: str
    seed: int
    size: str
    displacement: float
    displacement_mode: str
    destinations: list[str] = field(default_factory=list)
    world: str = "realistic"

    def summary(self) -> str:
        """A short human-readable report: files and row counts, time taken, boundaries used."""
        lines = [_tr("demodataset geschreven naar {path} (zaad {seed}, grootte {size}, wereld {world}) in {seconds} s",
                    path=self.out_dir, seed=self.seed, size=self.size, world=self.world,
                    seconds=format_number(self.seconds, 1)),
                 _tr("grenzen: {path} ({source})", path=self.boundaries,
                    source=_tr(BOUNDARY_SOURCES_NL.get(self.boundaries_source, self.boundaries_source)))]
        if self.boundaries_source == "schematic":
            lines.append(_tr("LET OP: schematische grenzen - kaarten van deze dataset zijn schematisch, geen echte "
                            "geografie"))
        lines.append(_tr("verplaatsing: {share} ({mode}) -> {wijken}", share=format_number(self.displacement, 2),
                        mode=self.displacement_mode, wijken=", ".join(self.destinations) or "-"))
        lines += [f"  {name:<28} {format_number(n):>10}" for name, n in self.counts.items()]
        return "\n".join(lines)


# where the demo's boundaries came from (boundaries.resolve_boundaries), as a Dutch user reads it
BOUNDARY_SOURCES_NL = {"argument": "opgegeven met --boundaries", "environment": "uit $GEO_TOOL_BOUNDARIES",
                       "cached CBS Wijk- en Buurtkaart": "CBS Wijk- en Buurtkaart uit de cache",
                       "schematic": "schematisch"}


def _read_layer(path: Path, wanted: str) -> gpd.GeoDataFrame:
    names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    match = next((n for n in names if n.lower() == wanted), None)
    if match is None:
        raise UsageError(f"{path}: no layer '{wanted}' (has {', '.join(names)})")
    g = gpd.read_file(path, layer=match, engine="pyogrio")
    return g.to_crs(28992) if g.crs is not None and g.crs.to_epsg() != 28992 else g.set_crs(28992, allow_override=True)


def _by_name(wijken: pd.DataFrame, names: list[str]) -> list[int]:
    norm = [norm_name(n) for n in wijken["name"]]
    return [norm.index(norm_name(n)) for n in names if norm_name(n) in norm]


def _keep_complaints_inside(comp_t: pd.DataFrame, comp_addr: np.ndarray, addr: pd.DataFrame,
                            wijken: pd.DataFrame) -> pd.DataFrame:
    """Put a jittered complaint point that fell outside every wijk (at the coast or the river) back on its address.

    The demo must validate without rejects, and a real complaint is geocoded inside the city.
    """
    import shapely

    city = shapely.union_all(np.asarray(wijken.geometry.values))
    shapely.prepare(city)
    x, y = comp_t["x"].to_numpy(dtype=float), comp_t["y"].to_numpy(dtype=float)
    outside = ~shapely.contains_xy(city, x, y)
    if outside.any():
        comp_t = comp_t.copy()
        comp_t.loc[outside, "x"] = addr["x"].to_numpy()[comp_addr[outside]]
        comp_t.loc[outside, "y"] = addr["y"].to_numpy()[comp_addr[outside]]
    return comp_t


def generate_demo(out_dir: str | os.PathLike, *, seed: int = 1, size: str = "small",
                  boundaries: str | os.PathLike | None = None, grid: str | os.PathLike | None = None,
                  displacement: float = 0.3, displacement_mode: str = "adjacent",
                  progress: Progress | None = None, world: str = "realistic") -> DemoSummary:
    """Generate the synthetic Rotterdam dataset folder in `out_dir` (see the module docstring).

    `world`: "realistic" (hidden states, an undercounting register, noisy complaints, biased visits;
    see geo_tool.demo.world) or "simple" (the register shows every violation; kept for tests).
    Deterministic per seed: the same arguments give byte-identical files.
    """
    t0 = time.perf_counter()
    progress = progress or NullProgress()
    if size not in SIZES:
        raise UsageError(f"--size must be one of {', '.join(SIZES)}, not {size!r}")
    if world not in WORLDS:
        raise UsageError(f"--world must be one of {', '.join(WORLDS)}, not {world!r}")
    realistic = world == "realistic"
    if displacement_mode not in DISPLACEMENT_MODES:
        raise UsageError(f"displacement_mode must be one of {', '.join(DISPLACEMENT_MODES)}, not {displacement_mode!r}")
    if not 0 <= displacement <= 1:
        raise UsageError(f"displacement must be between 0 and 1, not {displacement}")
    out = Path(out_dir)
    rng = np.random.default_rng(seed)
    progress.start(10, _tr("demostad maken"))
    step = lambda label: (progress.check_cancelled(), progress.step(label), progress.advance(1))  # noqa: E731

    step(_tr("grenzen"))
    bpath, source = resolve_boundaries(boundaries)
    gebieden = _read_layer(bpath, "gebieden")
    wijken = _read_layer(bpath, "wijken")
    if "gebied_code" not in wijken:
        wijken["gebied_code"] = "WK" + wijken["code"].astype(str).str[2:8]
    if "gebied_name" not in wijken:
        wijken["gebied_name"] = wijken["gebied_code"].map(dict(zip(gebieden["code"], gebieden["name"])))
    for col in ("residents", "dwellings"):
        if col not in wijken:
            raise UsageError(f"{bpath}: layer wijken needs a '{col}' column for the demo")
    if size == "small":
        keep = [norm_name(n) == norm_name(SMALL_GEBIED_NAME) for n in wijken["gebied_name"]]
        if not any(keep):  # another gemeente: the gebied with the most residents
            top = wijken.groupby("gebied_code")["residents"].sum().idxmax()
            keep = (wijken["gebied_code"] == top).tolist()
        wijken = wijken[keep]
        gebieden = gebieden[gebieden["code"].isin(wijken["gebied_code"])]
    wijken = wijken.sort_values("code").reset_index(drop=True)
    gebieden = gebieden.sort_values("code").reset_index(drop=True)
    grid_df = None
    if grid is not None:
        grid_df = gpd.read_file(grid, engine="pyogrio")
        grid_df = grid_df[grid_df["wijk_code"].isin(wijken["code"])].reset_index(drop=True)
    private_pct = pd.to_numeric(wijken.get("perc_huurwoningen_in_bezit_overige_verhuurders",
                                           pd.Series(landlords.DEFAULT_PRIVATE_PCT, index=wijken.index)), errors="coerce")
    targets = wijk_targets(wijken, private_pct.fillna(landlords.DEFAULT_PRIVATE_PCT).to_numpy() / 100)
    res20 = targets["residents_2020"].to_numpy()
    eum20 = targets["eum_2020"].to_numpy()
    eum_share = eum20 / np.maximum(res20, 1)

    step(_tr("adressen"))
    addr = addr_mod.make_addresses(wijken, rng, grid_df)
    A = len(addr)
    w_of = addr["wijk"].to_numpy()

    step(_tr("verhuurders en vergunningen"))
    tenure = landlords.assign_tenure(addr, wijken, rng)
    landlord, ll_table = landlords.assign_landlords(addr, tenure, eum_share, rng)
    exploit_ll = ll_table["exploitative"].to_numpy(bool)
    building = pd.factorize(addr["building_id"])[0].astype(np.int64)
    if realistic:
        landlord = world_mod.whole_buildings(landlord, building, tenure == landlords.TENURE_PRIVATE, exploit_ll, rng)
    # the intervention wijk and the displacement destinations
    target_w = _by_name(wijken, [TARGET_WIJK_NAME])
    target_mask_w = np.zeros(len(wijken), bool)
    target_mask_w[target_w] = True
    private = tenure == landlords.TENURE_PRIVATE
    priv_count = np.bincount(w_of[private], minlength=len(wijken))
    dest_w: list[int] = []
    if target_w:
        tgeom = wijken.geometry.iloc[target_w[0]]
        touching = wijken.geometry.intersects(tgeom).to_numpy() & ~target_mask_w
        if displacement_mode == "adjacent":
            dest_w = [int(i) for i in np.flatnonzero(touching & (priv_count >= MIN_DEST_PRIVATE))]
        else:
            prefs = PORTFOLIO_DEST_SMALL if size == "small" else PORTFOLIO_DEST_CITY
            cand = [i for i in _by_name(wijken, prefs) if not touching[i] and priv_count[i] >= MIN_DEST_PRIVATE]
            if not cand:
                far = np.flatnonzero(~touching & ~target_mask_w & (priv_count >= MIN_DEST_PRIVATE))
                cand = [int(far[np.argmax(eum_share[far])])] if len(far) else []
            dest_w = cand[:1]
    dest_of_landlord: dict[int, np.ndarray] = {}
    if target_w and dest_w and displacement > 0:
        in_t = private & target_mask_w[w_of]
        t_ll = np.unique(landlord[in_t])
        t_ll = t_ll[exploit_ll[t_ll]]
        pool = np.flatnonzero(private & np.isin(w_of, dest_w) & ~exploit_ll[np.maximum(landlord, 0)])
        k = min(len(t_ll) * DEST_ADDRESSES_PER_LANDLORD, len(pool))
        give = rng.choice(pool, size=k, replace=False)
        owners = np.repeat(t_ll, DEST_ADDRESSES_PER_LANDLORD)[:k]
        landlord[give] = owners   # the landlord buys property in the destination
        order = np.argsort(owners, kind="stable")
        splits = np.flatnonzero(np.diff(owners[order])) + 1
        for grp in np.split(order, splits):
            if len(grp):
                dest_of_landlord[int(owners[grp[0]])] = np.sort(give[grp])
    decoy_w, decoy_addr = [], np.zeros(0, np.int64)
    if realistic and target_w:
        excluded = touching | target_mask_w
        excluded[dest_w] = True
        decoy_w, decoy_addr = _decoy(wijken, w_of, building, private, excluded, priv_count,
                                     DECOY_SMALL if size == "small" else DECOY_CITY,
                                     DECOY_UNITS_SMALL if size == "small" else DECOY_UNITS_CITY, rng)
        if len(decoy_addr):   # a new landlord, owning nothing in or near the target
            landlord[decoy_addr] = len(ll_table)
            ll_table = pd.concat([ll_table, pd.DataFrame({"landlord_id": [f"L{len(ll_table) + 1:07d}"],
                                                          "n_addresses": [0], "exploitative": [False]})],
                                 ignore_index=True)
            exploit_ll = ll_table["exploitative"].to_numpy(bool)
    ll_n = np.bincount(landlord[landlord >= 0], minlength=len(ll_table))
    ll_table["n_addresses"] = ll_n
    goed = landlords.goed_huren_mask(wijken)
    permits, vf, vu = landlords.make_permits(addr, landlord, ll_table, goed, rng)

    step(_tr("bevolking"))
    area = addr["floor_area_m2"].to_numpy(float)
    a_exploit = np.where(landlord >= 0, exploit_ll[np.maximum(landlord, 0)], False)
    vac_pct = pd.to_numeric(wijken.get("percentage_onbewoond", pd.Series(population.DEFAULT_VACANCY_PCT, index=wijken.index)),
                            errors="coerce").fillna(population.DEFAULT_VACANCY_PCT).to_numpy()
    vacant = rng.random(A) < vac_pct[w_of] / 100
    no_permit = goed[w_of] & (vf < 0)
    house_w = np.exp(HOUSE_W_EXPLOIT * a_exploit + HOUSE_W_SMALL * (area < 55) - 0.012 * (area - 60)
                     + HOUSE_W_NO_PERMIT * no_permit)
    eligible = private & ~vacant
    beds, addr_kind = population.make_beds(addr, eum20, house_w, eligible, rng)
    hh_sp, _ = population.household_spells(addr, wijken, np.maximum(res20 - eum20, 0), ~vacant & (addr_kind == 0), rng)

    step(_tr("werkelijkheid en handhaving"))
    ctx = truth.Context(wijk=w_of, area=area, private=private, landlord=landlord, exploit=a_exploit,
                        permit_from=vf, permit_until=vu, goed_huren=goed[w_of], target=target_mask_w[w_of],
                        dest_addr_of_landlord=dest_of_landlord)
    extra_sp = None
    if realistic:
        hidden = world_mod.traits(ctx, building, addr["building_year"].to_numpy(), private,
                                  tenure == landlords.TENURE_CORPORATION, exploit_ll, addr_kind, rng)
        sweep_w = (np.bincount(w_of, weights=addr_kind > 0, minlength=len(wijken)) > 0) | goed
        wres = world_mod.simulate(ctx, hidden, beds, rng, displacement, sweep_w,
                                  portfolio=displacement_mode == "portfolio", decoy=decoy_addr)
        tr = wres.truth
    else:
        tr = truth.simulate(ctx, beds, rng, displacement)

    step(_tr("register"))
    stay = world_mod.BED_STAY_DAYS if realistic else population.EUM_MEAN_STAY_DAYS
    eum_sp, fixed, displaced = population.place_bed_spells(beds, tr.bed_close, tr.events, rng, stay)
    eum_sp = population.match_movers(eum_sp, population.EUM_MOVER_SHARE, rng, fixed=fixed)
    hh_sp = population.match_movers(hh_sp, population.MOVER_SHARE, rng)
    offset = int(hh_sp.person.max()) + 1 if len(hh_sp) else 0
    eum_sp.person = eum_sp.person + offset
    displaced["person"] = displaced["person"] + offset
    parts = [hh_sp, eum_sp]
    if realistic:
        parts = [world_mod.overstay(p, rng) for p in parts]
        first = int(eum_sp.person.max()) + 1 if len(eum_sp) else offset
        parts.append(world_mod.occupant_spells(wres.packed, hidden.employer, rng, first, decoy=decoy_addr))
    sp = population.Spells.concat(parts)
    sp = sp.take(np.lexsort((sp.start, sp.person)))
    uniq, inv = np.unique(sp.person, return_inverse=True)
    perm = rng.permutation(len(uniq)) + 1
    pid = np.char.add("P", np.char.zfill(perm.astype(str), 8))   # 'P' + 8 digits: never a BSN
    person_id = pid[inv]

    step(_tr("meldingen en huisbezoeken"))
    if realistic:
        comp = wres.complaints
    else:
        comp = events.make_complaints(A, tr.viol_addr, tr.viol_month, tr.viol_mask, tr.insp, rng,
                                      (tr.dispute_addr, tr.dispute_start, tr.dispute_end))
    ids = addr["address_id"].to_numpy()
    south = np.isin(wijken["gebied_code"].to_numpy(), list(_south_codes()))[w_of]
    comp_t = events.complaints_table(comp, ids, addr["x"].to_numpy(), addr["y"].to_numpy(), rng)
    comp_t = _keep_complaints_inside(comp_t, comp["addr"].to_numpy(), addr, wijken)
    insp_t = events.inspections_table(tr.insp, ids, south, target_mask_w[w_of], rng)

    step(_tr("schrijven"))
    counts: dict[str, int] = {}
    out.mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)
    w_cols = [c for c in wijken.columns if c != "geometry"]
    wk = gpd.GeoDataFrame(wijken[w_cols].copy(), geometry=wijken.geometry.to_numpy(), crs=28992)
    for c in ("residents", "dwellings"):
        wk[c] = pd.to_numeric(wk[c], errors="coerce").fillna(0).astype("int64")
    write_gpkg({"gebieden": gebieden, "wijken": wk}, out / "districts.gpkg")
    counts["districts.gpkg:gebieden"], counts["districts.gpkg:wijken"] = len(gebieden), len(wk)
    a_out = gpd.GeoDataFrame(addr[["address_id", "street", "house_number", "house_letter", "house_number_addition",
                                   "postcode", "wijk_code", "floor_area_m2", "building_year", "building_id"]].copy(),
                             geometry=gpd.points_from_xy(addr["x"], addr["y"]), crs=28992)
    write_gpkg({"addresses": a_out}, out / "addresses.gpkg")
    counts["addresses.gpkg"] = A
    seen = sp.start < END  # the register is exported on 2026-01-01: later moves are not in it yet
    brp = pd.DataFrame({
        "person_id": person_id[seen], "address_id": ids[sp.addr[seen]], "registered_from": iso(sp.start[seen]),
        "registered_until": np.where(sp.end[seen] >= END, "", iso(np.minimum(sp.end[seen], END))),
        "nationality_group": population.NATIONALITIES[sp.nat[seen]], "birth_year": sp.birth[seen],
        "rni": np.where(sp.rni[seen], "true", "false"),
    })
    write_csv(brp, out / "brp_registrations.csv")
    counts["brp_registrations.csv"] = len(brp)
    perm_t = pd.DataFrame({
        "address_id": ids[permits["addr"].to_numpy()],
        "landlord_id": ll_table["landlord_id"].to_numpy()[permits["landlord"].to_numpy()],
        "status": permits["status"].to_numpy(), "valid_from": iso(permits["valid_from"].to_numpy()),
        "valid_until": np.where(permits["valid_until"].to_numpy() < 0, "", iso(np.maximum(permits["valid_until"].to_numpy(), 0))),
    }).sort_values(["valid_from", "address_id"], kind="stable")
    write_csv(perm_t, out / "permits.csv")
    counts["permits.csv"] = len(perm_t)
    write_csv(comp_t, out / "complaints.csv")
    counts["complaints.csv"] = len(comp_t)
    write_csv(insp_t, out / "inspections.csv")
    counts["inspections.csv"] = len(insp_t)
    iv_rows = [{"wijk_code": wijken["code"].iat[i], "start": iso([INTERVENTION])[0], "end": "",
                "kind": "intensified_enforcement",
                "description": "Carnisse approach: intensified home visits (EU labour migrants, overcrowding, room rental)"}
               for i in target_w]
    iv_rows += [{"wijk_code": wijken["code"].iat[i], "start": iso([PERMIT_START])[0], "end": "", "kind": "landlord_permit",
                 "description": "Goed huren en verhuren: verhuurdersvergunning required"} for i in np.flatnonzero(goed)]
    iv = pd.DataFrame(iv_rows, columns=["wijk_code", "start", "end", "kind", "description"])
    write_csv(iv, out / "interventions.csv")
    counts["interventions.csv"] = len(iv)
    counts.update(_write_truth(out / "truth", tr, ids, w_of, wijken, landlord, ll_table, tenure, addr_kind, displaced,
                               person_id_of=dict(zip(uniq, pid)), targets=targets,
                               params={"seed": seed, "size": size, "displacement": displacement,
                                       "displacement_mode": displacement_mode, "boundaries": str(bpath),
                                       "world": world,
                                       "boundaries_source": source,
                                       "target_wijk": [wijken["code"].iat[i] for i in target_w],
                                       "destination_wijken": [wijken["code"].iat[i] for i in dest_w],
                                       "decoy": {"wijk_code": [wijken["code"].iat[i] for i in decoy_w],
                                                 "landlord_id": [ll_table["landlord_id"].iat[-1]] if len(decoy_addr) else [],
                                                 "addresses": int(len(decoy_addr))}}))
    if realistic:
        counts.update(_write_realistic_truth(out / "truth", wres, ids, hidden, ll_table))
    progress.finish()
    return DemoSummary(out_dir=out, counts=counts, seconds=time.perf_counter() - t0, boundaries=str(bpath),
                       boundaries_source=source, seed=seed, size=size, displacement=displacement,
                       displacement_mode=displacement_mode, destinations=[wijken["name"].iat[i] for i in dest_w],
                       world=world)


def _decoy(wijken, w_of: np.ndarray, building: np.ndarray, private: np.ndarray, excluded: np.ndarray,
           priv_count: np.ndarray, prefs: list[str], units: int, rng: np.random.Generator) -> tuple[list[int], np.ndarray]:
    """The decoy wijk (first of `prefs` not excluded, else the non-excluded wijk with most private rentals)
    and the private units of whole multi-unit buildings there that a new landlord buys (about `units`)."""
    cand = [i for i in _by_name(wijken, prefs) if not excluded[i] and priv_count[i] >= DECOY_MIN_PRIVATE]
    if not cand:
        free = np.flatnonzero(~excluded & (priv_count >= DECOY_MIN_PRIVATE))
        if not len(free):
            return [], np.zeros(0, np.int64)
        cand = [int(free[np.argmax(priv_count[free])])]
    w = cand[0]
    here = np.flatnonzero(private & (w_of == w))
    b, cnt = np.unique(building[here], return_counts=True)
    multi = b[cnt >= 2] if (cnt >= 2).any() else b
    chosen, total = [], 0
    for bb in rng.permutation(multi):   # a few dozen buildings at most
        chosen.append(bb)
        total += int(cnt[np.searchsorted(b, bb)])
        if total >= units:
            break
    return [w], np.sort(here[np.isin(building[here], chosen)])


def _south_codes() -> set[str]:
    from geo_tool.demo.schematic import SOUTH_GEBIEDEN
    return SOUTH_GEBIEDEN


TRUTH_README = """# The hidden truth of the demo city

These files are what really happened in the synthetic city. Only evaluation code may read them; the
tool itself (training, ranking, maps) must never use them.

| file | what |
|---|---|
| violations_monthly.csv | `address_id, month (YYYY-MM), violations (;-separated types)`: one row per address and month with a violation |
| landlords.csv | `landlord_id, n_addresses, exploitative` |
| addresses.csv | `address_id, wijk_code, tenure (owner/corporation/private), landlord_id, eum_place (none/single/house)` |
| displacement.csv | `person_id, from_address_id, from_wijk_code, to_address_id, to_wijk_code, landlord_id, left_on, registered_on, mode`: persons displaced from the intervention wijk by the Carnisse approach (empty when displacement = 0) |
| targets.csv | calibration targets per wijk: residents and registered EUM on 2020-01-01 |
| parameters.json | seed, size, world, displacement share and mode, boundaries used, target and destination wijken, and (realistic world) `decoy`: the wijk, landlord and number of addresses of the unrelated rise (a new landlord filling whole buildings after the start, no links to the target) |
| latent_risk_monthly.csv | (realistic world) `address_id, month, risk`: the probability of a violation that month given the hidden state up to the month before; rows with risk < 0.02 are left out (read as 0). Ranking by it gives the oracle ceiling |

How the truth was made: EU labour migrants' beds (exactly the seed tables' registered EUM per wijk on
2020-01-01, growing with the 2017-2020 nationality trend) sit in a minority of private-rental
addresses ("EUM houses", more often small, of exploitative landlords and without a valid permit).
3+ registered persons in a house is illegal room rental unless permitted; with hidden occupants it is
overcrowding and a wrong register; exploitative landlords add signals of exploitation. A background
chain adds violations invisible in the register. Inspections find a true violation with p = 0.85
(4 % false positives, 10 % no access); found violations are mostly resolved within 1-4 months and the
tenants relocate within the wijk. From 2022-01-01 Carnisse is inspected intensively; there a resolved
house of an exploitative landlord is, with probability `displacement`, moved with its tenants to that
landlord's address in the destination wijk(s) (they register there within 60 days); otherwise the
tenants leave. EUM counts include RNI registrations (about 5 % of EUM spells).

The realistic world makes the waterbed hard (issue 12): the approach raises reporting in Carnisse
(complaints per cause x 1.8) while its violations fall; in `portfolio` mode the displaced operation keeps
going at the destination address (packed from the month after) and its tenants, housed by their
employer, seldom complain, so the destination's complaints barely move while the same persons
re-register there 5-60 days after leaving; in every mode a new landlord fills whole buildings in the
`decoy` wijk 2-12 months after the start with tenants from outside Carnisse (no link to the target).
"""


def _write_truth(folder: Path, tr: truth.TruthResult, ids: np.ndarray, w_of: np.ndarray, wijken: pd.DataFrame,
                 landlord: np.ndarray, ll_table: pd.DataFrame, tenure: np.ndarray, addr_kind: np.ndarray,
                 displaced: pd.DataFrame, person_id_of: dict, targets: pd.DataFrame, params: dict) -> dict[str, int]:
    codes = wijken["code"].to_numpy()
    order = np.lexsort((ids[tr.viol_addr], tr.viol_month))
    vm = pd.DataFrame({"address_id": ids[tr.viol_addr][order], "month": month_label(tr.viol_month[order]),
                       "violations": truth.mask_to_text(tr.viol_mask[order])})
    write_csv(vm, folder / "violations_monthly.csv")
    write_csv(ll_table[["landlord_id", "n_addresses", "exploitative"]], folder / "landlords.csv")
    lid = np.where(landlord >= 0, ll_table["landlord_id"].to_numpy()[np.maximum(landlord, 0)], "")
    at = pd.DataFrame({"address_id": ids, "wijk_code": codes[w_of],
                       "tenure": np.array(["owner", "corporation", "private"])[tenure], "landlord_id": lid,
                       "eum_place": np.array(["none", "single", "house"])[addr_kind]})
    write_csv(at, folder / "addresses.csv")
    d = displaced.sort_values(["left_on", "person"], kind="stable")
    fa, ta = d["from_addr"].to_numpy(np.int64), d["to_addr"].to_numpy(np.int64)
    dt = pd.DataFrame({"person_id": [person_id_of[p] for p in d["person"].to_numpy()],
                       "from_address_id": ids[fa], "from_wijk_code": codes[w_of[fa]],
                       "to_address_id": ids[ta], "to_wijk_code": codes[w_of[ta]],
                       "landlord_id": lid[fa], "left_on": iso(d["left_on"].to_numpy()),
                       "registered_on": iso(d["registered_on"].to_numpy()), "mode": params["displacement_mode"]},
                      columns=["person_id", "from_address_id", "from_wijk_code", "to_address_id", "to_wijk_code",
                               "landlord_id", "left_on", "registered_on", "mode"])
    write_csv(dt, folder / "displacement.csv")
    write_csv(targets, folder / "targets.csv")
    write_text(json.dumps(params, indent=2, sort_keys=True) + "\n", folder / "parameters.json")
    write_text(TRUTH_README, folder / "README.md")
    return {"truth/violations_monthly.csv": len(vm), "truth/displacement.csv": len(dt)}


def _write_realistic_truth(folder: Path, wres: "world_mod.WorldResult", ids: np.ndarray, hidden,
                           ll_table: pd.DataFrame) -> dict[str, int]:
    """The realistic world's extra truth: the monthly latent risk per address (the oracle ceiling)."""
    r = wres.risk
    order = np.lexsort((ids[r["addr"].to_numpy()], r["month"].to_numpy()))
    risk = pd.DataFrame({"address_id": ids[r["addr"].to_numpy()][order], "month": month_label(r["month"].to_numpy()[order]),
                         "risk": np.round(r["risk"].to_numpy()[order].astype(float), 4)})
    write_csv(risk, folder / "latent_risk_monthly.csv")
    return {"truth/latent_risk_monthly.csv": len(risk)}
