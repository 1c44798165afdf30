"""The results folder: written whole or not at all, and read back in one place.

A folder is written under a hidden temporary name beside its target and renamed into place
when complete, so Ctrl-C or a kill leaves nothing at the target path, and an existing folder
is replaced only when asked (``force``), after the new one is complete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

OUTCOMES_CSV = "outcomes.csv"
SUMMARY_JSON = "summary.json"
MANIFEST_JSON = "manifest.json"
ROUNDS_CSV = "rounds_summary.csv"
POSITIONS_CSV = "positions_summary.csv"
TRAJECTORIES = "rounds.parquet"
INPUTS = {"csv": "inputs.csv", "parquet": "inputs.parquet"}


class ResultsError(Exception):
    """A results folder that cannot be written or read; the message says which and why."""


def default_target(root: Path, scenario_id: str, now: dt.datetime | None = None) -> Path:
    """``results/<scenario>/<timestamp>/`` with a UTC timestamp that sorts by time."""
    now = now or dt.datetime.now(dt.UTC)
    return root / scenario_id / now.strftime("%Y%m%dT%H%M%SZ")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class ResultsFolder:
    """A folder being written: files go to a temporary sibling until ``commit``."""

    def __init__(self, target: Path, force: bool = False):
        self.target = target
        self.force = force
        if target.exists() and not force:
            raise ResultsError(
                f"{target}: already exists; choose another --out or add --force to replace it"
            )
        if target.exists() and not target.is_dir():
            raise ResultsError(f"{target}: exists and is not a folder")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.path = target.parent / f".{target.name}.partial-{os.getpid()}"
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

    def write_inputs(self, table: pd.DataFrame, fmt: str = "csv") -> str:
        """The per-run inputs (run, then one column per sampled parameter); returns the name."""
        name = INPUTS[fmt]
        if fmt == "parquet":
            table.to_parquet(self.file(name), index=False)
        else:
            self.write_csv(name, table)
        return name

    def write_json(self, name: str, data: Any) -> None:
        self.file(name).write_text(json.dumps(data, indent=2, default=str) + "\n")

    def write_text(self, name: str, text: str) -> None:
        self.file(name).write_text(text, encoding="utf-8")

    def abandon(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def commit(self) -> Path:
        """Rename the finished folder into place (replacing an old one only with force)."""
        old = None
        if self.target.exists():
            if not self.force:  # appeared while we worked
                self.abandon()
                raise ResultsError(
                    f"{self.target}: appeared while the experiment ran; not replaced"
                )
            old = self.target.parent / f".{self.target.name}.old-{os.getpid()}"
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
    inputs: pd.DataFrame | None = None  # None for folders written before inputs were kept

    def experiments(self) -> pd.DataFrame:
        """Outcomes and the inputs each run drew, one row per run (EMA's experiments table).

        The input columns are scenario paths (``actors.<actor id>.military_option.cost``); the
        outcome columns are those of outcomes.csv. Joined on ``run``.
        """
        if self.inputs is None:
            raise ResultsError(f"{self.path}: has no inputs table (written by an older negsim)")
        return self.outcomes.merge(self.inputs, on="run", how="left", validate="one_to_one")


def joined(folder: Path) -> pd.DataFrame:
    """A results folder's outcomes and per-run inputs as one DataFrame, joined on ``run``."""
    return load_results(folder).experiments()


def _read_inputs(folder: Path) -> pd.DataFrame | None:
    if (folder / INPUTS["parquet"]).is_file():
        return pd.read_parquet(folder / INPUTS["parquet"])
    if (folder / INPUTS["csv"]).is_file():
        return pd.read_csv(folder / INPUTS["csv"])
    return None


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
            inputs=_read_inputs(folder),
        )
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{folder}: cannot be read ({exc})") from None
