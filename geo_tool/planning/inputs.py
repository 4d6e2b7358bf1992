"""Readers for the planner's own input files: the ranking, must-visits, address lists, done visits.

They follow the contract's reading rules where they matter here (UTF-8 with or without BOM, `,` or
`;`, header names case-insensitive, ids as strings) and collect every problem before reporting once;
each problem names the file, the 1-based data row and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd

from geo_tool.errors import UnusableInputError
from geo_tool.i18n import tr
from geo_tool.planning.params import OUTCOMES, DoneVisit, MustVisit

RANKED_COLUMNS = ["rank", "address_id", "score", "wijk_code", "reason_1", "reason_2", "reason_3"]
MAX_LISTED = 10


def _read_table(path: str | Path) -> tuple[pd.DataFrame, bool]:
    """All cells as strings ('' = empty), headers normalised; returns (frame, decimal_comma)."""
    path = Path(path)
    if not path.is_file():
        raise UnusableInputError(path.name, tr("bestand bestaat niet"))
    raw = path.read_bytes()
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = raw.decode("utf-16")
        elif b"\x00" in raw:
            raise UnicodeDecodeError("binary", raw, 0, 1, "NUL byte")
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise UnusableInputError(path.name, tr("is geen tekstbestand (CSV): UTF-8, UTF-16 of Windows-1252 verwacht")) from None
    first = text.splitlines()[0] if text.strip() else ""
    sep = ";" if first.count(";") > first.count(",") else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=True,
                            quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise UnusableInputError(path.name, tr("kan niet als CSV worden gelezen ({cause})", cause=exc)) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame.apply(lambda s: s.str.strip()), sep == ";"


def _fail(path: Path, problems: list[str]) -> None:
    if problems:
        more = tr(" (en nog {n})", n=len(problems) - MAX_LISTED) if len(problems) > MAX_LISTED else ""
        raise UnusableInputError(Path(path).name, "; ".join(problems[:MAX_LISTED]) + more)


def _require(path: Path, frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise UnusableInputError(Path(path).name, tr("verplichte kolom(men) ontbreken: {columns} (gevonden: {found})",
                                                     columns=", ".join(missing),
                                                     found=", ".join(frame.columns) or tr("geen")))


def _bad_ids(frame: pd.DataFrame, column: str = "address_id") -> list[str]:
    ok = frame[column].str.fullmatch(r"\d{16}")
    return [tr("rij {row}, kolom {column}: '{value}' is geen adres-id van 16 cijfers", row=i + 1, column=column, value=v)
            for i, v in zip(np.flatnonzero(~ok.to_numpy()), frame[column][~ok])]


def read_ranked(path: str | Path) -> pd.DataFrame:
    """Read and check a ranking (``rank,address_id,score,wijk_code,reason_1,reason_2,reason_3``).

    Only `address_id` and `score` are required; the rest is filled when missing (rank from the score).
    A bad id, a score that is not a finite number >= 0, or a duplicate id is an error that names the
    file, the row (1 = first data row) and the column; all problems are reported at once.
    """
    path = Path(path)
    frame, decimal_comma = _read_table(path)
    _require(path, frame, ["address_id", "score"])
    problems = _bad_ids(frame)
    txt = frame["score"].str.replace(",", ".", regex=False) if decimal_comma else frame["score"]
    score = pd.to_numeric(txt, errors="coerce")
    bad = score.isna() | ~np.isfinite(score.fillna(0)) | (score < 0)
    problems += [tr("rij {row}, kolom score: '{value}' is geen getal >= 0", row=i + 1, value=v)
                 for i, v in zip(np.flatnonzero(bad.to_numpy()), frame["score"][bad])]
    dup = frame["address_id"].duplicated(keep="first") & frame["address_id"].ne("")
    problems += [tr("rij {row}, kolom address_id: '{value}' komt twee keer voor", row=i + 1, value=v) for i, v in
                 zip(np.flatnonzero(dup.to_numpy()), frame["address_id"][dup])]
    if "rank" in frame.columns:
        rank = pd.to_numeric(frame["rank"], errors="coerce")
        badr = frame["rank"].ne("") & rank.isna()
        problems += [tr("rij {row}, kolom rank: '{value}' is geen getal", row=i + 1, value=v) for i, v in
                     zip(np.flatnonzero(badr.to_numpy()), frame["rank"][badr])]
    _fail(path, problems)
    out = pd.DataFrame({"address_id": frame["address_id"].astype("string"), "score": score.astype(float)})
    for col in ("wijk_code", "reason_1", "reason_2", "reason_3"):
        out[col] = frame[col].replace("", pd.NA).astype("string") if col in frame.columns else pd.Series(
            pd.NA, index=out.index, dtype="string")
    out = out.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out[RANKED_COLUMNS]


def validate_ranked(ranked: pd.DataFrame, name: str = "ranking") -> pd.DataFrame:
    """Check an in-memory ranking the way `read_ranked` checks a file; returns a normalised copy."""
    if "address_id" not in ranked.columns or "score" not in ranked.columns:
        raise UnusableInputError(name, tr("vraagt de kolommen address_id en score"))
    frame = pd.DataFrame({"address_id": ranked["address_id"].astype(str).str.strip()})
    problems = _bad_ids(frame)
    score = pd.to_numeric(ranked["score"], errors="coerce").astype(float).reset_index(drop=True)
    bad = score.isna() | ~np.isfinite(score.fillna(0)) | (score < 0)
    problems += [tr("rij {row}, kolom score: geen getal >= 0", row=i + 1) for i in np.flatnonzero(bad.to_numpy())]
    dup = frame["address_id"].duplicated()
    problems += [tr("rij {row}, kolom address_id: '{value}' komt twee keer voor", row=i + 1, value=v) for i, v in
                 zip(np.flatnonzero(dup.to_numpy()), frame["address_id"][dup])]
    _fail(Path(name), problems)
    out = pd.DataFrame({"address_id": frame["address_id"].astype("string"), "score": score})
    for col in ("wijk_code", "reason_1", "reason_2", "reason_3"):
        out[col] = (ranked[col].reset_index(drop=True).astype("string") if col in ranked.columns
                    else pd.Series(pd.NA, index=out.index, dtype="string"))
    out = out.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def _parse_when(value: str, end_of_day: bool) -> dt.datetime | None:
    if value == "":
        return None
    stamp = dt.datetime.fromisoformat(value.replace(" ", "T"))
    if len(value) == 10 and end_of_day:  # a date only: the end of that day
        stamp = stamp.replace(hour=23, minute=59)
    return stamp


def read_must_visits(path: str | Path) -> tuple[MustVisit, ...]:
    """Read must-visits: ``address_id[,earliest][,latest][,reason]`` (ISO date or date-time)."""
    path = Path(path)
    frame, _ = _read_table(path)
    _require(path, frame, ["address_id"])
    problems = _bad_ids(frame)
    out = []
    for i, row in enumerate(frame.to_dict("records")):
        try:
            early = _parse_when(row.get("earliest", ""), end_of_day=False)
            late = _parse_when(row.get("latest", ""), end_of_day=True)
        except ValueError:
            problems.append(tr("rij {row}, kolom earliest/latest: geen ISO-datum of -tijdstip", row=i + 1))
            continue
        try:
            out.append(MustVisit(row["address_id"], early, late, row.get("reason") or "verplicht bezoek"))
        except Exception as exc:  # noqa: BLE001 - the record's own check
            problems.append(tr("rij {row}: {cause}", row=i + 1, cause=exc))
    _fail(path, problems)
    return tuple(out)


def read_address_list(path: str | Path) -> tuple[str, ...]:
    """Read a list of address ids (a CSV with an ``address_id`` column, e.g. running legal procedures)."""
    path = Path(path)
    frame, _ = _read_table(path)
    _require(path, frame, ["address_id"])
    _fail(path, _bad_ids(frame))
    return tuple(frame["address_id"])


def read_done(path: str | Path) -> tuple[DoneVisit, ...]:
    """Read the visits already made this week, in the contract's inspections.csv format."""
    path = Path(path)
    frame, _ = _read_table(path)
    _require(path, frame, ["inspection_id", "address_id", "visited_on", "outcome"])
    problems = _bad_ids(frame)
    out = []
    for i, row in enumerate(frame.to_dict("records")):
        try:
            when = dt.datetime.fromisoformat(row["visited_on"].replace(" ", "T"))
        except ValueError:
            problems.append(tr("rij {row}, kolom visited_on: '{value}' is geen ISO-datum", row=i + 1, value=row["visited_on"]))
            continue
        outcome = row["outcome"].lower()
        if outcome not in OUTCOMES:
            problems.append(tr("rij {row}, kolom outcome: '{value}' is niet een van {allowed}", row=i + 1,
                                 value=row["outcome"], allowed=", ".join(OUTCOMES)))
            continue
        out.append(DoneVisit(row["address_id"], when, outcome, row.get("team") or None, row["inspection_id"],
                             row.get("selected_by", "")))
    _fail(path, problems)
    return tuple(out)
