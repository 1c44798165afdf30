"""Tiny DEU-format files written by hand, with reference forecasts worked out on paper."""

from __future__ import annotations

from pathlib import Path

import pytest

ACTORS = ("com", "ep", "de", "fr", "uk")
GDP = {"com": 4, "ep": 4, "de": 2, "fr": 1, "uk": 3}
HEAD = ["prnrnmc", "isnrnmc", "prnr", "prname", "isnr", "type", "council", "proc", "counvte"]
HEAD += ["issues", "intro", "finact"]
# (proposal, issue, proc, vote, finact, positions, saliences, rp, out); "" = not coded
ROWS = [
    (1, 1, "COD", "QMV", "30-05-01", {"com": 100, "ep": 0, "de": 40, "fr": 0},
     {"com": 50, "ep": 50, "de": 100, "fr": 0}, "0", "60"),
    (1, 2, "COD", "QMV", "30-05-01", {"com": 50, "ep": 80, "de": 20},
     {"com": 100, "ep": 50, "de": 50}, "", "50"),
    (2, 3, "CNS", "Unan", "1931-07-06", {"com": 0, "ep": 50, "de": 100, "fr": 100},
     {"com": 100, "de": 100, "fr": 50}, "0", "100"),  # ep: a position without a salience
    (2, 4, "CNS", "Unan", "1931-07-06", {"com": 0, "de": 100, "fr": 100},
     {"com": 100, "de": 100, "fr": 50}, "0", ""),  # no outcome
    (2, 5, "CNS", "Unan", "1931-07-06", {"com": 0, "de": "abc", "fr": 100},
     {"com": 100, "de": 100, "fr": 50}, "0", "10"),  # non-numeric position
]  # fmt: skip
# Worked by hand (data/README.md formulas) for the three scored issues 1, 2, 3:
WEIGHTED_MEAN = {1: 45.0, 2: 50.0, 3: 60.0}  # sum(s x) / sum(s)
CAPABILITY_WEIGHTED = {1: 28000 / 600, 2: 38000 / 700, 3: 25000 / 650}  # sum(c s x) / sum(c s)
MEDIAN_ACTOR = {1: 20.0, 2: 50.0, 3: 100.0}  # issue 1: (0 + 40) / 2 of 0, 0, 40, 100
OUTCOME = {1: 60.0, 2: 50.0, 3: 100.0}


def header() -> list[str]:
    return HEAD + [f"p{a}" for a in ACTORS] + [f"s{a}" for a in ACTORS] + ["rp", "out"]


def write_tiny(path: Path, rows=ROWS, sep: str = "\t", drop: str | None = None) -> Path:
    cols = header()
    lines = [cols]
    gdp = {c: "" for c in cols}
    gdp |= {f"p{a}": str(v) for a, v in GDP.items()}
    lines.append([gdp[c] for c in cols])
    for prop, iss, proc, vote, finact, pos, sal, rp, out in rows:
        cells = {c: "" for c in cols}
        cells |= {"prnrnmc": str(prop), "isnrnmc": str(iss), "prnr": f"d0000{prop}"}
        cells |= {"prname": "test", "isnr": f"d0000{prop}i{iss}", "type": "Reg"}
        cells |= {"council": "General", "proc": proc, "counvte": vote, "issues": "2"}
        cells |= {"intro": "26-01-00", "finact": finact, "rp": rp, "out": out}
        cells |= {f"p{a}": str(v) for a, v in pos.items()}
        cells |= {f"s{a}": str(v) for a, v in sal.items()}
        lines.append([cells[c] for c in cols])
    if drop is not None:
        k = cols.index(drop)
        lines = [line[:k] + line[k + 1 :] for line in lines]
    path.write_text("\n".join(sep.join(line) for line in lines) + "\n")
    return path


def cli(monkeypatch, capsys, *args: object) -> tuple[int, str, str]:
    """The command in-process (a subprocess costs seconds here): exit code, stdout, stderr."""
    from sim.cli import main

    monkeypatch.setattr("sys.argv", ["negsim", *map(str, args)])
    with pytest.raises(SystemExit) as ended:
        main()
    out = capsys.readouterr()
    return int(ended.value.code or 0), out.out, out.err
