"""Cross-checks of the crisis fields: references, rounds that exist, threats that can be made.

Each finding carries the path of the offending value, like ``checks.py``, so the message
points at its line.
"""

from __future__ import annotations

from collections.abc import Iterator

from .agenda import round_of
from .crisis import When
from .schema import Scenario

Path = tuple[str | int, ...]
Finding = tuple[Path, str, str | None]


def crisis_check(sc: Scenario) -> list[Finding]:
    """Everything wrong in ultimatums, events, boycotts, proposer orders and accidents."""
    deadline = sc.settings.deadline
    found = [] if deadline is None else list(_when(sc, ("settings", "deadline"), deadline, True))
    return [*found, *_ultimatums(sc), *_events(sc), *_attendance(sc), *_linkage(sc)]


def _when(sc: Scenario, where: Path, when: When, last: bool) -> Iterator[Finding]:
    meetings = {m.id for m in sc.meetings}
    if when.meeting is not None and when.meeting not in meetings:
        yield (*where, "meeting"), "no meeting has this id", repr(when.meeting)
    elif round_of(sc, when, last) is None:
        yield (
            (*where, "round"),
            "the agenda has no such round (rounds count from 1, within the meeting if one is "
            "named)",
            str(when.round),
        )


def _ultimatums(sc: Scenario) -> Iterator[Finding]:
    actors = {a.id: a for a in sc.actors}
    issues = {i.id for i in sc.issues}
    seen: set[str] = set()
    for u, ult in enumerate(sc.ultimatums):
        where = ("ultimatums", u)
        if ult.id in seen:
            yield (*where, "id"), "duplicate id in ultimatums", repr(ult.id)
        seen.add(ult.id)
        sender = actors.get(ult.sender)
        if sender is None:
            yield (*where, "sender"), "no actor has this id", repr(ult.sender)
        elif ult.consequence == "war" and sender.military_option is None:
            yield (
                (*where, "consequence"),
                "a threat of war needs a sender with a military_option",
                repr(ult.consequence),
            )
        for issue_id in ult.demand:
            if issue_id not in issues:
                yield (*where, "demand", issue_id), "no issue has this id", repr(issue_id)
        for issue_id in ult.change:
            if issue_id not in issues:
                yield (*where, "change", issue_id), "no issue has this id", repr(issue_id)
        if ult.deadline is not None:
            yield from _when(sc, (*where, "deadline"), ult.deadline, last=True)


def _events(sc: Scenario) -> Iterator[Finding]:
    actors = {a.id: a for a in sc.actors}
    issues = {i.id for i in sc.issues}
    seen: set[str] = set()
    for e, event in enumerate(sc.events):
        where = ("events", e)
        if event.id in seen:
            yield (*where, "id"), "duplicate id in events", repr(event.id)
        seen.add(event.id)
        yield from _when(sc, (*where, "at"), event.at, last=False)
        for issue_id in event.status_quo:
            if issue_id not in issues:
                yield (*where, "status_quo", issue_id), "no issue has this id", repr(issue_id)
        for actor_id, change in event.actors.items():
            actor = actors.get(actor_id)
            if actor is None:
                yield (*where, "actors", actor_id), "no actor has this id", repr(actor_id)
                continue
            military = {"p_win", "cost", "signal"} & change.model_fields_set
            if military and actor.military_option is None:
                yield (
                    (*where, "actors", actor_id, sorted(military)[0]),
                    "this actor has no military_option to change",
                    None,
                )
        for key in ("leave", "join"):
            for j, actor_id in enumerate(getattr(event, key)):
                if actor_id not in actors:
                    yield (*where, key, j), "no actor has this id", repr(actor_id)
        if event.contact is not None and sc.settings.accidents is None:
            yield (
                (*where, "contact"),
                "contact feeds the accident hazard: add settings.accidents first",
                None,
            )


def _attendance(sc: Scenario) -> Iterator[Finding]:
    issues = {i.id for i in sc.issues}
    for a, actor in enumerate(sc.actors):
        if actor.boycott is None:
            continue
        for j, issue_id in enumerate(actor.boycott.while_on_table):
            if issue_id not in issues:
                yield (
                    ("actors", a, "boycott", "while_on_table", j),
                    "no issue has this id",
                    repr(issue_id),
                )
    for m, meeting in enumerate(sc.meetings):
        if meeting.proposers is None:
            continue
        where = ("meetings", m, "proposers")
        if meeting.kind == "consultation":
            yield where, "a consultation has no proposals, so no proposers", None
        if not meeting.proposers:
            yield where, "name at least one proposer", "[]"
        for j, pid in enumerate(meeting.proposers):
            if pid not in meeting.participants:
                yield (*where, j), "must be one of the participants", repr(pid)
    for m, meeting in enumerate(sc.meetings):
        if meeting.mediation is not None and meeting.kind == "consultation":
            yield (
                ("meetings", m, "mediation"),
                "a consultation has no proposals to mediate",
                repr(meeting.mediation),
            )


def _linkage(sc: Scenario) -> Iterator[Finding]:
    issues = {i.id for i in sc.issues}
    actors = {a.id for a in sc.actors}
    grouped: set[str] = set()
    for g, link in enumerate(sc.linkage):
        where = ("linkage", g, "issues")
        for j, issue_id in enumerate(link.issues):
            if issue_id not in issues:
                yield (*where, j), "no issue has this id", repr(issue_id)
            elif issue_id in grouped:
                yield (*where, j), "already linked (an issue belongs to one group)", repr(issue_id)
            grouped.add(issue_id)
        tables = [set(m.issues) for m in sc.meetings if m.kind == "negotiation"]
        if not any(set(link.issues) <= t for t in tables):
            yield (
                where,
                "linked issues settle only together, so some negotiation must have all of them "
                "on its table",
                None,
            )
    for p, pay in enumerate(sc.side_payments):
        where = ("side_payments", p)
        for key in ("giver", "receiver"):
            if getattr(pay, key) not in actors:
                yield (*where, key), "no actor has this id", repr(getattr(pay, key))
        if pay.giver == pay.receiver:
            yield (*where, "receiver"), "an actor cannot pay itself", repr(pay.receiver)
        if pay.issue not in issues:
            yield (*where, "issue"), "no issue has this id", repr(pay.issue)
