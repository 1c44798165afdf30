"""Setting ended runs aside while a batch plays, and putting them back when it is done.

A run that has ended is frozen: every update of the talks is masked by the runs still
talking, so an ended run's state is the same after the last round as on the round it ended.
Its rows can therefore leave the batch's arrays once enough runs have ended, and the rounds
that follow compute only the runs still talking; at the end every array is put back at its
full size, each row where it was. The numbers are those of the unreduced batch, bit for bit
(every step is row by row), which ``tests/test_rows.py`` checks on every bundled scenario.

Late rounds are where this pays: in the baseline about half the runs have ended by the last
meeting, whose rounds then cost half as much. Which arrays hold a run axis is declared by
their owners (``Talks.per_run``, ``Actor.PER_RUN``): a test fails if an array with a run
axis is missing from the declarations.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

import numpy as np

# One array with a run axis: the object or dict holding it, its attribute or key, the axis, and
# whether playing writes it (in place or anew); one only read needs no writing back.
Slot = tuple[Any, str, int, bool]


def _get(holder: Any, name: str) -> np.ndarray:
    return holder[name] if isinstance(holder, MutableMapping) else getattr(holder, name)


def _set(holder: Any, name: str, value: np.ndarray) -> None:
    if isinstance(holder, MutableMapping):
        holder[name] = value
    else:
        setattr(holder, name, value)


def _by_row(a: np.ndarray, axis: int) -> np.ndarray:
    """``a`` with everything after the run axis seen as one opaque item per row: the same
    memory, so writing rows of it writes the same bytes, twice as fast as numpy's indexed
    assignment element by element (a [runs, issues] array is then one run per item)."""
    per_row = a.itemsize * int(np.prod(a.shape[axis + 1 :]))
    if a.ndim == axis + 1 or not a.flags.c_contiguous or per_row == 0:
        return a
    flat = a.reshape((*a.shape[: axis + 1], per_row // a.itemsize))
    return flat.view(np.dtype((np.void, per_row)))[..., 0]


def _put(full: np.ndarray, rows: np.ndarray, axis: int, part: np.ndarray) -> None:
    """``full`` with ``part`` written at ``rows`` along ``axis``, in place."""
    rows_full, rows_part = _by_row(full, axis), _by_row(part, axis)
    if rows_full.dtype == rows_part.dtype:  # both seen by row (or neither needs it)
        full, part = rows_full, rows_part
    if axis == 0:
        full[rows] = part
    else:
        full[(slice(None),) * axis + (rows,)] = part


class SetAside:
    """The arrays of a batch whose ended runs were set aside, and where their rows belong.

    ``rows``: the rows of the full batch still played, in order (None before the first
    drop). ``full`` keeps each array at its full size, as it was when its runs were set
    aside; the rows still played are written back into it by ``restore``.
    """

    def __init__(self) -> None:
        self.rows: np.ndarray | None = None
        self.full: dict[tuple[int, str], tuple[Slot, np.ndarray]] = {}

    def drop(self, slots: Iterable[Slot], keep: np.ndarray) -> None:
        """Keep only the rows ``keep`` [current rows] of every slot's array."""
        idx = np.flatnonzero(keep)
        for slot in slots:
            holder, name, axis, written = slot
            current = _get(holder, name)
            key = (id(holder), name)
            if key not in self.full:
                self.full[key] = (slot, current)
            elif written:
                assert self.rows is not None
                _put(self.full[key][1], self.rows, axis, current)
            _set(holder, name, np.take(current, idx, axis=axis))
        self.rows = idx if self.rows is None else self.rows[idx]

    def restore(self) -> None:
        """Every array back at its full size, the rows still played written in place."""
        if self.rows is None:
            return
        for (holder, name, axis, written), full in self.full.values():
            if written:
                _put(full, self.rows, axis, _get(holder, name))
            _set(holder, name, full)
        self.rows, self.full = None, {}
