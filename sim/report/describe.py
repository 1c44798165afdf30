"""``negsim describe``: a scenario's actors, stances, sources and agenda as terminal tables."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from sim.scenario.params import Dist, Value
from sim.scenario.schema import Scenario
from sim.scenario.text import printable


def _t(text: object) -> Text:
    """Scenario text for a table: never read as markup, control characters escaped."""
    return Text(printable(text, keep="\n"))


class _Table(Table):
    """A rich Table whose title and cells are plain text, whatever they hold."""

    def __init__(self, *, title: str, **kw) -> None:
        super().__init__(title=_t(title), **kw)

    def add_row(self, *cells: str | None, **kw) -> None:  # type: ignore[override]
        super().add_row(*(_t(c or "") for c in cells), **kw)


def fmt(value: Value | None) -> str:
    """A number, or a distribution in the usual short notation."""
    if value is None:
        return ""
    if isinstance(value, Dist):
        names = {"normal": "N", "uniform": "U", "triangular": "Tri", "beta": "Beta"}
        return f"{names[value.kind]}({', '.join(f'{a:g}' for a in value.args)})"
    return f"{value:g}"


def _basis(source: str | None, assumption: str | None) -> str:
    parts = []
    if source:
        parts.append(f'"{source}"')
    if assumption:
        parts.append(f"[assumption] {assumption}")
    return "\n".join(parts)


def describe(sc: Scenario) -> list[Table]:
    """One table of actor parameters, one per issue (stances with sources), one for the agenda."""
    tables = []
    head = _Table(title=f"{sc.title} ({sc.id})", title_justify="left", show_lines=True)
    for col in ("actor", "capability", "flexibility", "patience", "dialogue", "bloc", "force"):
        head.add_column(col)
    for a in sc.actors:
        mo = a.military_option
        force = (
            f"p_win {fmt(mo.p_win)}, cost {fmt(mo.cost)}, signal {fmt(mo.signal)}"
            if mo
            else (f"war cost {fmt(a.war_cost)}" if a.war_cost else "")
        )
        head.add_row(
            a.name,
            fmt(a.capability),
            fmt(a.flexibility),
            fmt(a.patience),
            fmt(a.dialogue),
            a.bloc or "",
            force,
        )
    tables.append(head)
    for issue in sc.issues:
        t = _Table(
            title=f"{issue.name}: 0 = {issue.low}; 100 = {issue.high}; status quo "
            f"{fmt(issue.status_quo)}",
            title_justify="left",
            show_lines=True,
        )
        for col in ("actor", "position", "salience", "red line", "source / assumption"):
            t.add_column(col, overflow="fold")
        for a in sc.actors:
            st = a.stances.get(issue.id)
            if st is None:
                t.add_row(a.name, "", "0", "", "indifferent (no stance)")
                continue
            rl = st.red_line
            red = ""
            basis = _basis(st.source, st.assumption)
            if rl is not None:
                red = (
                    f">= {fmt(rl.at_least)}" if rl.at_least is not None else f"<= {fmt(rl.at_most)}"
                )
                basis += "\nred line: " + _basis(rl.source, rl.assumption)
            t.add_row(a.name, fmt(st.position), fmt(st.salience), red, basis)
        tables.append(t)
    agenda = _Table(title="Agenda (played in this order)", title_justify="left", show_lines=True)
    for col in ("#", "meeting", "date", "kind", "participants", "chair", "issues", "rounds"):
        agenda.add_column(col, overflow="fold")
    names = {a.id: a.name for a in sc.actors}
    issues = {i.id: i.name for i in sc.issues}
    for n, m in enumerate(sc.meetings, 1):
        agenda.add_row(
            str(n),
            m.name,
            str(m.date or ""),
            m.kind,
            ", ".join(names[p] for p in m.participants),
            names.get(m.chair, m.chair),
            ", ".join(issues[i] for i in m.issues),
            str(m.rounds),
        )
    if sc.settings.continuation:
        c = sc.settings.continuation
        agenda.add_row(
            "",
            f"then {c.rounds} continuation rounds of {c.meeting}",
            "",
            "",
            "",
            "",
            "",
            str(c.rounds),
        )
    tables.append(agenda)
    return tables
