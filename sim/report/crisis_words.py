"""The crisis told in words: events, who stayed away, deadlines falling due, accidents."""

from __future__ import annotations

from sim.model.talks import RoundRecord, Talks


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def label(talks: Talks, k: int) -> str:
    """An issue's short label (``label:``, else its name)."""
    issue = talks.scenario.issues[k]
    return issue.label or issue.name


def crisis_lines(talks: Talks, rec: RoundRecord, run: int = 0, short: bool = False) -> list[str]:
    """What the crisis did this round in run ``run``, one sentence each (``short``: issues by
    their labels)."""

    def name(k: int) -> str:
        return label(talks, k) if short else talks.scenario.issues[k].name

    news = rec.crisis
    if news is None:
        return []
    sc = talks.scenario
    lines = []
    for j, runs in news.events:
        if runs[run]:
            e = sc.events[j]
            bits = [
                f"{name(talks.issue_ids.index(i))} now stands at {v:g}"
                for i, v in e.status_quo.items()
            ]
            bits += [f"{talks.actor_list[talks.actor_index[a]].name} leaves" for a in e.leave]
            bits += [f"{talks.actor_list[talks.actor_index[a]].name} returns" for a in e.join]
            bits += [
                f"{talks.actor_list[talks.actor_index[a]].name}'s "
                + ", ".join(f"{f.replace('_', ' ')} {getattr(c, f):g}" for f in c.model_fields_set)
                for a, c in e.actors.items()
            ]
            if e.contact is not None:
                bits.append(f"military contact {e.contact:g}")
            lines.append(f"Event: {e.name}" + (f" ({'; '.join(bits)})." if bits else "."))
    if news.present is not None:
        away = [
            talks.actor_list[i]
            for i in rec.plan.participants
            if rec.active[run] and not news.present[run, i]
        ]
        for a in away:
            spec = sc.actors[a.index]
            why = "it has left the talks"
            if spec.boycott is not None:
                ks = [talks.issue_ids.index(x) for x in spec.boycott.while_on_table]
                on = [name(k) for k in ks if rec.open_issues[run, k]]
                if on:
                    why = f"it will not meet while {_names(on)} is on the table"
            lines.append(f"{a.name} stays away: {why}.")
    chosen = {j for j, runs in news.chosen if runs[run]}  # decided by a person, not drawn
    for key, verb in (("met", "is met"), ("lapsed", "is not met, but"), ("fired", "is not met:")):
        for j, runs in getattr(news, key):
            if not runs[run]:
                continue
            u = sc.ultimatums[j]
            sender = talks.actor_list[talks.actor_index[u.sender]].name
            if key == "met":
                lines.append(f"{sender}'s ultimatum falls due and its demand {verb}.")
            elif key == "lapsed" and j in chosen:
                lines.append(
                    f"{sender}'s ultimatum falls due; its demand is not met, and the person "
                    f"playing {sender} lets it lapse: the threat is not carried out."
                )
            elif key == "lapsed":
                lines.append(
                    f"{sender}'s ultimatum falls due; its demand {verb} {sender} does not "
                    "carry out its threat."
                )
            else:
                if j in chosen:
                    verb = f"is not met, and the person playing {sender} carries out the threat:"
                what = {
                    "war": "it goes to war",
                    "walk_out": "it walks out of the talks",
                    "status_quo": "it changes the facts on the ground ("
                    + "; ".join(
                        f"{name(talks.issue_ids.index(i))} to {v:g}" for i, v in u.change.items()
                    )
                    + ")",
                }[u.consequence]
                lines.append(f"{sender}'s ultimatum falls due; its demand {verb} {what}.")
    return lines
