"""A single self-contained HTML page per experiment.

Everything is inside the one file (charts as base64 PNG, CSS in a ``<style>`` block, no scripts,
no remote URLs) so a report can be mailed, archived or opened on a classroom machine with no
network and still look the same. All text that comes from scenarios or results is escaped: a
scenario file is user input, and a report must never run what someone typed into a note.
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

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       max-width: 70rem; margin: 2rem auto; padding: 0 1.5rem; color: #1a1a1a; line-height: 1.5; }
h1 { font-size: 1.9rem; margin-bottom: 0.3rem; }
h2 { font-size: 1.4rem; margin-top: 2.2rem; border-bottom: 2px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1.15rem; margin-bottom: 0.3rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.95rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.65rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.95rem; color: #444; margin-top: 0.3rem; }
pre { background: #f7f7f7; padding: 0.8rem; overflow-x: auto; font-size: 0.85rem; }
.manifest td:first-child { font-weight: 600; white-space: nowrap; }
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


def table_html(frame: pd.DataFrame, *, css_class: str | None = None) -> str:
    """A plain HTML table with every header and cell escaped."""
    attr = f' class="{_e(css_class)}"' if css_class else ""
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False, name=None):
        cells = []
        for value in record:
            text, numeric = _cell(value.item() if hasattr(value, "item") else value)
            cells.append(f'<td class="num">{_e(text)}</td>' if numeric else f"<td>{_e(text)}</td>")
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


def _figures_html(figures: Mapping[str, Figure | bytes]) -> str:
    parts = []
    for caption, figure in figures.items():
        encoded = base64.b64encode(_png_bytes(figure)).decode("ascii")
        parts.append(
            f'<figure><img src="data:image/png;base64,{encoded}" alt="{_e(caption)}">'
            f"<figcaption>{_e(caption)}</figcaption></figure>"
        )
    return "".join(parts)


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
) -> str:
    """The whole report as one HTML5 string; ``figures`` maps each caption to its chart."""
    body = [f"<h1>{_e(title)}</h1>"]
    if notes:
        body.append(f"<section><h2>About this scenario</h2>{_notes_html(notes)}</section>")
    body.append(f"<section><h2>Summary</h2>{table_html(summary_rows)}</section>")
    if figures:
        body.append(f"<section><h2>Charts</h2>{_figures_html(figures)}</section>")
    for heading, frame in (extra_tables or {}).items():
        body.append(f"<section><h2>{_e(heading)}</h2>{table_html(frame)}</section>")
    if manifest:
        body.append(
            f"<section><h2>How these results were made</h2>{_manifest_html(manifest)}</section>"
        )
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
