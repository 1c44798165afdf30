"""The Council of the EU's voting rules by era: the member states' treaty voting weights.

Qualified majority voting changed with each enlargement and treaty; a DEU proposal is voted
under the weights in force when the Council adopted it (docs/backtest.md gives the table and
its sources). The double majority in force from 1 November 2014 needs each state's
population, which the data set does not hold: negsim keeps the last weighted votes (EU-28,
260 of 352) and adds the double majority's 55% of member states.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

_EU15 = {
    "de": 10, "fr": 10, "it": 10, "uk": 10, "es": 8, "be": 5, "el": 5, "nl": 5, "pt": 5,
    "at": 4, "se": 4, "dk": 3, "ie": 3, "fi": 3, "lu": 2,
}  # fmt: skip
_ACCESSION_2004 = {
    "pl": 8, "cz": 5, "hu": 5, "ee": 3, "lv": 3, "lt": 3, "si": 3, "sk": 3, "cy": 2, "mt": 2,
}  # fmt: skip
_NICE_25 = {
    "de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "nl": 13, "be": 12, "cz": 12,
    "el": 12, "hu": 12, "pt": 12, "at": 10, "se": 10, "dk": 7, "ie": 7, "lt": 7, "sk": 7,
    "fi": 7, "cy": 4, "ee": 4, "lv": 4, "lu": 4, "si": 4, "mt": 3,
}  # fmt: skip


@dataclass(frozen=True)
class Era:
    """One period of the Council's qualified majority: weights, votes needed, members needed."""

    name: str
    start: dt.date
    weights: dict[str, int]
    votes_needed: int
    members_share: float  # share of the member states that must be in the majority (0: none)
    source: str

    @property
    def threshold(self) -> float:
        return self.votes_needed / sum(self.weights.values())


ERAS: tuple[Era, ...] = (
    Era(
        "EU-15",
        dt.date(1995, 1, 1),
        _EU15,
        62,
        0.0,
        "TEC Art. 148(2) (Art. 205(2) after Amsterdam), as amended by the 1994 Act of "
        "Accession: 62 of 87 votes",
    ),
    Era(
        "EU-25 (transitional)",
        dt.date(2004, 5, 1),
        {**_EU15, **_ACCESSION_2004},
        88,
        0.0,
        "2003 Act of Accession, Art. 26: 88 of 124 votes until 31 October 2004",
    ),
    Era(
        "EU-25 (Nice)",
        dt.date(2004, 11, 1),
        _NICE_25,
        232,
        0.5,
        "Treaty of Nice, Protocol on enlargement Art. 3, as adjusted by the 2003 Act of "
        "Accession, Art. 12: 232 of 321 votes and a majority of member states",
    ),
    Era(
        "EU-27 (Nice)",
        dt.date(2007, 1, 1),
        {**_NICE_25, "ro": 14, "bu": 10},
        255,
        0.5,
        "2005 Act of Accession (Bulgaria, Romania), Art. 22: 255 of 345 votes and a majority "
        "of member states",
    ),
    Era(
        "EU-28 (Nice)",
        dt.date(2013, 7, 1),
        {**_NICE_25, "ro": 14, "bu": 10, "cr": 7},
        260,
        0.5,
        "Protocol (No 36) on transitional provisions, Art. 3(3), with Croatia's 7 votes from "
        "the 2012 Act of Accession, Art. 20: 260 of 352 votes and a majority of member states",
    ),
    Era(
        "EU-28 (double majority, population replaced by Nice weights)",
        dt.date(2014, 11, 1),
        {**_NICE_25, "ro": 14, "bu": 10, "cr": 7},
        260,
        0.55,
        "TEU Art. 16(4): 55% of member states representing 65% of the population; population "
        "is not in the data, so the EU-28 weighted votes (260 of 352) stand in for it",
    ),
)


def era_for(day: dt.date | None, states: set[str]) -> Era:
    """The era in force on ``day`` (the last one if unknown), moved later if a state coded on
    the proposal had not yet joined (its coding shows the Council it was negotiated in)."""
    index = len(ERAS) - 1
    if day is not None:
        index = max([0, *(i for i, e in enumerate(ERAS) if e.start <= day)])
    while index < len(ERAS) - 1 and not states <= set(ERAS[index].weights):
        index += 1
    return ERAS[index]


def min_members(era: Era, voters: int) -> int:
    """The era's share of member states applied to the states at the table (0 = no minimum)."""
    if era.members_share <= 0:
        return 0
    if era.members_share == 0.5:
        return voters // 2 + 1
    return math.ceil(era.members_share * voters)
