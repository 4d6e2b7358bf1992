"""`geo-tool demo --as-exported`: the demo's files as a municipality's systems would export them.

Writes `exports/` in the dataset folder:
- `brp-gba.csv`: the register as a GBA extract (LO GBA rubrieken as headers, `;`, `YYYYMMDD` dates,
  BSNs passing the 11-test, nationality as the Tabel 32 code (as GBA holds it; or its description),
  some GBA dates with an unknown
  day `YYYYMM00`, nummeraanduiding ids partly in the long BAG form and partly missing);
- `meldingen-signalen.csv`: complaints as a Signalen-style export (typed address in separate fields
  with typing errors, postcode spelled `3074 ht`, `12-B` in the number field, GPS point for app reports);
- `vergunningen-tekstadres.csv`: permits with one text address (`Putselaan 12-B`), Dutch status words
  and `dd-mm-jjjj` dates.
Each is importable with the shipped profile of the same name. Everything is vectorised and seeded.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_tool.demo.writer import write_csv

# (Landelijke Tabel 32 code, description) per nationality group, from the RvIG table as published in
# BRP-API/Haal-Centraal-BRP-bevragen, scripts/Tabel32 Nationaliteitentabel.csv; the brp-gba profile maps them back.
NATIONALITY_TABEL32 = {
    "NL": [("0001", "Nederlandse")],
    "EU-MOE": [("0072", "Poolse"), ("0074", "Roemeense"), ("0053", "Bulgaarse"), ("0061", "Hongaarse"),
               ("0027", "Slowaakse"), ("0028", "Tsjechische"), ("0046", "Litouwse"), ("0044", "Letse"),
               ("0045", "Estische"), ("0043", "Kroatische"), ("0042", "Sloveense")],
    "EU-Zuid": [("0077", "Spaanse"), ("0073", "Portugese"), ("0064", "Italiaanse"), ("0059", "Griekse")],
    "EU-overig": [("0055", "Burger van de Bondsrepubliek Duitsland"), ("0052", "Belgische"), ("0057", "Franse")],
    "non-EU": [("0339", "Turkse"), ("0131", "Marokkaanse"), ("0263", "Surinaamse"), ("0121", "Kaapverdische"),
               ("0336", "Syrische")],
    "unknown": [("0000", "Onbekend")],
}
SIGNALEN_CATEGORIES = {
    "overbewoning": ("Wonen", "Woningdelen / spookburgers"),
    "verkamering": ("Wonen", "Onderhuur en adreskwaliteit"),
    "uitbuiting": ("Wonen", "Crimineel bewoning"),
    "woonoverlast": ("Overlast van en door personen of groepen", "Overige overlast door personen"),
    "afval": ("Afval", "Huisafval"),
    "geluid": ("Overlast Bedrijven en Horeca", "Geluidsoverlast muziek"),
    "overig": ("Overig", "Overig"),
}
PERMIT_WORDS = {"applied": "Aangevraagd", "granted": "Verleend", "refused": "Geweigerd", "revoked": "Ingetrokken",
                "exempt": "Vrijgesteld"}


def synthetic_bsn(index: np.ndarray) -> np.ndarray:
    """Nine-digit numbers passing the BSN 11-test, one per integer (distinct for distinct integers).

    Used only in the demo; the importer's loader replaces them by a keyed hash.
    """
    index = np.asarray(index, dtype=np.int64)
    out = np.zeros(len(index), dtype=np.int64)
    todo = np.ones(len(index), dtype=bool)
    for offset in (0, 1):
        prefix = 10_000_000 + 2 * index + offset
        digits = np.stack([(prefix // 10 ** (7 - i)) % 10 for i in range(8)], axis=1)
        r = (digits * np.arange(9, 1, -1)).sum(axis=1) % 11
        ok = todo & (r != 10)
        out[ok] = prefix[ok] * 10 + r[ok]
        todo &= ~ok
    return out


def _typo_postcode(pc: pd.Series, rng: np.random.Generator, share: float) -> pd.Series:
    """Swap the two letters of a share of postcodes (a wrong postcode; street + number still finds it)."""
    hit = rng.random(len(pc)) < share
    swapped = pc.str.slice(0, 4) + pc.str.slice(5, 6) + pc.str.slice(4, 5)
    return pc.where(~hit | (swapped == pc), swapped.where(hit, pc))


def _spell_postcode(pc: pd.Series, rng: np.random.Generator) -> pd.Series:
    """`3074HT`, `3074 HT`, `3074 ht`, `3074ht` at random (all the same postcode)."""
    u = rng.random(len(pc))
    spaced = pc.str.slice(0, 4) + " " + pc.str.slice(4)
    out = pc.where(u < 0.55, spaced)
    out = out.where(u < 0.8, spaced.str.lower())
    return out.where(u < 0.9, pc.str.lower())


def _str(series: pd.Series) -> pd.Series:
    return series.astype("string").fillna("")


def gba_extract(brp: pd.DataFrame, addr: pd.DataFrame, rng: np.random.Generator,
                nationality_as: str = "code") -> pd.DataFrame:
    """The register as a GBA extract with LO GBA rubrieken as column names.

    `nationality_as` is "code" (05.10 as the 4-digit Tabel 32 code, what a GBA extract holds) or
    "description" (the table's omschrijving, what some BI exports write instead).
    """
    if nationality_as not in ("code", "description"):
        raise ValueError(f"nationality_as must be 'code' or 'description', not {nationality_as!r}")
    which = 0 if nationality_as == "code" else 1
    aid = _str(brp["address_id"])
    f = _address_fields(aid, addr)
    codes, person_index = np.unique(_str(brp["person_id"]).to_numpy(), return_inverse=True)
    bsn = pd.Series(synthetic_bsn(person_index)).astype("string").str.zfill(9)
    birth = pd.to_numeric(brp["birth_year"], errors="coerce")
    month = rng.integers(1, 13, len(brp))
    day = rng.integers(1, 29, len(brp))
    unknown_md = rng.random(len(brp)) < 0.02
    # YYYYMMDD as one integer, formatted once (GBA: MMDD 0000 when month and day are unknown)
    as_int = birth.fillna(0).astype(np.int64).to_numpy() * 10_000 + np.where(unknown_md, 0, month * 100 + day)
    birth_text = pd.Series(as_int).astype("string").str.zfill(8).where(birth.notna().to_numpy(), "")
    group = _str(brp["nationality_group"]).replace("", "unknown")
    pick = rng.random(len(brp))
    words = np.full(len(brp), "", dtype=object)
    for g, options in NATIONALITY_TABEL32.items():
        m = (group == g).to_numpy()
        choices = np.asarray([entry[which] for entry in options], dtype=object)
        words[m] = choices[(pick[m] * len(choices)).astype(int)]
    start = _str(brp["registered_from"]).str.slice(0, 10).str.replace("-", "", regex=False)
    day_unknown = rng.random(len(brp)) < 0.005
    start = start.where(~day_unknown | ~start.str.endswith("01"), start.str.slice(0, 6) + "00")
    end = _str(brp["registered_until"]).str.slice(0, 10).str.replace("-", "", regex=False)
    id_form = rng.random(len(brp))
    num_id = aid.where(id_form < 0.7, "NL.IMBAG.NUMMERAANDUIDING." + aid).where(id_form < 0.93, "")
    rni = _str(brp["rni"]).str.lower().map({"true": "J", "false": "N"}).fillna("")
    return pd.DataFrame({
        "01.20 burgerservicenummer": bsn.to_numpy(),
        "03.10 geboortedatum": birth_text.to_numpy(),
        "05.10 nationaliteit": words,
        "10.30 datum aanvang adreshouding": start.to_numpy(),
        "datum einde adreshouding": end.to_numpy(),
        "11.10 straatnaam": f["street"].to_numpy(),
        "11.20 huisnummer": f["number"].to_numpy(),
        "11.30 huisletter": f["letter"].to_numpy(),
        "11.40 huisnummertoevoeging": f["addition"].to_numpy(),
        "11.60 postcode": _spell_postcode(f["postcode"], rng).to_numpy(),
        "11.70 woonplaatsnaam": "Rotterdam",
        "11.90 identificatiecode nummeraanduiding": num_id.to_numpy(),
        "indicatie RNI": rni.to_numpy(),
    })


def _number_field(number: pd.Series, letter: pd.Series, addition: pd.Series, rng: np.random.Generator,
                  share_combined: float) -> tuple[pd.Series, pd.Series, pd.Series]:
    """A share of rows with letter/addition typed into the number field (`12-B`, `12 bis`, `12b`)."""
    hit = (rng.random(len(number)) < share_combined) & ((letter != "") | (addition != ""))
    sep = pd.Series(np.where(rng.random(len(number)) < 0.5, "-", " "), index=number.index)
    combined = number + sep + (letter.str.lower().where(rng.random(len(number)) < 0.5, letter) + addition.str.lower())
    return number.where(~hit, combined), letter.where(~hit, ""), addition.where(~hit, "")


def _typo_street(street: pd.Series, rng: np.random.Generator, share: float) -> pd.Series:
    """Drop one letter from a share of street names (a typing error no rule repairs)."""
    hit = rng.random(len(street)) < share
    cut = (rng.random(len(street)) * street.str.len().clip(lower=2)).astype(int).clip(lower=1)
    chars = street.to_numpy(dtype=object)
    out = street.copy()
    idx = np.flatnonzero(hit & (street.str.len() > 3).to_numpy())
    out.iloc[idx] = [chars[i][: cut.iloc[i]] + chars[i][cut.iloc[i] + 1:] for i in idx]
    return out


def _address_fields(address_ids: pd.Series, addr: pd.DataFrame) -> dict[str, pd.Series]:
    """Street, number, letter, addition and postcode of each address id, as text ('' when unknown)."""
    a = addr.set_index("address_id")
    aid = _str(address_ids)
    number = a["house_number"].astype("Int64").astype("string")
    return {"street": _str(aid.map(a["street"])), "number": _str(aid.map(number)),
            "letter": _str(aid.map(a["house_letter"])), "addition": _str(aid.map(a["house_number_addition"])),
            "postcode": _str(aid.map(a["postcode"]))}


def signalen_export(comp: pd.DataFrame, addr: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Complaints as a Signalen-style export with typed addresses, typing errors and app GPS points."""
    aid = _str(comp["address_id"])
    n = len(comp)
    f = _address_fields(aid, addr)
    number, letter, addition = _number_field(f["number"], f["letter"], f["addition"], rng, 0.3)
    street = _typo_street(f["street"], rng, 0.03)
    pc = _typo_postcode(f["postcode"], rng, 0.04)
    pc = _spell_postcode(pc, rng).where(rng.random(n) > 0.05, "")  # 5% without postcode
    x, y = pd.to_numeric(comp["x"], errors="coerce"), pd.to_numeric(comp["y"], errors="coerce")
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True).transform(x.to_numpy(), y.to_numpy())
    app = (rng.random(n) < 0.4) | (aid == "").to_numpy()
    lon_s = pd.Series(np.round(lon, 6)).astype("string").where(app & np.isfinite(lon), "")
    lat_s = pd.Series(np.round(lat, 6)).astype("string").where(app & np.isfinite(lat), "")
    cat = _str(comp["category"]).astype(object)
    main = cat.map({k: v[0] for k, v in SIGNALEN_CATEGORIES.items()}).fillna("Overig")
    sub = cat.map({k: v[1] for k, v in SIGNALEN_CATEGORIES.items()}).fillna("Overig")
    received = pd.to_datetime(comp["received_on"]) + pd.to_timedelta(rng.integers(7 * 3600, 22 * 3600, n), unit="s")
    return pd.DataFrame({
        "id": np.arange(1, n + 1), "signal_uuid": _str(comp["complaint_id"]).to_numpy(),
        "source": np.where(app, "app", "online"),
        "created_at": received.dt.strftime("%Y-%m-%dT%H:%M:%S+01:00").to_numpy(),
        "main_category": main.to_numpy(), "sub_category": sub.to_numpy(), "status": "Afgehandeld",
        # Signalen's datawarehouse export writes st_x (longitude) as `lat` and st_y as `lng`; kept so.
        "lat": lon_s.to_numpy(), "lng": lat_s.to_numpy(),
        "address_openbare_ruimte": street.to_numpy(), "address_huisnummer": number.to_numpy(),
        "address_huisletter": letter.to_numpy(), "address_huisnummer_toevoeging": addition.to_numpy(),
        "address_postcode": pc.to_numpy(), "address_woonplaats": "Rotterdam",
    })


def permit_list(perm: pd.DataFrame, addr: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Permits with one text address (`Putselaan 12-B`), Dutch status words and dd-mm-jjjj dates."""
    n = len(perm)
    f = _address_fields(perm["address_id"], addr)
    number = f["number"]
    u = rng.random(n)
    suffix = f["letter"] + f["addition"]
    sep = pd.Series(np.where(u < 0.5, "-", np.where(u < 0.8, " ", "")), index=perm.index)
    suffix = suffix.where(u < 0.9, suffix.str.lower())
    text = f["street"] + " " + number + (sep + suffix).where(suffix != "", "")
    pc = _spell_postcode(f["postcode"], rng).where(rng.random(n) > 0.1, "")
    def fmt(iso: pd.Series) -> pd.Series:
        s = _str(iso)
        return (s.str.slice(8, 10) + "-" + s.str.slice(5, 7) + "-" + s.str.slice(0, 4)).where(s != "", "")

    return pd.DataFrame({
        "zaaknummer": [f"Z/{2019 + i % 5}/{100000 + i}" for i in range(n)],
        "adres": text.to_numpy(), "postcode": pc.to_numpy(), "woonplaats": "Rotterdam",
        "verhuurder": _str(perm["landlord_id"]).to_numpy(),
        "status": _str(perm["status"]).map(PERMIT_WORDS).fillna("").to_numpy(),
        "datum besluit": fmt(perm["valid_from"]).to_numpy(), "geldig tot": fmt(perm["valid_until"]).to_numpy(),
    })


def write_exports(dataset_dir: str | Path, seed: int = 1, nationality_as: str = "code") -> list[Path]:
    """Write `exports/` in the dataset folder from its contract files; returns the written paths.

    `nationality_as`: the GBA extract's 05.10 as Tabel 32 "code" (default) or "description".
    """
    root = Path(dataset_dir)
    rng = np.random.default_rng(seed + 1_000_003)
    addr = gpd.read_file(root / "addresses.gpkg").drop(columns="geometry")
    read = lambda name: pd.read_csv(root / name, dtype=str, keep_default_na=False)  # noqa: E731
    out = root / "exports"
    written = []
    gba = gba_extract(read("brp_registrations.csv"), addr, rng, nationality_as)
    write_csv_semicolon(gba, out / "brp-gba.csv")
    written.append(out / "brp-gba.csv")
    write_csv(signalen_export(read("complaints.csv"), addr, rng), out / "meldingen-signalen.csv")
    written.append(out / "meldingen-signalen.csv")
    write_csv_semicolon(permit_list(read("permits.csv"), addr, rng), out / "vergunningen-tekstadres.csv")
    written.append(out / "vergunningen-tekstadres.csv")
    return written


def write_csv_semicolon(frame: pd.DataFrame, target: Path) -> None:
    """A `;`-separated CSV (what Dutch systems and Excel write), atomically."""
    from geo_tool.fileio import write_csv_atomic

    write_csv_atomic(frame, target, sep=";", lineterminator="\n")
