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

import contextlib
import datetime as dt
import hashlib
import itertools
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
from sim.scenario import Scenario

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


CHECKPOINT = "checkpoint"  # a temporary folder holding this file is kept for --resume
MANIFEST_LIMIT = 50_000_000
_HOST = re.sub(r"[^A-Za-z0-9_-]", "_", platform.node() or "host")
_TEMPORARY = re.compile(
    r"^\.(?P<name>.+)\.(?P<kind>partial|old)-(?P<pid>\d+)(?:-\d+)?(?:@(?P<host>[\w-]+))?$"
)
_SERIAL = itertools.count(1)  # two folders written at once by one process get two names


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
        original = parent / m["name"]
        if m["kind"] == "old" and not (original.exists() or original.is_symlink()):
            # Killed between moving the old results aside and putting the new ones in place:
            # the old results are still the only ones, so they go back.
            with contextlib.suppress(OSError):  # if it cannot go back, it is left alone
                entry.rename(original)
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


class ResultsFolder:
    """A folder being written: files go to a temporary sibling until ``commit``."""

    def __init__(self, target: Path, force: bool = False, unique: bool = False):
        """``unique``: the target is a name negsim chose (a timestamp); if it is taken when the
        results are complete, ``-2``, ``-3``... is added instead of failing."""
        target = Path(target)
        if not target.name or target.name in (".", ".."):
            raise ResultsError(f"{target}: not a folder negsim can write results into")
        self.target = target
        self.force = force
        self.unique = unique
        if (target.exists() or target.is_symlink()) and not unique:
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
            serial = f"{os.getpid()}-{next(_SERIAL)}@{_HOST}"
            self.path = target.parent / f".{target.name}.partial-{serial}"
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
        if isinstance(value, OSError) and not isinstance(value, ResultsError):
            # A full disk, a permission, a read-only file system: say where, not "internal".
            where = value.filename or self.target
            reason = value.strerror or str(value)
            raise ResultsError(f"{where}: cannot write results ({reason}); nothing was kept")

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
        if self.unique:
            return self._commit_unique()
        old = None
        if self.target.exists() or self.target.is_symlink():
            why = _refuse_to_replace(self.target) if self.force else "appeared while it ran"
            if why is not None:  # appeared (or changed) while we worked
                self.abandon()
                raise ResultsError(f"{self.target}: {why}; the new results were not kept")
            old = self.target.parent / f".{self.target.name}.old-{os.getpid()}@{_HOST}"
            self.target.rename(old)
        try:
            self.path.rename(self.target)
        except BaseException:  # an interrupt or a failure between the two renames
            if old is not None and not self.target.exists():
                old.rename(self.target)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.target

    def _commit_unique(self) -> Path:
        """Take the first free name of target, target-2, target-3...: a rename onto a folder
        that exists fails (it is never empty), so two runs racing never share one."""
        for n in range(1, 1000):
            name = self.target.name if n == 1 else f"{self.target.name}-{n}"
            candidate = self.target.with_name(name)
            if candidate.exists() or candidate.is_symlink():
                continue
            try:
                self.path.rename(candidate)
            except OSError:
                if candidate.exists():
                    continue  # taken a moment ago by another run
                raise
            self.target = candidate
            return candidate
        self.abandon()
        raise ResultsError(f"{self.target}: no free folder name beside it")


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

    def scenario(self) -> Scenario | None:
        """The scenario these runs played (from the manifest), or None if it cannot be read
        back (an older or hand-edited manifest): callers then say they do not know."""
        from pydantic import ValidationError

        try:
            return Scenario.model_validate(self.manifest.get("scenario"))
        except ValidationError:
            return None


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
        results = Results(
            path=folder,
            outcomes=pd.read_csv(folder / OUTCOMES_CSV),
            summary=json.loads((folder / SUMMARY_JSON).read_text(encoding="utf-8")),
            manifest=json.loads((folder / MANIFEST_JSON).read_text(encoding="utf-8")),
            rounds=pd.read_csv(folder / ROUNDS_CSV),
            positions=pd.read_csv(folder / POSITIONS_CSV),
            inputs=_read_inputs(folder),
        )
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{folder}: cannot be read ({exc})") from None
    problem = disagreement(results)
    if problem:
        raise ResultsError(f"{folder}: its files disagree: {problem}; not used")
    return results


def disagreement(res: Results) -> str | None:
    """What in a results folder contradicts the rest (a truncated or edited file), or None.

    A folder is read only if its outcome table, summary and manifest tell the same story:
    the same runs, seed and scenario, and the counts the summary reports.
    """
    from sim.model.outcomes import OUTCOMES

    summary, manifest, table = res.summary, res.manifest, res.outcomes
    if not isinstance(summary, dict) or not isinstance(manifest, dict):
        return f"{SUMMARY_JSON} and {MANIFEST_JSON} must each hold a JSON object"
    missing = [c for c in ("run", "outcome", "rounds") if c not in table.columns]
    if missing:
        return f"{OUTCOMES_CSV} lacks the column{'s' if len(missing) > 1 else ''} " + ", ".join(
            missing
        )
    runs = summary.get("runs")
    if not isinstance(runs, int) or len(table) != runs:
        return f"{OUTCOMES_CSV} has {len(table):,} rows but {SUMMARY_JSON} says {runs!r} runs"
    if "runs" in manifest and manifest["runs"] != runs:
        return f"{MANIFEST_JSON} says {manifest['runs']!r} runs, {SUMMARY_JSON} {runs!r}"
    if manifest.get("seed") != summary.get("seed"):
        return f"{MANIFEST_JSON} says seed {manifest.get('seed')!r}, {SUMMARY_JSON} " + repr(
            summary.get("seed")
        )
    scenario = manifest.get("scenario")
    if not isinstance(scenario, dict) or scenario.get("id") != summary.get("scenario"):
        return f"{MANIFEST_JSON} and {SUMMARY_JSON} name different scenarios"
    if table["run"].tolist() != list(range(runs)):
        return f"{OUTCOMES_CSV}'s run column is not 0 to {runs - 1} in order"
    if res.inputs is not None and (
        "run" not in res.inputs.columns or res.inputs["run"].tolist() != list(range(runs))
    ):
        return f"the inputs table's run column is not 0 to {runs - 1} in order"
    found = table["outcome"].astype(str)
    unknown = sorted(set(found) - set(OUTCOMES))
    if unknown:
        return f"{OUTCOMES_CSV} holds unknown outcomes ({', '.join(unknown[:3])})"
    counts = summary.get("outcome_counts")
    if isinstance(counts, dict):
        recount = found.value_counts()
        if any(int(recount.get(o, 0)) != counts.get(o, 0) for o in OUTCOMES):
            return f"the outcome counts in {SUMMARY_JSON} are not those of {OUTCOMES_CSV}"
    return None
