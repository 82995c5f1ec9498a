"""Drill results kept as JSON history (one JSON object per line) and drawn as timelines.

``append`` adds a result to the history file; ``timeline_svg`` draws one result (predicted vs
measured RTO phases as stacked bars; for failover one row per kill with detection, promotion and
first write marked against the predicted best…worst band); ``history_svg`` draws measured vs
predicted RTO of every run in the history; ``mermaid_gantt`` gives the same phases as a Mermaid
gantt for Markdown reports. Plain SVG text, no plotting dependency.
"""

from __future__ import annotations

import json
import os
from html import escape
from pathlib import Path
from typing import Any

PHASE_COLOURS = {"provision": "#9e9e9e", "copy": "#1976d2", "replay": "#388e3c", "verify": "#f9a825",
                 "redirect": "#8e24aa", "detection": "#e53935", "promotion": "#fb8c00", "router_switch": "#8e24aa"}


def default_history_path() -> Path:
    env = os.environ.get("DBWRIGHT_DRILL_HISTORY")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "dbwright" / "drill-history.jsonl"


def append(result: dict[str, Any], path: Path | None = None) -> Path:
    path = path or default_history_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    slim = {k: v for k, v in result.items() if k not in ("events",)}
    with open(path, "a") as fh:
        fh.write(json.dumps(slim, default=str, sort_keys=True) + "\n")
    return path


def load(path: Path | None = None) -> list[dict[str, Any]]:
    path = path or default_history_path()
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return out


# -- drawing ---------------------------------------------------------------------------------
def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">\n'
            f'<title>{escape(title)}</title>\n<rect width="100%" height="100%" fill="white"/>\n'
            f'<text x="10" y="20" font-size="14" font-weight="bold">{escape(title)}</text>\n'
            + "\n".join(body) + "\n</svg>\n")


def _axis(x0: int, x1: int, y: int, max_s: float) -> list[str]:
    body = [f'<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#444"/>']
    step = _nice_step(max_s)
    t = 0.0
    while t <= max_s + 1e-9:
        x = x0 + (x1 - x0) * t / max_s
        body.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + 4}" stroke="#444"/>'
                    f'<text x="{x:.1f}" y="{y + 16}" text-anchor="middle">{t:g} s</text>')
        t += step
    return body


def _nice_step(max_s: float) -> float:
    for step in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500):
        if max_s / step <= 10:
            return float(step)
    return 1000.0


def _bar(x0: int, y: int, scale: float, phases: dict[str, Any], label: str) -> list[str]:
    body = [f'<text x="10" y="{y + 13}">{escape(label)}</text>']
    x = float(x0)
    for name, value in phases.items():
        v = float(value or 0)
        if v <= 0:
            continue
        w = v * scale
        body.append(f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="18" fill="{PHASE_COLOURS.get(name, "#607d8b")}">'
                    f'<title>{escape(name)}: {v:.2f} s</title></rect>')
        x += w
    total = sum(float(v or 0) for v in phases.values())
    body.append(f'<text x="{x + 4:.1f}" y="{y + 13}">{total:.2f} s</text>')
    return body


def timeline_svg(result: dict[str, Any]) -> str:
    kind = result.get("kind", "drill")
    x0, x1 = 170, 760
    if kind == "failover":
        return _failover_svg(result, x0, x1)
    rows: list[tuple[str, dict[str, Any]]] = []
    variants = result.get("variants") or [result]
    for v in variants:
        tag = f" {v['variant']}" if "variant" in v else ""
        rows.append((f"predicted{tag}", v["predicted"]["phases"]))
        rows.append((f"measured{tag}", v["measured"]["phases"]))
    max_s = max(sum(float(x or 0) for x in ph.values()) for _l, ph in rows) or 1.0
    max_s *= 1.15
    scale = (x1 - x0) / max_s
    body: list[str] = []
    y = 40
    for label, phases in rows:
        body += _bar(x0, y, scale, phases, label)
        y += 28
    body += _axis(x0, x1, y + 4, max_s)
    body += _legend(y + 34, [p for p in PHASE_COLOURS if p not in ("detection", "promotion", "router_switch")])
    lost = result.get("acked_lost")
    title = f"dbwright drill {kind}: RTO phases, predicted vs measured (acked lost: {lost})"
    return _svg(800, y + 60, body, title)


def _legend(y: int, names: list[str]) -> list[str]:
    body, x = [], 10
    for n in names:
        body.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{PHASE_COLOURS[n]}"/>'
                    f'<text x="{x + 16}" y="{y + 11}">{escape(n)}</text>')
        x += 30 + 7 * len(n)
    return body


def _failover_svg(result: dict[str, Any], x0: int, x1: int) -> str:
    kills = result.get("kills", [])
    max_s = max([float(k["predicted"]["worst_s"]) for k in kills] + [float(k["rto_s"] or 0) for k in kills] + [1.0])
    max_s *= 1.1
    scale = (x1 - x0) / max_s
    body: list[str] = []
    y = 40
    for k in kills:
        label = f"#{k['kill']} {k['settings']}/{k['mode']} lost {k['acked_lost']}"
        body.append(f'<text x="10" y="{y + 13}">{escape(label)}</text>')
        best, worst = float(k["predicted"]["best_s"]), float(k["predicted"]["worst_s"])
        body.append(f'<rect x="{x0 + best * scale:.1f}" y="{y}" width="{(worst - best) * scale:.1f}" height="18" '
                    f'fill="#e3f2fd" stroke="#90caf9"><title>predicted {best:.1f}…{worst:.1f} s</title></rect>')
        for name, key in (("detection", "detection_s"), ("promotion", "promotion_s"), ("router_switch", "first_write_s")):
            v = k.get(key)
            if v is None:
                continue
            x = x0 + float(v) * scale
            body.append(f'<line x1="{x:.1f}" y1="{y - 2}" x2="{x:.1f}" y2="{y + 20}" stroke="{PHASE_COLOURS[name]}" '
                        f'stroke-width="3"><title>{name}: {float(v):.2f} s</title></line>')
        if k.get("rto_s") is not None:
            body.append(f'<text x="{x0 + float(k["rto_s"]) * scale + 5:.1f}" y="{y + 13}">{float(k["rto_s"]):.1f} s</text>')
        y += 28
    body += _axis(x0, x1, y + 4, max_s)
    body += _legend(y + 34, ["detection", "promotion", "router_switch"])
    body.append(f'<rect x="420" y="{y + 34}" width="12" height="12" fill="#e3f2fd" stroke="#90caf9"/>'
                f'<text x="436" y="{y + 45}">predicted best…worst</text>')
    title = "dbwright drill failover: time from kill -9 of the leader (first write = RTO)"
    return _svg(800, y + 60, body, title)


def history_svg(entries: list[dict[str, Any]]) -> str:
    """Measured vs predicted RTO of every run in the history, one row per run (newest last)."""
    x0, x1 = 330, 760
    rows = [e for e in entries if e.get("measured", {}).get("rto_s") is not None]
    max_s = max([float(e["measured"]["rto_s"]) for e in rows]
                + [float(e.get("predicted", {}).get("rto_s") or 0) for e in rows] + [1.0]) * 1.1
    scale = (x1 - x0) / max_s
    body: list[str] = []
    y = 40
    for e in rows:
        m, p = float(e["measured"]["rto_s"]), float(e.get("predicted", {}).get("rto_s") or 0)
        body.append(f'<text x="10" y="{y + 11}">{escape(str(e.get("started", ""))[:19])} {escape(e.get("kind", ""))} '
                    f'lost {escape(json.dumps(e.get("acked_lost")))}</text>')
        body.append(f'<rect x="{x0}" y="{y}" width="{m * scale:.1f}" height="8" fill="#1976d2"/>')
        body.append(f'<rect x="{x0}" y="{y + 8}" width="{p * scale:.1f}" height="6" fill="#90caf9"/>')
        body.append(f'<text x="{x0 + max(m, p) * scale + 4:.1f}" y="{y + 11}">{m:.2f} / {p:.2f} s</text>')
        y += 22
    body += _axis(x0, x1, y + 4, max_s)
    body.append(f'<rect x="10" y="{y + 30}" width="12" height="8" fill="#1976d2"/><text x="26" y="{y + 38}">measured RTO</text>'
                f'<rect x="130" y="{y + 30}" width="12" height="6" fill="#90caf9"/><text x="146" y="{y + 38}">predicted RTO</text>')
    return _svg(800, y + 50, body, "dbwright drill history: measured vs predicted RTO")


def mermaid_gantt(result: dict[str, Any]) -> str:
    """The measured phases as a Mermaid gantt (milliseconds on the axis)."""
    lines = ["gantt", f"    title dbwright drill {result.get('kind', '')}: measured RTO phases",
             "    dateFormat x", "    axisFormat %S.%L s"]
    groups: list[tuple[str, dict[str, Any]]] = []
    if result.get("kind") == "failover":
        for k in result.get("kills", []):
            kph: dict[str, Any] = {"detection": k.get("detection_s") or 0,
                  "promotion": (k.get("promotion_s") or 0) - (k.get("detection_s") or 0),
                  "router_switch": (k.get("first_write_s") or 0) - (k.get("promotion_s") or 0)}
            groups.append((f"kill {k['kill']} {k['settings']}/{k['mode']}", kph))
    else:
        for v in result.get("variants") or [result]:
            groups.append((v.get("variant", "restore"), v["measured"]["phases"]))
    for section, phases in groups:
        lines.append(f"    section {section}")
        t = 0
        for ph, val in phases.items():
            ms = max(0, round(float(val or 0) * 1000))
            if ms <= 0:
                continue
            lines.append(f"    {ph} {val:.2f}s :{t}, {t + ms}")
            t += ms
    return "\n".join(lines) + "\n"
