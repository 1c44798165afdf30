"""A single self-contained HTML page per experiment.

Everything is inside the one file (charts as base64 PNG, CSS in a ``<style>`` block, no scripts,
no remote URLs) so a report can be mailed, archived or opened on a classroom machine with no
network and still look the same. All text that comes from scenarios or results is escaped: a
scenario file is user input, and a report must never run what someone typed into a note.

It is written for a room: no text under 14 CSS px (``sim.plots.legible``), charts whose own text
meets the same bound at the page's width, a layout that fits a 390 px phone without sideways
scrolling (tables become one card per row), a glossary of the outcomes and the model's terms,
and a note on any outcome the scenario makes impossible.

Each chart links to its full-size PNG in ``charts/`` beside the report, a relative link. A
``data:`` URI link would keep even the link inside the file, but browsers refuse to open a
``data:`` URL from a click (Chrome and Firefox block such top-level navigations), and it would
double the size of every chart. The chart itself stays inlined, so a report mailed alone still
shows everything; only the larger view needs the results folder.
"""

from __future__ import annotations

import base64
import html
import json
import math
from collections.abc import Mapping, Sequence
from numbers import Integral, Real
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.plots.labels import outcome_name
from sim.plots.legible import REPORT_WIDTH_PX
from sim.report.glossary import MODEL_TERMS, outcome_terms

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

NOTE_SECTIONS = (
    ("what_it_is", "What it is"),
    ("how_it_works", "How it works"),
    ("things_to_notice", "Things to notice"),
    ("things_to_try", "Things to try"),
    ("references", "References"),
)

# Sizes in rem (16 px): the smallest, 0.9rem, is 14.4 px, over the 14 px floor.
_CSS = f"""
*, *::before, *::after {{ box-sizing: border-box; }}
html {{ font-size: 100%; -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }}
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       font-size: 1.0625rem; max-width: {REPORT_WIDTH_PX}px; margin: 2rem auto;
       padding: 0 1.5rem; color: #1a1a1a; line-height: 1.5; overflow-wrap: break-word;
       box-sizing: content-box; }}
h1 {{ font-size: 1.9rem; line-height: 1.2; margin-bottom: 0.3rem; }}
h2 {{ font-size: 1.4rem; margin-top: 2.2rem; border-bottom: 2px solid #ddd;
      padding-bottom: .2rem; }}
h3 {{ font-size: 1.15rem; margin-bottom: 0.3rem; }}
nav ul {{ padding-left: 1.2rem; }}
table {{ border-collapse: collapse; margin: 0.8rem 0; font-size: 0.95rem; max-width: 100%; }}
th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.65rem; text-align: left; vertical-align: top;
          overflow-wrap: anywhere; }}
th {{ background: #f2f2f2; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
figure {{ margin: 1.5rem 0; }}
figure img {{ display: block; max-width: 100%; height: auto; border: 1px solid #eee; }}
figcaption {{ font-size: 0.95rem; color: #333; margin-top: 0.3rem; }}
pre {{ background: #f7f7f7; padding: 0.8rem; font-size: 0.9rem; white-space: pre-wrap;
       overflow-wrap: anywhere; }}
.manifest td:first-child {{ font-weight: 600; }}
.impossible {{ border-left: 4px solid #0072B2; background: #f3f8fc; padding: 0.6rem 1rem;
               margin: 1rem 0; }}
.impossible h3 {{ margin-top: 0.2rem; }}
dl.glossary dt {{ font-weight: 700; margin-top: 0.7rem; }}
dl.glossary dd {{ margin-left: 1.2rem; }}
/* A phone: tables become one card per row, each cell labelled with its column. */
@media (max-width: 40rem) {{
  body {{ margin: 1rem auto; padding: 0 0.9rem; }}
  h1 {{ font-size: 1.6rem; }}
  table.stack, .stack thead, .stack tbody, .stack tr, .stack th, .stack td {{ display: block; }}
  table.stack {{ border: 0; }}
  .stack thead tr {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
                     clip: rect(0 0 0 0); }}
  .stack tr {{ border: 1px solid #ccc; margin: 0 0 0.7rem; }}
  .stack td {{ border: 0; border-bottom: 1px solid #eee; }}
  .stack td.num {{ text-align: left; }}
  .stack td[data-label]::before {{ content: attr(data-label) ": "; font-weight: 600; }}
}}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _cell(value: Any) -> tuple[str, bool]:
    """Text of a table cell and whether it is a number (numbers are right-aligned)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–", False
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, Integral):
        return f"{int(value):,}", True
    if isinstance(value, Real):
        return f"{float(value):.4g}", True
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v)[0] for v in value), False
    return str(value), False


STACK_COLUMNS = 5  # tables this wide become one card per row on a phone


def table_html(frame: pd.DataFrame, *, css_class: str | None = None) -> str:
    """A plain HTML table with every header and cell escaped.

    Each cell carries its column's name, which a wide table shows beside the value when a
    phone's width turns its rows into cards; narrower tables fit a phone as they are.
    """
    classes = [css_class] if css_class else []
    if len(frame.columns) >= STACK_COLUMNS:
        classes.append("stack")
    attr = f' class="{_e(" ".join(classes))}"' if classes else ""
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            text, numeric = _cell(value.item() if hasattr(value, "item") else value)
            num = ' class="num"' if numeric else ""
            cells.append(f'<td{num} data-label="{_e(column)}">{_e(text)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in str(text).split("\n\n") if b.strip()]
    return "".join(f"<p>{_e(b)}</p>" for b in blocks)


def _item_text(item: Any) -> str:
    """References may be strings or small dicts (author, title, year, url): shown as text only,
    never as links, so the page makes no request when opened."""
    if isinstance(item, Mapping):
        return ". ".join(str(v) for v in item.values() if v not in (None, ""))
    return str(item)


def _notes_html(notes: Mapping[str, Any]) -> str:
    known = dict(NOTE_SECTIONS)
    keys = [k for k, _ in NOTE_SECTIONS if k in notes] + [k for k in notes if k not in known]
    parts = []
    for key in keys:
        value = notes[key]
        if value in (None, "", [], ()):
            continue
        heading = known.get(key, str(key).replace("_", " ").capitalize())
        if isinstance(value, str):
            body = _paragraphs(value)
        elif isinstance(value, Sequence):
            tag = "ol" if key == "references" else "ul"
            body = f"<{tag}>" + "".join(f"<li>{_e(_item_text(v))}</li>" for v in value)
            body += f"</{tag}>"
        else:
            body = f"<p>{_e(_item_text(value))}</p>"
        parts.append(f"<h3>{_e(heading)}</h3>{body}")
    return "".join(parts)


def _png_bytes(figure: Figure | bytes) -> bytes:
    if isinstance(figure, bytes | bytearray):
        data = bytes(figure)
        if not data.startswith(PNG_SIGNATURE):
            raise ValueError("chart bytes are not a PNG image")
        return data
    from sim.plots.save import figure_png  # matplotlib only when a Figure is given

    return figure_png(figure)


def _figures_html(figures: Mapping[str, Figure | bytes], links: Mapping[str, str]) -> str:
    """Each chart inlined; with a link (a path beside the report) the chart opens full size."""
    parts = []
    for caption, figure in figures.items():
        encoded = base64.b64encode(_png_bytes(figure)).decode("ascii")
        img = f'<img src="data:image/png;base64,{encoded}" alt="{_e(caption)}">'
        text = _e(caption)
        if caption in links:
            href = _e(links[caption])
            img = f'<a href="{href}">{img}</a>'
            text += f'<br><a href="{href}">Open the full-size chart ({href})</a>'
        parts.append(f"<figure>{img}<figcaption>{text}</figcaption></figure>")
    return "".join(parts)


def impossible_html(impossible: Mapping[str, Mapping[str, Sequence[str]]]) -> str:
    """Outcomes no run can reach, with why; ``impossible`` maps scenario to outcome to reasons.

    A reason shared by several scenarios is said once, naming them all.
    """
    said: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for scenario, found in impossible.items():
        for outcome, reasons in found.items():
            said.setdefault((outcome, tuple(reasons)), []).append(scenario)
    if not said:
        return ""
    named = len(impossible) > 1
    items = []
    for (outcome, reasons), scenarios in said.items():
        where = f" in {_e(', '.join(scenarios))}" if named else ""
        body = " ".join(_e(r) for r in reasons)
        items.append(f"<li><strong>{_e(outcome_name(outcome))}</strong>{where}: {body}</li>")
    return (
        '<div class="impossible" role="note"><h3>Impossible by construction</h3>'
        "<p>These outcomes cannot happen in any run, however many are made: their 0% comes "
        "from how the scenario is built, not from chance.</p>"
        f"<ul>{''.join(items)}</ul></div>"
    )


def glossary_html() -> str:
    outcomes = "".join(f"<dt>{_e(t)}</dt><dd>{_e(d)}</dd>" for t, d in outcome_terms())
    terms = "".join(f"<dt>{_e(t)}</dt><dd>{_e(d)}</dd>" for t, d in MODEL_TERMS)
    return (
        "<h3>The five outcomes</h3>"
        f'<dl class="glossary">{outcomes}</dl>'
        "<h3>The model's terms</h3>"
        f'<dl class="glossary">{terms}</dl>'
        "<p>The full definitions, with their formulas and sources, are in the project's "
        "docs/model.md.</p>"
    )


def _manifest_html(manifest: Mapping[str, Any]) -> str:
    """Scalars as a compact table; nested parts (e.g. the resolved scenario) as folded JSON."""
    scalars = {k: v for k, v in manifest.items() if not isinstance(v, Mapping | list)}
    nested = {k: v for k, v in manifest.items() if k not in scalars}
    parts = []
    if scalars:
        frame = pd.DataFrame({"item": list(scalars), "value": [str(v) for v in scalars.values()]})
        parts.append(table_html(frame, css_class="manifest"))
    for key, value in nested.items():
        text = json.dumps(value, indent=2, sort_keys=False, default=str, ensure_ascii=False)
        parts.append(f"<details><summary>{_e(key)}</summary><pre>{_e(text)}</pre></details>")
    return "".join(parts)


def render_report(
    *,
    title: str,
    notes: Mapping[str, Any] | None,
    summary_rows: pd.DataFrame,
    figures: Mapping[str, Figure | bytes],
    manifest: Mapping[str, Any] | None,
    extra_tables: Mapping[str, pd.DataFrame] | None = None,
    impossible: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    chart_links: Mapping[str, str] | None = None,
) -> str:
    """The whole report as one HTML5 string; ``figures`` maps each caption to its chart.

    ``impossible`` maps each scenario to the outcomes it rules out, with reasons
    (``sim.analysis.impossible_outcomes``); ``chart_links`` maps a caption to the chart's
    full-size file, relative to the report.
    """
    sections: list[tuple[str, str, str]] = []  # (anchor, heading, content)
    if notes:
        sections.append(("about", "About this scenario", _notes_html(notes)))
    summary = table_html(summary_rows) + impossible_html(impossible or {})
    sections.append(("summary", "Summary", summary))
    if figures:
        sections.append(("charts", "Charts", _figures_html(figures, chart_links or {})))
    for k, (heading, frame) in enumerate((extra_tables or {}).items()):
        sections.append((f"table-{k + 1}", heading, table_html(frame)))
    sections.append(("words", "Words used in this report", glossary_html()))
    if manifest:
        sections.append(("made", "How these results were made", _manifest_html(manifest)))
    contents = "".join(f'<li><a href="#{a}">{_e(h)}</a></li>' for a, h, _ in sections)
    body = [f"<h1>{_e(title)}</h1>", f'<nav aria-label="Contents"><ul>{contents}</ul></nav>']
    body += [f'<section id="{a}"><h2>{_e(h)}</h2>{c}</section>' for a, h, c in sections]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def write_report(path: str | Path, html: str) -> Path:
    """Write the page as UTF-8 (the charset the page declares)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return target
