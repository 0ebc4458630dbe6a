"""stats: what a release holds, counted: as text for the terminal, as an HTML report with plots.

The report is part of every release (report.html, in its manifest), so it must be as
deterministic as the Parquet files: fixed figure sizes, no timestamps, PNG metadata cleared.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io

import pyarrow
import pyarrow.compute as pc

# Figures are drawn on their own Agg canvas, without pyplot: no display is needed, and importing
# warnews leaves matplotlib's global backend as the user chose it.
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

TOP = 15  # longest lists are cut to this many rows, most frequent first
MONTHS = "documents per month"  # charted whole, in time order: a gap must show


def _sorted(labels, counts) -> list[tuple[str, int]]:
    """Most frequent first, then by label, so that the same counts give the same report."""
    labels = ["(none)" if label is None else label for label in labels]  # an unlinked mention, say
    return sorted(zip(labels, counts), key=lambda kv: (-kv[1], kv[0]))


def _value_counts(array) -> list[tuple[str, int]]:
    counts = pc.value_counts(array)
    return _sorted(counts.field("values").to_pylist(), counts.field("counts").to_pylist())


def _per_layer(table: pyarrow.Table, column: str) -> dict[str, list[tuple[str, int]]]:
    grouped = table.group_by(["layer", column]).aggregate([([], "count_all")])
    out: dict[str, list] = {}
    for layer, label, count in zip(*(grouped.column(c).to_pylist() for c in ("layer", column, "count_all"))):
        out.setdefault(layer, []).append((label, count))
    return {layer: _sorted(*zip(*rows)) for layer, rows in sorted(out.items())}


def _every_month(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Every month from the first to the last (YYYY-MM), those without documents as 0, so that a
    gap in the collection shows as one."""
    if not counts:
        return []
    first, last = (dt.date.fromisoformat(month + "-01") for month in (min(counts), max(counts)))
    rows = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        label = f"{year:04d}-{month:02d}"
        rows.append((label, counts.get(label, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return rows


def _named(rows: list[tuple[str, int]], names: dict[str, str]) -> list[tuple[str, int]]:
    """Entity ids labelled with their names, `id (Name)`; a label of several speakers is `a + b`."""
    return [(" + ".join(f"{i} ({names[i]})" if i in names else i for i in ids.split(" + ")), count)
            for ids, count in rows]


def _disagreements(docs: pyarrow.Table) -> list[tuple[str, int]]:
    """`declared -> detected` for documents where the detector reads another language than the declared
    one (a release before 1.6.0 has no language_detected: none counted)."""
    if "language_detected" not in docs.column_names:
        return []
    pairs = [f"{a} -> {b}" for a, b in zip(docs.column("language").to_pylist(),
                                          docs.column("language_detected").to_pylist()) if b is not None and a != b]
    return _value_counts(pyarrow.array(pairs, pyarrow.string()))


def corpus_stats(tables: dict[str, pyarrow.Table]) -> dict[str, list[tuple[str, int]]]:
    """Named lists of (label, count), counted with Arrow so that large tables stay in columns;
    entity ids carry their names where the entities table is given."""
    docs = tables["documents"]
    months = pc.strftime(docs.column("published").cast(pyarrow.timestamp("s")), format="%Y-%m")
    month_counts = pc.value_counts(months)
    entities = tables.get("entities")
    names = dict(zip(entities.column("entity_id").to_pylist(), entities.column("name").to_pylist())) \
        if entities is not None else {}
    stats = {
        "documents per outlet": _value_counts(docs.column("outlet_name")),
        MONTHS: _every_month(dict(zip(month_counts.field("values").to_pylist(),
                                                     month_counts.field("counts").to_pylist()))),
        "documents per language": _value_counts(docs.column("language")),
        "documents whose declared language the detector reads otherwise": _disagreements(docs),
        "cleaning edits per rule": _value_counts(pc.list_flatten(pc.split_pattern(tables["edits"].column("rule"), "+"))),
    }
    if "mentions" in tables:
        for layer, rows in _per_layer(tables["mentions"], "entity_id").items():
            stats[f"mentions per entity ({layer})"] = _named(rows, names)
    if "quotes" in tables:
        quotes = tables["quotes"]
        joined = pc.binary_join(quotes.column("speaker_entity_ids"), " + ")
        speakers = pc.if_else(pc.equal(joined, ""), "(unknown)", joined)
        for layer, rows in _per_layer(pyarrow.table({"layer": quotes.column("layer"), "speakers": speakers}),
                                      "speakers").items():
            stats[f"quotes per speaker ({layer})"] = _named(rows, names)
    return stats


def format_stats(stats: dict[str, list[tuple[str, int]]]) -> str:
    blocks = []
    for title, rows in stats.items():
        width = max([len(label) for label, _ in rows[:TOP]] + [len(title)])
        lines = [title, "-" * len(title)] + [f"{label:<{width}}  {count:>6}" for label, count in rows[:TOP]]
        if len(rows) > TOP:
            lines.append(f"… and {len(rows) - TOP} more")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _png(fig: Figure) -> str:
    """A figure as base64 PNG, the same bytes for the same figure (no software or date written)."""
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _bar_chart(title: str, rows: list[tuple[str, int]]) -> str:
    """A horizontal bar chart as a base64 PNG, the same bytes for the same rows."""
    rows = rows[:TOP]
    fig = Figure(figsize=(6, 0.35 * max(len(rows), 2) + 0.8), dpi=80)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    labels = [label for label, _ in rows][::-1]
    ax.barh(range(len(rows)), [count for _, count in rows][::-1], color="#4c72b0")
    ax.set_yticks(range(len(rows)), labels)
    ax.set_title(title)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return _png(fig)


def _month_chart(title: str, rows: list[tuple[str, int]]) -> str:
    """Every month as a column, in time order, as a base64 PNG; at most about 24 month labels."""
    fig = Figure(figsize=(min(6 + 0.05 * len(rows), 12), 3.2), dpi=80)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.bar(range(len(rows)), [count for _, count in rows], color="#4c72b0")
    step = max(1, -(-len(rows) // 24))
    ax.set_xticks(range(0, len(rows), step), [label for label, _ in rows][::step], rotation=90)
    ax.set_title(title)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return _png(fig)


def report_html(stats: dict[str, list[tuple[str, int]]], version: str, name: str) -> str:
    """The release's report, titled with the collection's own name (the card's pretty_name)."""
    name = html.escape(name)
    parts = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{name} {version}: corpus "
             "report</title><style>body{font-family:sans-serif;max-width:52em;margin:auto}table{border-collapse:"
             "collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd}td.n{text-align:right}</style></head><body>",
             f"<h1>{name} {version}: corpus report</h1>",
             "<p>Counts of what this release holds. Generated by <code>warnews release</code> from the release's own "
             "tables.</p>"]
    for title, rows in stats.items():
        parts.append(f"<h2>{html.escape(title)}</h2>")
        if len(rows) > 1:
            chart = _month_chart(title, rows) if title == MONTHS else _bar_chart(title, rows)
            parts.append(f'<img alt="{html.escape(title)}" src="data:image/png;base64,{chart}">')
        parts.append("<table><tr><th>value</th><th>count</th></tr>" + "".join(
            f"<tr><td>{html.escape(label)}</td><td class=\"n\">{count}</td></tr>" for label, count in rows) + "</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
