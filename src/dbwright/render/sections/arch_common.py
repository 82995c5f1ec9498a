"""Small helpers shared by the architecture section renderers (technology, caching, scaling,
monitoring): Markdown tables, number formatting and a dependency-free SVG line chart."""

from __future__ import annotations

from html import escape
from typing import Any


def table(header: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def cell(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v).replace("|", "\\|").replace("\n", " ")


def pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.1%}"


def size(n: float | None) -> str:
    if n is None:
        return "–"
    for unit, f in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(n) >= f:
            return f"{n / f:.1f} {unit}"
    return f"{n:.0f} B"


def line_chart_svg(title: str, x_labels: list[str], series: dict[str, list[float]], unit: str = "bytes",
                   width: int = 640, height: int = 320) -> str:
    """A small SVG line chart (no dependencies): one polyline per series, labelled axes."""
    left, right, top, bottom = 80, 150, 40, 40
    w, h = width - left - right, height - top - bottom
    peak = max((v for vals in series.values() for v in vals), default=1.0) or 1.0
    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
    n = max(1, len(x_labels) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + w * i / n, top + h * (1 - v / peak)

    fmt = size if unit == "bytes" else (lambda v: f"{v:,.0f}")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
             f'<text x="{left}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
             f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" stroke="#333"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + h}" stroke="#333"/>']
    for k in range(5):
        v = peak * k / 4
        _, y = xy(0, v)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + w}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(v))}</text>')
    for i, lab in enumerate(x_labels):
        x, _ = xy(i, 0)
        parts.append(f'<text x="{x:.1f}" y="{top + h + 18}" text-anchor="middle">{escape(lab)}</text>')
    for idx, (name, vals) in enumerate(series.items()):
        colour = colours[idx % len(colours)]
        pts = " ".join(f"{xy(i, v)[0]:.1f},{xy(i, v)[1]:.1f}" for i, v in enumerate(vals))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{pts}"/>')
        for i, v in enumerate(vals):
            x, y = xy(i, v)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(name)}: '
                         f'{escape(fmt(v))}</title></circle>')
        ly = top + 14 + idx * 18
        parts.append(f'<rect x="{left + w + 12}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{left + w + 26}" y="{ly}">{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def mermaid_xychart(title: str, x_labels: list[str], values: list[float], y_label: str) -> str:
    xs = ", ".join(f'"{x}"' for x in x_labels)
    ys = ", ".join(f"{v:.2f}" for v in values)
    return (f"```mermaid\nxychart-beta\n    title \"{title}\"\n    x-axis [{xs}]\n"
            f"    y-axis \"{y_label}\"\n    line [{ys}]\n```")
