"""``wirewash report``: the corpus's figures as one self-contained HTML file, for analysts.

One file with inline CSS and hand-drawn inline SVG, and no script or network fetch, so it can be
mailed, archived beside the data, or opened on an offline machine and always looks the same.
The figures come from :func:`pipelines.stats.stats`, the one place they are computed; this
module only draws them. Every data mark carries a ``<title>`` so hovering shows the exact value.
"""
from __future__ import annotations

import datetime as dt
import math
from html import escape
from pathlib import Path
from typing import Any

from output.store import write_text
from pipelines.stats import stats

REPORT = "report.html"
ARTICLES, DUPLICATES, ERRORS, REMOVED, NEUTRAL = "#3b6ea5", "#e39b2f", "#c0392b", "#5b9a4b", "#7a5ea8"
TOP_ROWS = 25  # domains and rules drawn; the tables below the charts list them all
WIDTH = 760

Series = tuple[str, list[float], str]  # name, one value per label, colour


class _Html(str):
    """Markup built here from escaped parts, inserted into a table cell as it is."""


def report(corpus: Path, out: Path | None = None, now: dt.datetime | None = None) -> Path:
    """Write the report for ``corpus`` to ``out`` (default ``<corpus>/report.html``) atomically, as
    of ``now`` (default: :func:`pipelines.clock.utc_now`); returns its path."""
    corpus = Path(corpus).resolve()
    path = Path(out) if out is not None else corpus / REPORT
    write_text(render_report(stats(corpus, now=now)), path)
    return path


def render_report(f: dict[str, Any]) -> str:
    """The whole HTML document for the figures ``f`` of :func:`pipelines.stats.stats`."""
    sections = [_overview(f), _days(f), _domains(f), _duplicates(f), _removals(f), _health(f), _errors(f), _runs(f)]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>wirewash report: {escape(f['corpus'])}</title><style>{_CSS}</style></head><body>"
        f"<h1>wirewash corpus report</h1><p class=\"meta\">{escape(f['corpus'])} &middot; schema v{f['schema_version']}"
        f" &middot; generated {escape(f['generated_at'])}</p>" + "".join(sections) + "</body></html>\n"
    )


def _overview(f: dict[str, Any]) -> str:
    d = f["datasets"]
    tiles = [("articles", d["articles"]["rows"]), ("dropped copies", d["duplicates"]["rows"]),
             ("errors", d["errors"]["rows"]), ("domains", len(f["per_domain"])), ("runs", len(f["runs"]))]
    files = ", ".join(f"{name} {c['files']:,} files in {c['partitions']:,} partitions" for name, c in d.items())
    return ("<section><div class=\"tiles\">"
            + "".join(f"<div class=\"tile\"><b>{n:,}</b><span>{label}</span></div>" for label, n in tiles)
            + f"</div><p class=\"meta\">{escape(files)}</p></section>")


def _days(f: dict[str, Any]) -> str:
    rows = f["per_day"]
    if not rows:
        return _section("Documents per day", "", "<p>No documents yet.</p>")
    chart = _vbars([r["crawl_date"] for r in rows], [
        ("articles", [r["articles"] for r in rows], ARTICLES),
        ("dropped copies", [r["duplicates"] for r in rows], DUPLICATES),
        ("errors", [r["errors"] for r in rows], ERRORS),
    ])
    return _section("Documents per day", "By <code>crawl_date</code> (UTC fetch date): what each day's pages became.", chart)


def _domains(f: dict[str, Any]) -> str:
    rows = f["per_domain"]
    if not rows:
        return _section("Documents per domain", "", "<p>No documents yet.</p>")
    chart = _hbars([r["domain"] for r in rows[:TOP_ROWS]], [
        ("articles", [r["articles"] for r in rows[:TOP_ROWS]], ARTICLES),
        ("dropped copies", [r["duplicates"] for r in rows[:TOP_ROWS]], DUPLICATES),
    ])
    table = _table(["domain", "site", "articles", "dropped copies"],
                   [[r["domain"], r["site"], r["articles"], r["duplicates"]] for r in rows])
    return _section("Documents per domain", _top_note(len(rows), "domains"), chart, table)


def _duplicates(f: dict[str, Any]) -> str:
    dup = f["duplicates"]
    sizes = dup["cluster_sizes"]
    if not sizes:
        return _section("Duplicate clusters", "", "<p>No documents yet.</p>")
    chart = _vbars([str(s["size"]) for s in sizes], [("stories", [s["clusters"] for s in sizes], NEUTRAL)],
                   x_title="copies of the story (kept + dropped)")
    matches = ", ".join(f"{n:,} {m}" for m, n in dup["by_match"].items()) or "none"
    table = _table(["copies", "story", "domains", "first published"],
                   [[s["copies"], s["title"] or s["cluster_id"], ", ".join(s["domains"]), _when(s["first_published"])]
                    for s in dup["top_stories"]])
    return _section("Duplicate clusters", f"{dup['clusters']:,} stories; dropped copies by match: {escape(matches)}. "
                    "Most syndicated stories:", chart, table if dup["top_stories"] else "<p>No story has a copy.</p>")


def _removals(f: dict[str, Any]) -> str:
    rows = f["removals"]
    if not rows:
        return _section("Furniture removed per rule", "", "<p>Nothing was removed.</p>")
    chart = _hbars([r["rule"] for r in rows[:TOP_ROWS]], [("characters", [r["chars"] for r in rows[:TOP_ROWS]], REMOVED)])
    table = _table(["rule", "documents", "characters"], [[r["rule"], r["documents"], r["chars"]] for r in rows])
    return _section("Furniture removed per rule", "Characters removed from the extracted text, over kept and dropped "
                    "documents.", chart, table)


def _health(f: dict[str, Any]) -> str:
    rows = f["health"]
    drawn = [r for r in rows if r["median_text_chars"] is not None][:TOP_ROWS]
    chart = _hbars([r["domain"] for r in drawn], [("median characters", [r["median_text_chars"] for r in drawn], ARTICLES)])
    table = _table(
        ["domain", "documents", "errors", "error rate", "empty body", "median chars", "share removed",
         "title", "date", "author"],
        [[r["domain"], r["documents"], r["errors"], _rate(r["error_rate"], bad_above=0.1),
          _rate(r["empty_body_rate"], bad_above=0.1), r["median_text_chars"], _rate(r["share_removed"], bad_above=0.6),
          _rate(r["title_fill"], bad_below=0.8), _rate(r["date_fill"], bad_below=0.8),
          _rate(r["author_fill"], bad_below=0.5)] for r in rows],
    )
    note = (f"Rates over documents + errors of the domain; fill rates over documents. {f['errors']['unattributed']:,} "
            "errors of file inputs have no domain. Median text length per domain:")
    return _section("Extraction health per domain", note, chart if drawn else "", table)


def _errors(f: dict[str, Any]) -> str:
    rows = f["errors"]["by_stage_reason"]
    if not rows:
        return _section("Errors by stage and reason", "", "<p>No errors recorded.</p>")
    chart = _hbars([f"{r['stage']} / {r['reason']}" for r in rows[:TOP_ROWS]],
                   [("errors", [r["count"] for r in rows[:TOP_ROWS]], ERRORS)])
    table = _table(["stage", "reason", "count"], [[r["stage"], r["reason"], r["count"]] for r in rows])
    return _section("Errors by stage and reason", f"{f['errors']['total']:,} error records.", chart, table)


def _runs(f: dict[str, Any]) -> str:
    runs = f["runs"]
    if not runs:
        return _section("Run history", "", "<p>No committed run.</p>")
    chart = _lines([_when(r["started_at"])[5:] for r in runs], [
        ("documents", [r["documents"] for r in runs], NEUTRAL),
        ("articles written", [r["articles_written"] for r in runs], ARTICLES),
        ("copies dropped", [r["duplicates_written"] for r in runs], DUPLICATES),
        ("errors", [r["errors"] for r in runs], ERRORS),
    ])
    table = _table(["run", "command", "started", "seconds", "new inputs", "documents", "articles", "copies", "errors",
                    "exit"], [[r["run_id"], r["command"], _when(r["started_at"]), r["duration_s"], r["inputs_new"], r["documents"],
                              r["articles_written"], r["duplicates_written"], r["errors"], r["exit_code"]]
                             for r in reversed(runs)])
    return _section("Run history", "From <code>_runs/*.json</code>, newest first in the table.", chart, table)


def _when(iso: str | None) -> str:
    """``2026-11-22T01:40:15.2+00:00`` as ``2026-11-22 01:40:15`` (every time in the corpus is UTC)."""
    return (iso or "")[:19].replace("T", " ")


def _section(title: str, note: str, *parts: str) -> str:
    return f"<section><h2>{escape(title)}</h2><p class=\"note\">{note}</p>{''.join(parts)}</section>"


def _top_note(n: int, what: str) -> str:
    return f"{n:,} {what}" + (f"; the chart shows the first {TOP_ROWS}." if n > TOP_ROWS else ".")


def _rate(value: float | None, *, bad_above: float = 1.0, bad_below: float = 0.0) -> _Html | None:
    """A percentage cell, marked when it is outside the range a healthy extraction gives."""
    if value is None:
        return None
    bad = value > bad_above or value < bad_below
    return _Html(f"<span class=\"{'bad' if bad else 'ok'}\">{value:.0%}</span>")


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: Any) -> str:
    if value is None:
        return "<td></td>"
    if isinstance(value, (int, float)):
        return f"<td class=\"n\">{_num(value)}</td>"
    if isinstance(value, _Html):
        return f"<td class=\"n\">{value}</td>"
    return f"<td>{escape(str(value))}</td>"


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


# --- SVG -------------------------------------------------------------------------------------------------


def _ticks(top: float) -> list[float]:
    """Round axis ticks from 0 to at least ``top``, at most about five of them."""
    if top <= 0:
        return [0, 1]
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(math.ceil(top / step) + 1)]


def _svg(height: float, body: str, label: str) -> str:
    return (f"<svg class=\"chart\" role=\"img\" aria-label=\"{escape(label)}\" viewBox=\"0 0 {WIDTH} {height:.0f}\" "
            f"width=\"{WIDTH}\" height=\"{height:.0f}\" xmlns=\"http://www.w3.org/2000/svg\" "
            f"font-family=\"system-ui, sans-serif\" font-size=\"11\">{body}</svg>")


def _legend(series: list[Series], y: float = 12) -> str:
    if len(series) < 2:
        return ""
    out, x = [], 48.0
    for name, _, colour in series:
        out.append(f"<rect x=\"{x:.0f}\" y=\"{y - 9}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>"
                   f"<text x=\"{x + 14:.0f}\" y=\"{y}\">{escape(name)}</text>")
        x += 24 + 6.5 * len(name)
    return "".join(out)


def _vbars(labels: list[str], series: list[Series], x_title: str = "") -> str:
    """Vertical stacked bars, one per label (days, cluster sizes)."""
    height, left, top, bottom = 260, 48, 24, 44 if x_title else 30
    plot_w, plot_h = WIDTH - left - 12, height - top - bottom
    ticks = _ticks(max((sum(s[1][i] for s in series) for i in range(len(labels))), default=0))
    scale = plot_h / ticks[-1]
    out = [_legend(series)]
    for t in ticks:
        y = top + plot_h - t * scale
        out.append(f"<line x1=\"{left}\" x2=\"{WIDTH - 12}\" y1=\"{y:.1f}\" y2=\"{y:.1f}\" stroke=\"#ddd\"/>"
                   f"<text x=\"{left - 6}\" y=\"{y + 4:.1f}\" text-anchor=\"end\" fill=\"#555\">{_num(t)}</text>")
    slot = plot_w / max(len(labels), 1)
    bar = min(max(slot * 0.7, 1), 48)
    every = math.ceil(len(labels) / max(plot_w // 70, 1))
    for i, label in enumerate(labels):
        x, base = left + (i + 0.5) * slot - bar / 2, top + plot_h
        for name, values, colour in series:
            if values[i]:
                h = values[i] * scale
                base -= h
                out.append(f"<rect class=\"mark\" x=\"{x:.1f}\" y=\"{base:.1f}\" width=\"{bar:.1f}\" "
                           f"height=\"{h:.1f}\" fill=\"{colour}\"><title>{escape(label)}: {_num(values[i])} "
                           f"{escape(name)}</title></rect>")
        if i % every == 0:
            out.append(f"<text x=\"{left + (i + 0.5) * slot:.1f}\" y=\"{top + plot_h + 16}\" text-anchor=\"middle\" "
                       f"fill=\"#555\">{escape(label)}</text>")
    if x_title:
        out.append(f"<text x=\"{left + plot_w / 2:.0f}\" y=\"{height - 6}\" text-anchor=\"middle\" fill=\"#555\">"
                   f"{escape(x_title)}</text>")
    return _svg(height, "".join(out), x_title or ", ".join(s[0] for s in series))


def _hbars(labels: list[str], series: list[Series]) -> str:
    """Horizontal stacked bars, one row per label (domains, rules, error reasons), total at the end."""
    row, left, top = 22, 220, 24 if len(series) > 1 else 8
    height = top + row * len(labels) + 8
    totals = [sum(s[1][i] for s in series) for i in range(len(labels))]
    scale = (WIDTH - left - 70) / (max(totals, default=0) or 1)
    out = [_legend(series)]
    for i, label in enumerate(labels):
        y, x = top + i * row, float(left)
        short = label if len(label) <= 34 else label[:33] + "…"
        out.append(f"<text x=\"{left - 6}\" y=\"{y + 14}\" text-anchor=\"end\">{escape(short)}<title>{escape(label)}"
                   "</title></text>")
        for name, values, colour in series:
            if values[i]:
                w = values[i] * scale
                out.append(f"<rect class=\"mark\" x=\"{x:.1f}\" y=\"{y + 3}\" width=\"{max(w, 1):.1f}\" height=\"{row - 6}\" "
                           f"fill=\"{colour}\"><title>{escape(label)}: {_num(values[i])} {escape(name)}</title></rect>")
                x += w
        out.append(f"<text x=\"{x + 5:.1f}\" y=\"{y + 14}\" fill=\"#555\">{_num(totals[i])}</text>")
    return _svg(height, "".join(out), ", ".join(s[0] for s in series))


def _lines(labels: list[str], series: list[Series]) -> str:
    """One line per series over the labels (runs, oldest first), with a dot per value."""
    height, left, top, bottom, inset = 260, 48, 24, 30, 50  # inset: room for the first and last x label
    plot_w, plot_h = WIDTH - left - 24, height - top - bottom
    ticks = _ticks(max((v for s in series for v in s[1]), default=0))
    scale = plot_h / ticks[-1]
    step = (plot_w - 2 * inset) / max(len(labels) - 1, 1)
    xs = [left + inset + (i * step if len(labels) > 1 else plot_w / 2 - inset) for i in range(len(labels))]
    out = [_legend(series)]
    for t in ticks:
        y = top + plot_h - t * scale
        out.append(f"<line x1=\"{left}\" x2=\"{WIDTH - 24}\" y1=\"{y:.1f}\" y2=\"{y:.1f}\" stroke=\"#ddd\"/>"
                   f"<text x=\"{left - 6}\" y=\"{y + 4:.1f}\" text-anchor=\"end\" fill=\"#555\">{_num(t)}</text>")
    every = math.ceil(len(labels) / max(plot_w // 120, 1))
    for i, label in enumerate(labels):
        if i % every == 0:
            out.append(f"<text x=\"{xs[i]:.1f}\" y=\"{top + plot_h + 16}\" text-anchor=\"middle\" fill=\"#555\">"
                       f"{escape(label)}</text>")
    for name, values, colour in series:
        points = [(x, top + plot_h - v * scale) for x, v in zip(xs, values)]
        if len(points) > 1:
            out.append(f"<polyline class=\"mark\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\""
                       + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + "\"/>")
        out += [f"<circle class=\"mark\" cx=\"{x:.1f}\" cy=\"{y:.1f}\" r=\"3.5\" fill=\"{colour}\"><title>{escape(label)}: "
                f"{_num(v)} {escape(name)}</title></circle>" for (x, y), v, label in zip(points, values, labels)]
    return _svg(height, "".join(out), ", ".join(s[0] for s in series))


_CSS = """
body{font-family:system-ui,sans-serif;color:#222;max-width:1000px;margin:24px auto;padding:0 16px;line-height:1.4}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 4px;border-bottom:1px solid #ddd;padding-bottom:3px}
.meta,.note{color:#555;font-size:13px;margin:4px 0 8px}
.tiles{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.tile{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:110px}
.tile b{display:block;font-size:22px}.tile span{color:#555;font-size:12px}
svg.chart{display:block;max-width:100%;height:auto;margin:6px 0 10px}
table{border-collapse:collapse;font-size:12.5px;margin:6px 0}
th,td{border-bottom:1px solid #eee;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.bad{color:#b3261e;font-weight:600}.ok{color:#222}code{background:#f3f3f3;padding:0 3px}
"""
