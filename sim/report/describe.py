"""``negsim describe``: a scenario's actors, stances, sources and agenda for a terminal.

Laid out for an 80-column terminal as well as a wide one: short tables of numbers, and the
long texts (sources, assumptions, the agenda) as paragraphs beside a name, wrapped on word
boundaries at whatever width the terminal has. Every text from the scenario is a
``rich.text.Text``, never markup, so square brackets in a source are shown as written.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text as RichText

from sim.scenario.crisis import When
from sim.scenario.params import Dist, Value
from sim.scenario.schema import Actor, Issue, Rule, Scenario
from sim.scenario.text import printable

_INDENT = 2


def Text(text: object = "", **kw) -> RichText:
    """Scenario text as rich text: never markup, control characters escaped."""
    return RichText(printable(text, keep="\n"), **kw)


def fmt(value: Value | None) -> str:
    """A number, or a distribution in the usual short notation."""
    if value is None:
        return ""
    if isinstance(value, Dist):
        names = {"normal": "N", "uniform": "U", "triangular": "Tri", "beta": "Beta"}
        return f"{names[value.kind]}({', '.join(f'{a:g}' for a in value.args)})"
    return f"{value:g}"


def _heading(text: str) -> Text:
    return Text(text, style="bold")


def _numbers(*columns: str) -> Table:
    """A table of short values: a rule under the header, no boxes to eat the width."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1))
    for k, column in enumerate(columns):
        table.add_column(column, overflow="fold", justify="left" if k == 0 else "right")
    return table


def _paragraphs(rows: list[tuple[str, Text]]) -> Table:
    """Name on the left, its text wrapped beside it (a hanging indent)."""
    grid = Table.grid(padding=(0, 2, 1, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold", ratio=1)
    for name, text in rows:
        grid.add_row(Text(name, style="bold"), text)
    return grid


def _basis(source: str | None, assumption: str | None) -> list[str]:
    parts = []
    if source:
        parts.append(f'"{source}"')
    if assumption:
        parts.append(f"assumption: {assumption}")
    return parts


def _actors(sc: Scenario) -> list[RenderableType]:
    table = _numbers("actor", "capability", "flexibility", "patience", "dialogue", "bloc")
    for a in sc.actors:
        table.add_row(
            Text(a.name),
            fmt(a.capability),
            fmt(a.flexibility),
            fmt(a.patience),
            fmt(a.dialogue),
            Text(a.bloc or ""),
        )
    holding = _numbers("actor", "aspiration", "time pressure")
    for a in sc.actors:
        holding.add_row(Text(a.name), fmt(a.aspiration), fmt(a.time_pressure))
    force = _numbers("actor", "p_win", "cost of war", "signal")
    for a in sc.actors:
        mo = a.military_option
        if mo is not None:
            force.add_row(Text(a.name), fmt(mo.p_win), fmt(mo.cost), fmt(mo.signal))
        else:
            force.add_row(Text(a.name), "", fmt(a.war_cost) if a.war_cost else "", "")
    sources = [
        (a.name, Text("\n".join(_basis(a.source, a.assumption))))
        for a in sc.actors
        if a.source or a.assumption
    ]
    parts: list[RenderableType] = [
        _heading("Actors"),
        table,
        Text(),
        _heading("Holding out: the gain it first insists on, the loss if the agenda runs out"),
        holding,
        Text(),
        _heading("Force: p_win and cost for an actor with a military option, else its cost of war"),
        force,
    ]
    if sources:
        parts += [
            Text(),
            _heading("Where the actors' numbers come from"),
            _indent(_paragraphs(sources)),
        ]
    return parts


def _red_line(a: Actor, issue: Issue) -> str:
    stance = a.stances.get(issue.id)
    line = stance.red_line if stance else None
    if line is None:
        return ""
    return f">= {fmt(line.at_least)}" if line.at_least is not None else f"<= {fmt(line.at_most)}"


def _issue(sc: Scenario, issue: Issue) -> list[RenderableType]:
    scale = Text(
        f"0 = {issue.low}; 100 = {issue.high}; status quo {fmt(issue.status_quo)}",
        style="italic",
    )
    table = _numbers("actor", "position", "salience", "red line")
    sources = []
    for a in sc.actors:
        st = a.stances.get(issue.id)
        if st is None:
            table.add_row(Text(a.name), "", "0", "")
            continue
        table.add_row(Text(a.name), fmt(st.position), fmt(st.salience), _red_line(a, issue))
        lines = _basis(st.source, st.assumption)
        if st.red_line is not None:
            basis = " ".join(_basis(st.red_line.source, st.red_line.assumption))
            lines.append(f"red line {_red_line(a, issue)}: {basis}")
        sources.append((a.name, Text("\n".join(lines))))
    indifferent = [a.name for a in sc.actors if issue.id not in a.stances]
    parts: list[RenderableType] = [_heading(issue.name), _indent(scale), table]
    if indifferent:
        parts.append(_indent(Text(f"Indifferent (no stance): {', '.join(indifferent)}.")))
    if sources:
        parts.append(_indent(_paragraphs(sources)))
    return parts


def _agenda(sc: Scenario) -> list[RenderableType]:
    names = {a.id: a.name for a in sc.actors}
    issues = {i.id: i.name for i in sc.issues}
    rows = []
    for n, m in enumerate(sc.meetings, 1):
        when = f" ({m.date})" if m.date else ""
        rounds = f"{m.rounds} round{'s' if m.rounds != 1 else ''}"
        chair = {"rotate": "rotating", "random": "drawn at random each round"}.get(
            m.chair, names.get(m.chair, m.chair)
        )
        lines = [
            f"{m.name}{when}: {m.kind}, {rounds}",
            f"at the table: {', '.join(names[p] for p in m.participants)}; chair: {chair}",
        ]
        if m.issues:
            lines.append(f"issues: {', '.join(issues[i] for i in m.issues)}")
        if m.rule != "all":
            lines.append(f"agreement needs: {_rule_words(m.rule, names)}")
        if m.proposers:
            lines.append(f"proposers in turn: {', '.join(names[p] for p in m.proposers)}")
        if m.mediation:
            lines.append("the proposer mediates: it puts forward the compromise point")
        rows.append((f"{n}.", Text("\n".join(lines))))
    if sc.settings.continuation:
        c = sc.settings.continuation
        meeting = next((m.name for m in sc.meetings if m.id == c.meeting), c.meeting)
        rows.append(("then", Text(f"{c.rounds} continuation rounds of {meeting}")))
    return [_heading("Agenda (played in this order)"), _indent(_paragraphs(rows))]


def _when(sc: Scenario, w: When | None) -> str:
    if w is None:
        return "the deadline"
    if w.meeting is None:
        return f"round {w.round} of the agenda"
    name = next(m.name for m in sc.meetings if m.id == w.meeting)
    return name + (f", round {w.round}" if w.round else "")


def _crisis(sc: Scenario) -> list[RenderableType]:
    """Deadline, ultimatums, events, boycotts, accidents, linkage and side payments."""
    names = {a.id: a.name for a in sc.actors}
    issues = {i.id: i.name for i in sc.issues}
    rows = []
    if sc.settings.deadline is not None:
        rows.append(("deadline", Text(f"the end of {_when(sc, sc.settings.deadline)}")))
    for u in sc.ultimatums:
        demand = "; ".join(
            f"{issues[k]} at least {b.at_least:g}"
            if b.at_least is not None
            else f"{issues[k]} at most {b.at_most:g}"
            for k, b in u.demand.items()
        )
        text = (
            f"{names[u.sender]} demands {demand} by {_when(sc, u.deadline)}, or "
            f"{u.consequence.replace('_', ' ')}; credibility {fmt(u.credibility)}"
        )
        rows.append(("ultimatum", Text("\n".join([text, *_basis(u.source, u.assumption)]))))
    for e in sc.events:
        chance = "" if e.probability == 1.0 else f" (chance {fmt(e.probability)})"
        rows.append(("event", Text(f"{e.name}, at {_when(sc, e.at)}{chance}")))
    for a in sc.actors:
        if a.boycott is not None:
            on = ", ".join(issues[k] for k in a.boycott.while_on_table)
            chance = fmt(a.boycott.probability)
            text = f"{a.name} stays away while {on} is on the table (chance {chance})"
            rows.append(("boycott", Text(text)))
    if sc.settings.accidents is not None:
        acc = sc.settings.accidents
        rows.append(("accidents", Text(f"rate {fmt(acc.rate)}, contact {fmt(acc.contact)}")))
    for link in sc.linkage:
        rows.append(("linked", Text(" + ".join(issues[k] for k in link.issues))))
    for pay in sc.side_payments:
        text = (
            f"{names[pay.giver]} pays {names[pay.receiver]} {pay.amount:g} for settling "
            f"{issues[pay.issue]} (costs it {pay.cost:g})"
        )
        rows.append(("side payment", Text(text)))
    if not rows:
        return []
    return [_heading("Crisis dynamics"), _indent(_paragraphs(rows))]


def _rule_words(rule: list[str] | Rule, names: dict[str, str]) -> str:
    if isinstance(rule, list):
        return ", ".join(names[p] for p in rule)
    who = ", ".join(names[p] for p in rule.voters) if rule.voters else "the participants"
    if rule.kind == "unanimity":
        words = f"every one of {who}"
    elif rule.kind == "majority":
        words = f"a majority of {who}"
    else:
        weighted = " by weight" if rule.weights else ""
        words = f"{rule.threshold:.0%} of {who}{weighted}"
    if rule.min_members:
        words += f", at least {rule.min_members} of them"
    if rule.veto:
        words += f", and {', '.join(names[p] for p in rule.veto)} (veto)"
    return words


def _indent(renderable: RenderableType) -> Padding:
    return Padding(renderable, (0, 0, 0, _INDENT))


def describe(sc: Scenario) -> list[RenderableType]:
    """The scenario as terminal renderables: actors, one block per issue, then the agenda.

    Print them with wrapping on (``soft_wrap=False``): each wraps to the terminal's width.
    """
    blocks: list[list[RenderableType]] = [
        [Text(f"{sc.title} ({sc.id})", style="bold underline")],
        _actors(sc),
        *(_issue(sc, issue) for issue in sc.issues),
        _agenda(sc),
        _crisis(sc),
    ]
    return [Group(*block) for block in blocks if block]
