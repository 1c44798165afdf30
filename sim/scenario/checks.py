"""Cross-checks a schema cannot express: references, uniqueness, red-line sides, reachability.

Each check returns the path of the offending value so the message can point at its line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from .crisis_checks import crisis_check
from .levers import lever_findings
from .limits import ROUNDS, SECTIONS
from .params import Bounds, central
from .schema import Rule, Scenario
from .text import is_blank, name_key

Path = tuple[str | int, ...]
Finding = tuple[Path, str, str | None]
POSITION = Bounds(0, 100)
UNIT = Bounds(0, 1)


def cross_check(sc: Scenario) -> list[Finding]:
    """Everything wrong across fields, in file order."""
    return [
        *_budgets(sc),
        *_blank(sc),
        *_unique(sc),
        *_stances(sc),
        *_agenda(sc),
        *_reachable(sc),
        *crisis_check(sc),
        *lever_findings(sc),
        *_mechanism(sc),
    ]


def _mechanism(sc: Scenario) -> Iterator[Finding]:
    """Fields the scenario's mechanism cannot honour are refused, never silently ignored.

    Fields every scenario has (flexibility's default, say) are documented as unused by a
    mechanism in docs/model.md instead, so every scenario runs under every mechanism.
    """
    if sc.settings.mechanism == "expected_utility":
        for m, meeting in enumerate(sc.meetings):
            if meeting.consensus > 0:
                yield (
                    ("meetings", m, "consensus"),
                    "expected_utility moves positions by challenges, not concessions, so a "
                    "consensus norm would have no effect; remove it or use mechanism bargaining",
                    f"{meeting.consensus:g}",
                )


def _unique(sc: Scenario) -> Iterator[Finding]:
    for section in ("issues", "actors", "meetings"):
        items = getattr(sc, section)
        seen: Counter[str] = Counter()
        for i, item in enumerate(items):
            seen[item.id] += 1
            if seen[item.id] == 2:
                yield (section, i, "id"), f"duplicate id in {section}", repr(item.id)
    # Compared as a reader sees them: a zero-width space or full-width letters make no new name.
    names = Counter(name_key(a.name) for a in sc.actors)
    for i, actor in enumerate(sc.actors):
        if names[name_key(actor.name)] > 1:
            yield (("actors", i, "name"), "two actors share this name", repr(actor.name))
            names[name_key(actor.name)] = 0


def _budgets(sc: Scenario) -> Iterator[Finding]:
    """Counts within their limits once variants are merged (each file was checked as read)."""
    for section, limit in SECTIONS.items():
        found = len(getattr(sc, section))
        if found > limit.value:
            yield (section,), limit.exceeded(found), None
    cont = sc.settings.continuation
    rounds = sum(m.rounds for m in sc.meetings) + (cont.rounds if cont else 0)
    if rounds > ROUNDS.value:
        yield ("meetings",), f"the agenda plays {ROUNDS.exceeded(rounds)}", None


def _blank(sc: Scenario) -> Iterator[Finding]:
    """Texts that must say something: spaces or invisible characters alone are refused like
    an empty text."""
    texts: list[tuple[Path, str]] = [(("title",), sc.title)]
    texts.append((("notes", "what_it_is"), sc.notes.what_it_is))
    for k, issue in enumerate(sc.issues):
        texts += [(("issues", k, f), getattr(issue, f)) for f in ("name", "low", "high")]
    texts += [(("actors", i, "name"), a.name) for i, a in enumerate(sc.actors)]
    texts += [(("meetings", m, "name"), x.name) for m, x in enumerate(sc.meetings)]
    for where, text in texts:
        if text and is_blank(text):
            yield where, "must not be blank (it is shown to readers)", repr(text)


def _stances(sc: Scenario) -> Iterator[Finding]:
    issues = {issue.id for issue in sc.issues}
    for i, actor in enumerate(sc.actors):
        where = ("actors", i, "stances")
        for issue_id, stance in actor.stances.items():
            if issue_id not in issues:
                yield (*where, issue_id), "no issue has this id", repr(issue_id)
                continue
            if stance.red_line is not None:
                x = central(stance.position, POSITION)
                rl = stance.red_line
                if rl.at_least is not None and central(rl.at_least, POSITION) > x:
                    yield (
                        (*where, issue_id, "red_line", "at_least"),
                        f"a red line at_least must not exceed the actor's position ({x:g}), "
                        "or the actor would refuse its own ideal",
                        f"{central(rl.at_least, POSITION):g}",
                    )
                if rl.at_most is not None and central(rl.at_most, POSITION) < x:
                    yield (
                        (*where, issue_id, "red_line", "at_most"),
                        f"a red line at_most must not be below the actor's position ({x:g}), "
                        "or the actor would refuse its own ideal",
                        f"{central(rl.at_most, POSITION):g}",
                    )
        saliences = [central(s.salience, UNIT) for k, s in actor.stances.items() if k in issues]
        if not any(s > 0 for s in saliences):
            yield where, "at least one issue needs a salience above 0", None


def _agenda(sc: Scenario) -> Iterator[Finding]:
    actors = {a.id for a in sc.actors}
    issues = {i.id for i in sc.issues}
    for m, meeting in enumerate(sc.meetings):
        where = ("meetings", m)
        seen: set[str] = set()
        for j, pid in enumerate(meeting.participants):
            if pid not in actors:
                yield (*where, "participants", j), "no actor has this id", repr(pid)
            elif pid in seen:
                yield (*where, "participants", j), "listed twice", repr(pid)
            seen.add(pid)
        if meeting.chair not in ("rotate", "random") and meeting.chair not in seen:
            yield (*where, "chair"), "must be one of the participants", repr(meeting.chair)
        tabled: set[str] = set()
        for j, iid in enumerate(meeting.issues):
            if iid not in issues:
                yield (*where, "issues", j), "no issue has this id", repr(iid)
            elif iid in tabled:
                yield (*where, "issues", j), "listed twice", repr(iid)
            tabled.add(iid)
        if meeting.kind == "consultation" and meeting.rule != "all":
            yield (*where, "rule"), "a consultation settles nothing, so it takes no rule", None
        if meeting.kind == "consultation" and meeting.issues:
            yield (
                (*where, "issues"),
                "a consultation settles nothing; put issues on a negotiation's table",
                None,
            )
        if meeting.kind == "negotiation" and not meeting.issues:
            yield (*where, "issues"), "a negotiation needs at least one issue on its table", None
        if isinstance(meeting.rule, list):
            yield from _named((*where, "rule"), meeting.rule, seen, need_one=True)
        elif isinstance(meeting.rule, Rule):
            yield from _rule((*where, "rule"), meeting.rule, seen)
        if m > 0 and meeting.date is not None:
            earlier = [x.date for x in sc.meetings[:m] if x.date is not None]
            if earlier and meeting.date < max(earlier):
                yield (
                    (*where, "date"),
                    "the agenda is played in the order listed; this meeting is dated before "
                    "one listed earlier",
                    str(meeting.date),
                )
    cont = sc.settings.continuation
    if cont is not None:
        kinds = {m.id: m.kind for m in sc.meetings}
        if cont.meeting not in kinds:
            yield (
                ("settings", "continuation", "meeting"),
                "no meeting has this id",
                repr(cont.meeting),
            )
        elif kinds[cont.meeting] != "negotiation":
            yield (
                ("settings", "continuation", "meeting"),
                "continuation rounds must be in a negotiation meeting",
                repr(cont.meeting),
            )


def _named(where: Path, ids: list[str], participants: set[str], need_one: bool = False):
    """Ids that must each be a participant, listed once."""
    if need_one and not ids:
        yield where, "name at least one actor whose acceptance is needed", "[]"
    named: set[str] = set()
    for j, rid in enumerate(ids):
        if rid not in participants:
            yield (*where, j), "must be one of the participants", repr(rid)
        elif rid in named:
            yield (*where, j), "listed twice", repr(rid)
        named.add(rid)


def _rule(where: Path, rule: Rule, participants: set[str]) -> Iterator[Finding]:
    yield from _named((*where, "veto"), rule.veto, participants)
    if rule.voters is not None:
        yield from _named((*where, "voters"), rule.voters, participants, need_one=True)
        voters = set(rule.voters)
    else:
        voters = participants - set(rule.veto)
    if not voters:
        yield where, "no participant is left to vote once the veto players are set aside", None
    for rid in rule.weights or {}:
        if rid not in voters:
            yield (*where, "weights", rid), "weights are for voters only", repr(rid)
    if rule.min_members is not None and rule.min_members > len(voters):
        yield (
            (*where, "min_members"),
            f"more than the {len(voters)} voters of this meeting",
            str(rule.min_members),
        )


def _reachable(sc: Scenario) -> Iterator[Finding]:
    tabled = {i for m in sc.meetings if m.kind == "negotiation" for i in m.issues}
    for k, issue in enumerate(sc.issues):
        if issue.id not in tabled:
            yield (
                ("issues", k, "id"),
                "this issue is on no negotiation's table, so it could never be settled",
                repr(issue.id),
            )
    if not any(m.kind == "negotiation" for m in sc.meetings):
        yield ("meetings",), "the agenda needs at least one negotiation meeting", None
