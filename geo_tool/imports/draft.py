"""`geo-tool profile new SOURCE`: draft a profile from an export's header and first rows.

The draft guesses the contract table, the column map (contract names, GBA rubrieken, Signalen and
common Dutch words), the date format from the values, and the address fields. A person finishes it:
unknown columns are listed in a comment, never guessed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from geo_tool.imports.profile import ADDRESS_KEYS, TABLES, Profile

SYNONYMS: dict[str, tuple[str, ...]] = {
    "person_id": ("person_id", "01.20 burgerservicenummer", "burgerservicenummer", "bsn", "a-nummer", "anummer"),
    "registered_from": ("registered_from", "10.30 datum aanvang adreshouding", "datum aanvang adreshouding",
                        "datum_aanvang", "ingangsdatum"),
    "registered_until": ("registered_until", "datum einde adreshouding", "einddatum", "datum_einde"),
    "nationality_group": ("nationality_group", "05.10 nationaliteit", "nationaliteit"),
    "birth_year": ("birth_year", "03.10 geboortedatum", "geboortedatum", "geboortejaar"),
    "rni": ("rni", "indicatie rni"),
    "landlord_id": ("landlord_id", "verhuurder", "eigenaar", "aanvrager"),
    "status": ("status", "besluit", "resultaat"),
    "valid_from": ("valid_from", "datum besluit", "ingangsdatum", "geldig vanaf"),
    "valid_until": ("valid_until", "geldig tot", "einddatum", "vervaldatum"),
    "complaint_id": ("complaint_id", "signal_uuid", "meldingnummer", "melding_id", "id"),
    "received_on": ("received_on", "created_at", "datum melding", "meldingsdatum", "datum"),
    "category": ("category", "sub_category", "subcategorie", "categorie", "category_src"),
    "inspection_id": ("inspection_id", "bezoeknummer", "zaaknummer"),
    "visited_on": ("visited_on", "bezoekdatum", "datum bezoek"),
    "outcome": ("outcome", "uitkomst", "resultaat bezoek"),
}
ADDRESS_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("address_id", "11.90 identificatiecode nummeraanduiding", "identificatiecode nummeraanduiding",
           "nummeraanduiding", "bag_id", "nummeraanduiding_id"),
    "postcode": ("postcode", "11.60 postcode", "address_postcode", "complainant_postcode"),
    "number": ("house_number", "huisnummer", "11.20 huisnummer", "address_huisnummer"),
    "letter": ("house_letter", "huisletter", "11.30 huisletter", "address_huisletter"),
    "addition": ("house_number_addition", "huisnummertoevoeging", "toevoeging", "11.40 huisnummertoevoeging",
                 "address_huisnummer_toevoeging"),
    "street": ("street", "straat", "straatnaam", "11.10 straatnaam", "address_openbare_ruimte", "openbare_ruimte",
               "complainant_street"),
    "woonplaats": ("woonplaats", "11.70 woonplaatsnaam", "woonplaatsnaam", "address_woonplaats", "plaats",
                   "complainant_place"),
    "text": ("adres", "address", "address_text", "locatie"),
    "x": ("x", "x_rd"), "y": ("y", "y_rd"), "lon": ("lon", "longitude", "lengtegraad"),
    "lat": ("lat", "latitude", "breedtegraad"),
}
DATE_FORMATS = (("iso", r"^\d{4}-\d{2}-\d{2}"), ("%Y%m%d", r"^\d{8}$"), ("%d-%m-%Y", r"^\d{2}-\d{2}-\d{4}$"),
                ("%d/%m/%Y", r"^\d{2}/\d{2}/\d{4}$"))


def _pick(header: list[str], names: tuple[str, ...], taken: set[str]) -> str | None:
    lower = {h.strip().lower(): h for h in header}
    for n in names:
        if n in lower and lower[n] not in taken:
            return lower[n]
    return None


def _date_format(values: pd.Series) -> str:
    sample = values[values != ""].head(200)
    for fmt, pattern in DATE_FORMATS:
        if len(sample) and sample.str.match(pattern).mean() > 0.9:
            return fmt
    return "iso"


def draft_profile(source: str | Path, table: str | None = None) -> tuple[Profile, list[str]]:
    """A draft profile for `source` and the header columns it did not place (for a person to finish)."""
    from geo_tool.imports.importer import read_source

    blank = Profile(name=Path(source).stem, table="complaints", columns={}, address={"id": "?"})
    raw = read_source(Path(source), Profile(**{**blank.__dict__, "columns": {}, "address": {}}))
    header = list(raw.frame.columns)
    taken: set[str] = set()
    found: dict[str, str] = {}
    for col, names in SYNONYMS.items():
        hit = _pick(header, names, taken)
        if hit:
            found[col] = hit
            taken.add(hit)
    if table is None:
        scores = {t: sum(c in found for c in cols) for t, cols in TABLES.items()}
        table = max(scores, key=scores.get)
    columns = {c: v for c, v in found.items() if c in TABLES[table]}
    taken = set(columns.values())
    address = {}
    for key in ADDRESS_KEYS:
        hit = _pick(header, ADDRESS_SYNONYMS.get(key, ()), taken)
        if hit:
            address[key] = hit
            taken.add(hit)
    date_cols = [c for c in columns if c in ("registered_from", "registered_until", "birth_year", "valid_from",
                                             "valid_until", "received_on", "visited_on")]
    fmt = _date_format(raw.frame[columns[date_cols[0]]]) if date_cols else "iso"
    partial = bool(fmt == "%Y%m%d" and date_cols and raw.frame[columns[date_cols[0]]].str.match(r"^\d{4}(\d\d00|00\d\d)$").any())
    profile = Profile(name=re.sub(r"[^a-z0-9-]+", "-", Path(source).stem.lower()).strip("-") or "profiel",
                      description=f"concept uit {Path(source).name}; controleer en vul aan", table=table,
                      columns=columns, delimiter=raw.delimiter, date_format=fmt, date_columns=tuple(date_cols),
                      partial_dates=partial, address=address)
    return profile, [h for h in header if h not in taken]


def draft_text(profile: Profile, unplaced: list[str]) -> str:
    """The draft as TOML with a comment listing what a person must still check."""
    head = ["# Concept-importprofiel: controleer de kolommen, het datumformaat en de waardelijsten.",
            "# Zie het profiel 'generic' voor elke sleutel (geo-tool import --list-profiles)."]
    if unplaced:
        head.append("# Kolommen zonder plek in het contract (genegeerd): " + ", ".join(unplaced))
    return "\n".join(head) + "\n" + profile.to_toml()
