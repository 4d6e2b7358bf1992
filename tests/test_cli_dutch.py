"""The command line speaks Dutch by default and English with `--lang en` (issue 15, "Dutch throughout").

The main commands run once on the small demo in Dutch mode; their terminal output and every human-readable
file they write (.md, .txt, the text of PDFs and HTML pages) are scanned for English words from
tests/english_words.py. Machine files (CSV columns, JSON keys, GPX) and the names the contract fixes
(commands, options, file names, choices) are not scanned.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from english_words import english_words

from geo_tool.cli import build_parser
from geo_tool.i18n import format_number, language, set_language


def _run(*args: str, lang: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GEO_TOOL_LANG"}
    if lang:
        env["GEO_TOOL_LANG"] = lang
    return subprocess.run([sys.executable, "-m", "geo_tool", *args], capture_output=True, text=True, env=env,
                          timeout=1800)


def _choices(parser: argparse.ArgumentParser) -> set[str]:
    """Every value argparse offers as a choice (command names, --mode walk/bike/car, ...) and every
    placeholder named after its option (RANKED): names the contract fixes."""
    found: set[str] = set()
    for action in parser._actions:
        found.add(str(action.metavar or action.dest).upper())  # RANKED, BOUNDARIES: the option's name
        if action.choices:
            found |= {str(c) for c in action.choices}
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    found |= _choices(sub)
    return found


def _parsers(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    out = [(parser.prog, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                out += _parsers(sub)
    return out


@pytest.fixture
def dutch():
    """Dutch mode for in-process checks, restored afterwards."""
    before = language()
    set_language("nl")
    yield
    set_language(before)


def test_every_help_text_is_dutch(dutch):
    """`geo-tool ... --help` of every command and subcommand holds no English word (argparse's own texts too)."""
    parser = build_parser()
    allowed = _choices(parser)
    problems = {}
    for prog, p in _parsers(parser):
        found = english_words(p.format_help(), allowed)
        if found:
            problems[prog] = found
    assert not problems, problems


def test_help_is_english_with_lang_en():
    """`--lang en` (before or after the command) and GEO_TOOL_LANG=en give the English help."""
    for args, lang in ((["--lang", "en", "plan", "--help"], None), (["plan", "--help", "--lang", "en"], None),
                       (["plan", "--help"], "en")):
        r = _run(*args, lang=lang)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("usage: geo-tool plan") and "ISO week, e.g. 2024-W05" in r.stdout, args
        assert "gebruik" not in r.stdout and "werkdagen" not in r.stdout
    r = _run("plan", "--help")
    assert r.stdout.startswith("gebruik: geo-tool plan") and "werkdagen" in r.stdout


def test_the_english_table_has_the_same_placeholders():
    """Every English text fills the same {placeholders} as its Dutch source (else `tr` would fail in English)."""
    from geo_tool import i18n
    from geo_tool.ui import i18n as _ui  # noqa: F401  (registers the window's table)

    field = re.compile(r"\{(\w*)[^{}]*\}")
    bad = {nl: en for nl, en in i18n._EN.items() if sorted(field.findall(nl)) != sorted(field.findall(en))}
    assert not bad, bad


def test_numbers_read_the_dutch_way():
    """One helper formats every number a user reads: 1.234,5 in Dutch, 1,234.5 in English, '?' when missing."""
    assert format_number(1234.5, 1, "nl") == "1.234,5"
    assert format_number(1234567, 0, "nl") == "1.234.567"
    assert format_number(0.25, 2, "nl") == "0,25"
    assert format_number(1234.5, 1, "en") == "1,234.5"
    assert format_number(float("nan")) == "?" and format_number(None) == "?"


def test_error_lines_are_dutch_and_english_on_request(tmp_path):
    """A usage error is one Dutch line ('fout', the option named); with --lang en the same line is English."""
    r = _run("map", str(tmp_path), "--layers", "brp", "--out", str(tmp_path / "x.csv"), "--level", "building")
    assert r.returncode == 2
    assert r.stderr.startswith("geo-tool map: fout: --level building:"), r.stderr
    assert english_words(r.stderr, _choices(build_parser())) == [], r.stderr
    r = _run("--lang", "en", "validate", str(tmp_path / "nope"))
    assert r.returncode == 2 and r.stderr.startswith("geo-tool validate: error: dataset folder"), r.stderr
    r = _run("validate", str(tmp_path / "nope"))
    assert r.returncode == 2 and r.stderr.startswith("geo-tool validate: fout: datasetmap"), r.stderr
    r = _run("plan", str(tmp_path), "--ranked", "r.csv", "--week", "2024-W02", "--out", str(tmp_path / "p"),
             "--hours", "9-17")
    assert r.returncode == 2 and english_words(r.stderr, _choices(build_parser())) == [], r.stderr
    r = _run("rank")  # argparse's own error
    assert r.returncode == 2 and "fout: deze argumenten zijn verplicht" in r.stderr, r.stderr


# -- the main commands on the small demo, once -------------------------------------------------------------

@pytest.fixture(scope="module")
def runs(small_demo, tmp_path_factory):
    """demo, validate, map (PDF, HTML), rank, plan and waterbed in Dutch mode: {command: (result, out path)}."""
    tmp = tmp_path_factory.mktemp("dutch_cli")
    results = {
        "demo": (_run("demo", "--size", "small", "--out", str(tmp / "demo")), tmp / "demo"),
        "validate": (_run("validate", str(small_demo), "--rejects", str(tmp / "rejects.csv")), tmp / "rejects.csv"),
        "map pdf": (_run("map", str(small_demo), "--layers", "brp:eum_share,districts", "--out",
                         str(tmp / "kaart.pdf")), tmp / "kaart.pdf"),
        "map html": (_run("map", str(small_demo), "--layers",
                          "brp:eum_share,complaints:complaint_rate,inspections:hit_rate", "--out",
                          str(tmp / "kaart.html")), tmp / "kaart.html"),
        "rank": (_run("rank", str(small_demo), "--as-of", "2024-01-01", "--top", "300", "--out",
                      str(tmp / "ranked.csv")), tmp / "ranked.csv"),
    }
    results["plan"] = (_run("plan", str(small_demo), "--ranked", str(tmp / "ranked.csv"), "--week", "2024-W02",
                            "--time-limit", "3", "--out", str(tmp / "plan")), tmp / "plan")
    results["waterbed"] = (_run("waterbed", str(small_demo), "--target", "carnisse", "--start", "2022-01-01",
                                "--out", str(tmp / "wb")), tmp / "wb")
    return results


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout


def _html_text(path: Path) -> str:
    """What a reader sees of an HTML page: the text outside scripts and styles, and titles/tooltips."""
    page = path.read_text(encoding="utf-8", errors="replace")
    attrs = " ".join(re.findall(r'\b(?:title|alt|placeholder|aria-label)="([^"]*)"', page))
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", page) + " " + attrs)


def _readable_files(folder: Path) -> dict[str, str]:
    """The human-readable files under `folder` (or the file itself) as text."""
    paths = [folder] if folder.is_file() else sorted(p for p in folder.rglob("*") if p.is_file())
    texts = {}
    for p in paths:
        suffix = p.suffix.lower()
        if suffix in (".md", ".txt"):
            texts[p.name] = p.read_text(encoding="utf-8", errors="replace")
        elif suffix == ".pdf":
            texts[p.name] = _pdf_text(p)
        elif suffix == ".html":
            texts[p.name] = _html_text(p)
    return texts


def _scan_files(folder: Path) -> dict[str, list[str]]:
    found = {name: english_words(text) for name, text in _readable_files(folder).items()}
    return {name: words for name, words in found.items() if words}


@pytest.mark.parametrize("command", ["demo", "validate", "map pdf", "map html", "rank", "plan"])
def test_terminal_output_is_dutch(runs, command):
    """What the command prints (summary, progress lines, notes) holds no English word in Dutch mode."""
    result, _out = runs[command]
    assert result.returncode in (0, 1), result.stderr
    found = english_words(result.stdout + "\n" + result.stderr, _choices(build_parser()))
    assert not found, found


@pytest.mark.parametrize("command", ["map pdf", "map html", "plan"])
def test_written_files_are_dutch(runs, command):
    """The maps, visit sheets, week map and plan report a user opens hold no English word in Dutch mode."""
    result, out = runs[command]
    assert result.returncode == 0, result.stderr
    texts = _readable_files(out)
    assert texts, f"nothing readable written to {out}"
    found = _scan_files(out)
    assert not found, found


def test_waterbed_output_is_dutch(runs):
    """The waterbed summary and its report folder (report.md, report.pdf, LEESMIJ) hold no English word and
    write numbers with a decimal comma."""
    result, out = runs["waterbed"]
    assert result.returncode == 0, result.stderr
    found = english_words(result.stdout + result.stderr, _choices(build_parser()))
    found += [f"{name}: {w}" for name, words in _scan_files(out).items() for w in words]
    assert not found, found
    assert not re.search(r"[+-]?\d+\.\d+ \[", result.stdout), "decimal points in the waterbed summary"


def test_english_mode_prints_english(runs, small_demo, tmp_path):
    """With --lang en the same command prints its summary in English (the Dutch words are gone)."""
    r = _run("--lang", "en", "validate", str(small_demo), "--rejects", str(tmp_path / "r.csv"))
    assert r.returncode == 0, r.stderr
    assert "no rejects: everything imported as given" in r.stdout and "afgekeurd" not in r.stdout
    assert re.search(r"\d,\d{3}\b", r.stdout), "English thousands separator"
    dutch_run = runs["validate"][0]
    assert "geen afkeuringen" in dutch_run.stdout and re.search(r"\d\.\d{3}\b", dutch_run.stdout), dutch_run.stdout


def test_rejects_are_reported_in_dutch(small_demo, tmp_path):
    """A copy with broken rows: validate's summary lists the reject reasons in Dutch (rejects.csv too),
    and in English with --lang en."""
    broken = tmp_path / "broken"
    shutil.copytree(small_demo, broken, ignore=shutil.ignore_patterns("truth", "rejects*.csv"))
    brp = broken / "brp_registrations.csv"
    lines = brp.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[3].split(",")
    row[header.index("registered_from")] = "31-12-2021"    # not ISO
    lines[3] = ",".join(row)
    row = lines[7].split(",")
    row[header.index("address_id")] = "0599999999999999"  # unknown address
    lines[7] = ",".join(row)
    lines[10] += ",extra"                                  # too many fields
    brp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = _run("validate", str(broken))
    assert r.returncode == 1, r.stderr
    assert "ongeldige datum" in r.stdout and "onbekend address_id" in r.stdout and "te veel" in r.stdout
    assert english_words(r.stdout + r.stderr, _choices(build_parser())) == []
    reasons = " ".join(pd.read_csv(broken / "rejects.csv", dtype=str)["reason"])
    assert english_words(reasons) == [], reasons
    r = _run("--lang", "en", "validate", str(broken), "--no-cache", "--rejects", str(tmp_path / "en.csv"))
    assert "invalid date" in r.stdout and "unknown address_id" in r.stdout and "too many" in r.stdout, r.stdout
