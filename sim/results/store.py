"""The results folder: written whole or not at all, and read back in one place.

A folder is written under a hidden temporary name beside its target and renamed into place
when complete, so Ctrl-C or a kill leaves nothing at the target path, and an existing folder
is replaced only when asked (``force``), after the new one is complete, and only if negsim
wrote it (its manifest says so): ``--force`` can never delete a folder of the user's.

A temporary folder left by a process that died (``kill -9``, a power cut) is removed by the
next run that writes beside it, unless it holds a file named ``checkpoint`` (a run kept for
``--resume``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.processes import pid_alive

OUTCOMES_CSV = "outcomes.csv"
SUMMARY_JSON = "summary.json"
MANIFEST_JSON = "manifest.json"
ROUNDS_CSV = "rounds_summary.csv"
POSITIONS_CSV = "positions_summary.csv"
TRAJECTORIES = "rounds.parquet"


class ResultsError(Exception):
    """A results folder that cannot be written or read; the message says which and why."""


def default_target(root: Path, scenario_id: str, now: dt.datetime | None = None) -> Path:
    """``results/<scenario>/<timestamp>/`` with a UTC timestamp that sorts by time."""
    now = now or dt.datetime.now(dt.UTC)
    return root / scenario_id / now.strftime("%Y%m%dT%H%M%SZ")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


CHECKPOINT = "checkpoint"  # a temporary folder holding this file is kept for --resume
MANIFEST_LIMIT = 50_000_000
_HOST = re.sub(r"[^A-Za-z0-9_-]", "_", platform.node() or "host")
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?:partial|old)-(?P<pid>\d+)(?:@(?P<host>[\w-]+))?$")


def written_by_negsim(folder: Path) -> bool:
    """Whether a folder is a results folder negsim wrote (its manifest names negsim)."""
    manifest = folder / MANIFEST_JSON
    try:
        if folder.is_symlink() or not manifest.is_file() or manifest.is_symlink():
            return False
        if manifest.stat().st_size > MANIFEST_LIMIT:
            return False
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(data, dict)
        and isinstance(data.get("versions"), dict)
        and "negsim" in data["versions"]
        and ("scenario_sha256" in data or "inputs" in data)
    )


def _refuse_to_replace(target: Path) -> str | None:
    """Why ``--force`` must not replace ``target``, or None when it may."""
    if target.is_symlink():
        return "is a symbolic link; not replaced (give the folder it points to, if negsim wrote it)"
    if not target.is_dir():
        return "exists and is not a folder; not replaced"
    real = target.resolve()
    here = Path.cwd().resolve()
    if real == here or real in here.parents or real == Path.home().resolve():
        return "holds the current folder or is the home folder; not replaced"
    if not written_by_negsim(target):
        return (
            "exists and is not a results folder negsim wrote (no negsim manifest.json); "
            "--force replaces only those, so it is left untouched: choose another --out"
        )
    return None


def remove_stale(parent: Path) -> list[Path]:
    """Remove temporary folders beside ours left by processes of this machine that died.

    A folder holding a ``checkpoint`` file is kept (a run to resume). Returns what was removed.
    """
    removed = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = _TEMPORARY.match(entry.name)
        if m is None or (m["host"] is not None and m["host"] != _HOST):
            continue
        try:
            if entry.is_symlink() or not entry.is_dir() or (entry / CHECKPOINT).exists():
                continue
        except OSError:
            continue
        if pid_alive(int(m["pid"])):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


class ResultsFolder:
    """A folder being written: files go to a temporary sibling until ``commit``."""

    def __init__(self, target: Path, force: bool = False):
        target = Path(target)
        if not target.name or target.name in (".", ".."):
            raise ResultsError(f"{target}: not a folder negsim can write results into")
        self.target = target
        self.force = force
        if target.exists() or target.is_symlink():
            if not force:
                raise ResultsError(
                    f"{target}: already exists; choose another --out or add --force to replace it"
                )
            why = _refuse_to_replace(target)
            if why is not None:
                raise ResultsError(f"{target}: {why}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            remove_stale(target.parent)
            self.path = target.parent / f".{target.name}.partial-{os.getpid()}@{_HOST}"
            if self.path.exists():
                shutil.rmtree(self.path)
            self.path.mkdir()
        except OSError as exc:
            where = exc.filename or target.parent
            raise ResultsError(f"{where}: cannot write results here ({exc.strerror})") from None

    def __enter__(self) -> ResultsFolder:
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is not None:
            self.abandon()

    def file(self, name: str) -> Path:
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write_csv(self, name: str, table: pd.DataFrame) -> None:
        table.to_csv(self.file(name), index=False, lineterminator="\n")

    def write_json(self, name: str, data: Any) -> None:
        self.file(name).write_text(json.dumps(data, indent=2, default=str) + "\n")

    def write_text(self, name: str, text: str) -> None:
        self.file(name).write_text(text, encoding="utf-8")

    def abandon(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def commit(self) -> Path:
        """Rename the finished folder into place (replacing an old one only with force)."""
        old = None
        if self.target.exists() or self.target.is_symlink():
            why = _refuse_to_replace(self.target) if self.force else "appeared while it ran"
            if why is not None:  # appeared (or changed) while we worked
                self.abandon()
                raise ResultsError(f"{self.target}: {why}; the new results were not kept")
            old = self.target.parent / f".{self.target.name}.old-{os.getpid()}@{_HOST}"
            self.target.rename(old)
        self.path.rename(self.target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.target


@dataclass
class Results:
    """A results folder read back: the tables and the two JSON documents."""

    path: Path
    outcomes: pd.DataFrame
    summary: dict[str, Any]
    manifest: dict[str, Any]
    rounds: pd.DataFrame
    positions: pd.DataFrame


def load_results(folder: Path) -> Results:
    """Read a results folder written by ``negsim run``."""
    folder = Path(folder)
    needed = (OUTCOMES_CSV, SUMMARY_JSON, MANIFEST_JSON, ROUNDS_CSV, POSITIONS_CSV)
    missing = [n for n in needed if not (folder / n).is_file()]
    if missing:
        raise ResultsError(f"{folder}: not a negsim results folder (missing {', '.join(missing)})")
    try:
        return Results(
            path=folder,
            outcomes=pd.read_csv(folder / OUTCOMES_CSV),
            summary=json.loads((folder / SUMMARY_JSON).read_text()),
            manifest=json.loads((folder / MANIFEST_JSON).read_text()),
            rounds=pd.read_csv(folder / ROUNDS_CSV),
            positions=pd.read_csv(folder / POSITIONS_CSV),
        )
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{folder}: cannot be read ({exc})") from None
