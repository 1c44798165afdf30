"""Points on the agenda: which round of a run a meeting-and-round (``When``) names.

The agenda is unrolled in one order everywhere (each meeting for its rounds, in the order
listed, then any continuation rounds), so an ultimatum's deadline, an event's round and the
model's schedule all count rounds the same way.
"""

from __future__ import annotations

from .crisis import When
from .schema import Scenario


def agenda_rounds(sc: Scenario) -> list[tuple[str, int, bool]]:
    """Every round in order as (meeting id, round within the meeting from 0, continuation)."""
    played: dict[str, int] = {}
    out = []
    for meeting in sc.meetings:
        for _ in range(meeting.rounds):
            out.append((meeting.id, played.get(meeting.id, 0), False))
            played[meeting.id] = played.get(meeting.id, 0) + 1
    cont = sc.settings.continuation
    if cont is not None:
        for _ in range(cont.rounds):
            out.append((cont.meeting, played.get(cont.meeting, 0), True))
            played[cont.meeting] = played.get(cont.meeting, 0) + 1
    return out


def round_of(sc: Scenario, when: When, last: bool) -> int | None:
    """The 0-based round of the agenda ``when`` names, or None if there is no such round.

    A meeting with no round means its last round of the agenda proper (``last``: a deadline)
    or its first (an event); a round with no meeting counts over the whole agenda.
    """
    rounds = agenda_rounds(sc)
    if when.meeting is None:
        assert when.round is not None
        return when.round - 1 if when.round <= len(rounds) else None
    mine = [t for t, (m, _, cont) in enumerate(rounds) if m == when.meeting]
    if when.round is None:
        proper = [t for t in mine if not rounds[t][2]]
        if not proper:
            return None
        return proper[-1] if last else proper[0]
    hit = [t for t in mine if rounds[t][1] == when.round - 1]
    return hit[0] if hit else None


def deadline_round(sc: Scenario) -> int:
    """The 0-based round at whose end the talks' deadline falls (default: the last round)."""
    last = len(agenda_rounds(sc)) - 1
    when = sc.settings.deadline
    found = None if when is None else round_of(sc, when, last=True)
    return last if found is None else found
