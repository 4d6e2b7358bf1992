"""Output-path rules: no command may overwrite its own inputs, and a bad output path fails before the work.

Every command that writes checks its output path here first (the params objects call these in
`__post_init__`, so the CLI and the window share them):

- an output is never the dataset folder, a folder that holds it, a file of the dataset contract
  (`districts.gpkg`, `addresses.*`, `brp_registrations.csv`, ... matched case-insensitively like the
  import does), anything in its `truth/` folder, nor one of the command's other input files;
  paths are compared after resolving symlinks and `..`, and existing files also by inode (hard links);
- an output file is not an existing folder, an output folder is not an existing file, and the
  nearest existing folder above the output can be written to (probed by creating a file).

Messages are Dutch, one line, and name the path and the option. The CLI also turns any `OSError`
that still escapes into one line naming the path (see `os_error_message`).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Iterable

from geo_tool.errors import UsageError
from geo_tool.i18n import tr

TRUTH_FOLDER = "truth"


def resolved(path: str | os.PathLike) -> Path:
    """The absolute path with symlinks and `..` resolved (also when the path does not exist yet)."""
    return Path(os.path.realpath(os.path.abspath(os.fspath(path))))


def _contract_names() -> frozenset[str]:
    from geo_tool.dataset.load import KNOWN_FILES

    return frozenset(name.lower() for name in KNOWN_FILES)


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def dataset_conflict(out: str | os.PathLike, dataset: str | os.PathLike) -> str | None:
    """Why writing `out` would damage the dataset folder `dataset`, or None when it would not.

    Damage: `out` is the dataset folder or a folder above it, a contract file of it (present or
    not; names compared case-insensitively), or anything inside its truth/ folder; or `out` is an
    existing file that is (hard-linked to) one of the dataset's files.
    """
    target, root = resolved(out), resolved(dataset)
    if _is_within(root, target):
        return "is de datasetmap zelf" if target == root else "bevat de datasetmap"
    if target.parent == root and target.name.lower() in _contract_names():
        return f"is het databestand {target.name} van de dataset"
    if _is_within(target, root / TRUTH_FOLDER):
        return "ligt in de map truth/ van de dataset"
    if target.is_file() and Path(dataset).is_dir():
        names = _contract_names()
        for p in Path(dataset).iterdir():
            if p.is_file() and p.name.lower() in names and _same_file(p, target):
                return f"is hetzelfde bestand als {p.name} van de dataset"
    return None


def input_conflict(out: str | os.PathLike, source: str | os.PathLike, *, may_contain: bool = False) -> bool:
    """True when writing `out` would overwrite the input file or folder `source`.

    That is: `out` is `source` (or the same file through a link), lies inside the folder `source`,
    or (unless `may_contain`, for outputs that only add named files to a folder) holds `source`.
    """
    target, src = resolved(out), resolved(source)
    if target == src or _same_file(target, src) or (src.is_dir() and _is_within(target, src)):
        return True
    return not may_contain and _is_within(src, target)


def _nearest_existing(path: Path) -> Path:
    p = path
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def _check_writable_folder(folder: Path, option: str, shown: str | os.PathLike) -> None:
    """The nearest existing folder at or above `folder` must be a folder we can create files in."""
    base = _nearest_existing(resolved(folder))
    if not base.is_dir():
        raise UsageError(tr("{option}: '{shown}' kan niet worden gemaakt: '{base}' is een bestand, geen map",
                            option=option, shown=shown, base=base))
    try:
        fd, probe = tempfile.mkstemp(prefix=".geo_tool_probe.", dir=base)
    except OSError as exc:
        raise UsageError(tr("{option}: in map '{base}' kan niet worden geschreven ({cause})", option=option, base=base,
                            cause=_reason(exc))) from None
    os.close(fd)
    os.unlink(probe)


def check_path_text(path: str | os.PathLike, option: str) -> None:
    """Refuse a path the operating system cannot take (empty, a NUL byte, text that cannot be encoded)."""
    text = os.fspath(path)
    if not str(text).strip():
        raise UsageError(tr("{option}: geen pad opgegeven", option=option))
    try:
        os.fsencode(text)
    except UnicodeError:
        raise UsageError(tr("{option}: '{text}' bevat tekens die geen bestandsnaam kunnen zijn", option=option,
                            text=repr(text))) from None
    if "\x00" in str(text):
        raise UsageError(tr("{option}: het pad bevat een NUL-teken", option=option))


def _check_inputs(out: str | os.PathLike, option: str, dataset, inputs: Iterable, may_contain: bool = False) -> None:
    check_path_text(out, option)
    if dataset is not None:
        why = dataset_conflict(out, dataset)
        if why:
            raise UsageError(tr("{option}: '{out}' {why}; kies een uitvoerpad buiten de invoer (die blijft ongewijzigd)",
                                option=option, out=out, why=tr(why)))
    for source in inputs:
        if source is not None and str(source).strip() and input_conflict(out, source, may_contain=may_contain):
            raise UsageError(tr("{option}: '{out}' zou invoerbestand '{source}' overschrijven; kies een ander uitvoerpad",
                                option=option, out=out, source=source))


def check_output_file(out: str | os.PathLike, option: str = "--out", *, dataset: str | os.PathLike | None = None,
                      inputs: Iterable[str | os.PathLike | None] = ()) -> None:
    """Refuse (UsageError, exit 2) a file output that would damage an input or cannot be written.

    Checked before any work starts: not a dataset or input file, not an existing folder, its folder
    (or the nearest existing one above it) is a writable folder, and an existing file is writable.
    """
    path = Path(out)
    _check_inputs(out, option, dataset, inputs)
    if path.is_dir():
        raise UsageError(tr("{option}: '{out}' is een bestaande map; geef een bestandsnaam", option=option, out=out))
    if path.exists() and not path.is_file():
        raise UsageError(tr("{option}: '{out}' is geen gewoon bestand", option=option, out=out))
    _check_writable_folder(resolved(path).parent, option, out)
    if path.is_file() and not os.access(path, os.W_OK):
        raise UsageError(tr("{option}: bestand '{out}' is alleen-lezen", option=option, out=out))


def check_output_folder(out: str | os.PathLike, option: str = "--out", *, dataset: str | os.PathLike | None = None,
                        inputs: Iterable[str | os.PathLike | None] = (), may_contain_inputs: bool = False) -> None:
    """Refuse (UsageError, exit 2) a folder output that would damage an input or cannot be written.

    Checked before any work starts: not the dataset folder or a folder holding it, not a dataset or
    input file, not an existing file, and the folder (or the nearest existing one above it) is writable.
    `may_contain_inputs`: the command only adds its own named files to the folder, so an input file
    may lie in it (the dataset folder itself never may be inside it).
    """
    path = Path(out)
    _check_inputs(out, option, dataset, inputs, may_contain_inputs)
    if path.exists() and not path.is_dir():
        raise UsageError(tr("{option}: '{out}' is een bestaand bestand; geef een map", option=option, out=out))
    _check_writable_folder(resolved(path), option, out)


def _reason(exc: OSError) -> str:
    known = {errno.EACCES: "geen schrijfrechten", errno.EPERM: "niet toegestaan", errno.EROFS: "alleen-lezen schijf",
             errno.ENOSPC: "schijf vol", errno.EDQUOT: "quotum vol", errno.EISDIR: "is een map",
             errno.ENOTDIR: "is geen map", errno.ENOENT: "bestaat niet", errno.EEXIST: "bestaat al",
             errno.ENAMETOOLONG: "naam te lang"}
    return known.get(exc.errno, exc.strerror or type(exc).__name__)


def os_error_message(exc: OSError) -> str:
    """One Dutch line for an operating-system error that escaped a job: the path(s) and the reason."""
    paths = " -> ".join(f"'{p}'" for p in (exc.filename, exc.filename2) if p is not None)
    return f"{paths}: {_reason(exc)}" if paths else f"bestandsfout: {_reason(exc)}"


def _is_earlier_demo(folder: Path) -> bool:
    """True when `folder` was written by `geo-tool demo` (its truth/parameters.json names a seed and a size)."""
    import json

    try:
        params = json.loads((folder / TRUTH_FOLDER / "parameters.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(params, dict) and "seed" in params and "size" in params


def check_demo_folder(out: str | os.PathLike, option: str = "--out") -> None:
    """A demo may replace an earlier demo, never a folder holding another dataset (real data has no truth/)."""
    folder = Path(out)
    if not folder.is_dir():
        return
    names = _contract_names()
    found = sorted(p.name for p in folder.iterdir() if p.name.lower() in names)
    if found and not _is_earlier_demo(folder):
        raise UsageError(tr("{option}: map '{out}' bevat al een dataset ({files}) die geen demo is; een demo "
                            "overschrijft die niet: kies een lege of nieuwe map", option=option, out=out,
                            files=", ".join(found[:3])))


def check_not_a_dataset(out: str | os.PathLike, option: str = "--out") -> None:
    """Refuse a folder that itself holds a dataset (contract files) as the place for a run's outputs."""
    folder = Path(out)
    if folder.is_dir():
        names = _contract_names()
        found = sorted(p.name for p in folder.iterdir() if p.name.lower() in names)
        if found:
            raise UsageError(tr("{option}: map '{out}' is een datasetmap ({files}); kies een map voor de uitvoer buiten "
                                "de dataset", option=option, out=out, files=", ".join(found[:3])))

