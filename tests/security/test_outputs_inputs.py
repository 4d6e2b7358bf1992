"""Issue 10, part 5: inputs that used to end in a traceback or a blank result.

`train --as-of` after the data, `plan --ranked` that is not a CSV, an address-level HTML map, a map or
waterbed period outside the data and an empty ranking: each now gives one line and exit 2 (unusable
input) or a clear Dutch message and exit 1 (nothing to show), and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo_tool.cli import main
from output_faults import _module_cache, folder_hashes, shared_import_cache  # noqa: F401 (fixtures)


def _error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("geo-tool ")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def unchanged(small_demo):
    """The dataset folder is the same after the test."""
    before = folder_hashes(small_demo)
    yield small_demo
    assert folder_hashes(small_demo) == before


def test_train_as_of_after_the_data_is_exit_2_before_training(unchanged, tmp_path, capsys):
    """`train --as-of 2099-01-01` ended in a scikit-learn ValueError; now exit 2 naming the date, no model folder."""
    out = tmp_path / "model"
    assert main(["train", str(unchanged), "--as-of", "2099-01-01", "--out", str(out)]) == 2
    line = _error_line(capsys)
    assert "2099-01-01" in line and "na de gegevens" in line
    assert not out.exists()


@pytest.mark.parametrize("content, code", [
    (bytes(range(256)) * 8, 2),                        # binary: was a UnicodeDecodeError traceback
    (b"", 2),                                          # empty file
    (b"a,b\n1,2\n", 2),                                # wrong columns
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 2),       # another kind of file
    (b"rank,address_id,score\n", 1),                   # a ranking without addresses: nothing to plan
])
def test_plan_ranked_that_is_not_a_usable_csv(unchanged, tmp_path, capsys, content, code):
    """`plan --ranked` pointing at a non-CSV, an empty file or wrong columns: one line and exit 2; an empty
    ranking: a Dutch message and exit 1; no plan folder is written."""
    ranked = tmp_path / "ranked.csv"
    ranked.write_bytes(content)
    out = tmp_path / "plan"
    assert main(["plan", str(unchanged), "--ranked", str(ranked), "--week", "2024-W06", "--out", str(out)]) == code
    line = _error_line(capsys)
    assert "ranked.csv" in line
    if code == 1:
        assert "geen adressen" in line
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("internal, code", [(False, 2), (True, 0)])
def test_an_address_level_html_map(unchanged, tmp_path, capsys, internal, code):
    """`map --level address --out x.html` with two measures crashed in folium (the wijk outline's tooltip asked
    for the address table's fields); now refused (not internal, exit 2) or written with wijk tooltips."""
    out = tmp_path / "adressen.html"
    argv = ["map", str(unchanged), "--layers", "brp:residents,inspections:visits", "--level", "address",
            "--out", str(out)] + (["--internal"] if internal else [])
    assert main(argv) == code
    if internal:
        page = out.read_text(encoding="utf-8")
        assert "INTERN" in page and "CBS-code" in page
    else:
        assert "per adres" in _error_line(capsys) and not out.exists()


@pytest.mark.parametrize("window", [("9999-01-01", "9999-12-31"), ("0001-01-01", "0001-12-31"),
                                    ("1900-01-01", "1900-12-31")])
def test_a_map_period_outside_the_data_is_exit_1_and_no_blank_map(unchanged, tmp_path, capsys, window):
    """`map --from 9999-01-01 --to 9999-12-31` wrote an empty map with exit 0; now a Dutch message and exit 1."""
    out = tmp_path / "leeg.png"
    argv = ["map", str(unchanged), "--layers", "brp:eum_share", "--from", window[0], "--to", window[1], "--out", str(out)]
    assert main(argv) == 1
    line = _error_line(capsys)
    assert "buiten de gegevens" in line and window[0] in line
    assert not out.exists()


@pytest.mark.parametrize("start", ["1900-01-01", "1980-01-01", "9999-12-31"])
def test_a_waterbed_start_outside_the_data_is_exit_1_and_no_blank_report(unchanged, tmp_path, capsys, start):
    """`waterbed --start 1900-01-01` wrote a report of zeros with exit 0; now a Dutch message and exit 1."""
    out = tmp_path / "waterbed"
    argv = ["waterbed", str(unchanged), "--target", "Carnisse", "--start", start, "--out", str(out)]
    assert main(argv) == 1
    assert "buiten de gegevens" in _error_line(capsys)
    assert not (out / "report.md").exists()


def test_an_empty_ranking_is_exit_1_and_writes_no_file(unchanged, tmp_path, capsys, monkeypatch):
    """`rank` with nothing to rank wrote a header-only ranked.csv with exit 0; now a Dutch message and exit 1."""
    import geo_tool.model.api as api

    columns = ["rank", "address_id", "score", "wijk_code", "reason_1", "reason_2", "reason_3"]
    monkeypatch.setattr(api, "rank_addresses", lambda *a, **k: pd.DataFrame(columns=columns))
    out = tmp_path / "ranked.csv"
    assert main(["rank", str(unchanged), "--as-of", "2024-02-05", "--top", "10", "--out", str(out)]) == 1
    assert "geen adressen" in _error_line(capsys)
    assert not out.exists()


@pytest.mark.parametrize("layers", ["complaints:complaint_count", "complaints:points,districts",
                                    "inspections:hit_rate,complaints:density"])
def test_a_period_without_data_for_the_chosen_layers_is_exit_1(unchanged, tmp_path, capsys, layers):
    """A period inside the register's decades but before any complaint or visit (1990) drew a blank map with
    exit 0; now a Dutch message naming the layers and exit 1. With register data in the period it still works."""
    out = tmp_path / "leeg.png"
    argv = ["map", str(unchanged), "--layers", layers, "--from", "1990-01-01", "--to", "1990-12-31", "--out", str(out)]
    assert main(argv) == 1
    line = _error_line(capsys)
    assert "geen gegevens" in line and layers.split(":")[0] in line
    assert not out.exists()


@pytest.mark.parametrize("as_of", ["1900-01-01", "2099-01-01"])
def test_rank_as_of_outside_the_data_names_the_period(unchanged, tmp_path, capsys, as_of):
    """`rank --as-of` far before or after the data ended with the model's "only 0 usable visits"; now one
    Dutch line naming the date and the data's period, exit 2, and no ranking written."""
    out = tmp_path / "ranked.csv"
    assert main(["rank", str(unchanged), "--as-of", as_of, "--top", "10", "--out", str(out)]) == 2
    line = _error_line(capsys)
    assert as_of in line and "gegevens" in line and "huisbezoeken" in line and "usable" not in line
    assert not out.exists()
