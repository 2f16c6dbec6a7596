#!/usr/bin/env python3
"""Draws the scale rows of a bench.sh JSON report as a plain SVG: ADD median (ms) against
containers attached (log scale), one line each for flatnet, bridge+host-local and the
kernel floor (`ip link add` of a veth, peer in a fresh netns, on a bridge with as many ports).

  scale_plot.py BENCH_JSON OUT.svg

Standard library only; the same report always gives the same bytes.
"""
import json
import math
import sys
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 720, 440
LEFT, RIGHT, TOP, BOTTOM = 70, 30, 50, 60
SERIES = (  # (label, row name, side, colour, dash pattern)
    ("flatnet", "ADD", "a", "#1f6fb2", ""),
    ("bridge + host-local (Go)", "ADD", "b", "#d2691e", ""),
    ("kernel floor: ip link add veth", "floor: veth add", "a", "#555555", "6 4"),
)


def points(rows, name, side):
    """[(attached, median ms)] for one series, by size."""
    found = []
    for row in rows:
        if "attached" in row and row["name"] == f"{name} at {row['attached']} attached" and side in row:
            found.append((row["attached"], row[side]["median_ms"]))
    return sorted(found)


def tick_step(top):
    """A 1, 2 or 5 times a power of ten giving at most six y ticks up to TOP."""
    power = 10 ** math.floor(math.log10(top / 6)) if top > 0 else 1
    return next(step * power for step in (1, 2, 5, 10) if top / (step * power) <= 6)


def text(x, y, body, anchor="middle", extra=""):
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-family="sans-serif" '
            f'font-size="12"{extra}>{escape(body)}</text>')


def draw(rows):
    series = [(label, points(rows, name, side), colour, dash) for label, name, side, colour, dash in SERIES]
    sizes = sorted({size for _, found, _, _ in series for size, _ in found})
    if not sizes:
        sys.exit("no scale rows in the report (scale_bench.py's rows have \"attached\")")
    step = tick_step(max(ms for _, found, _, _ in series for _, ms in found) * 1.1)
    y_top = step * math.ceil(max(ms for _, found, _, _ in series for _, ms in found) * 1.1 / step)
    low, high = math.log10(sizes[0]), math.log10(sizes[-1])
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(size):
        if high == low:
            return LEFT + plot_width / 2
        return LEFT + (math.log10(size) - low) / (high - low) * plot_width

    def y_of(ms):
        return TOP + plot_height - ms / y_top * plot_height

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           text(WIDTH / 2, 24, "ADD median against containers already attached", extra=' font-weight="bold"')]
    for index in range(round(y_top / step) + 1):
        y = y_of(index * step)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#dddddd"/>')
        out.append(text(LEFT - 8, y + 4, f"{index * step:g}", anchor="end"))
    for size in sizes:
        out.append(f'<line x1="{x_of(size):.1f}" y1="{TOP + plot_height}" x2="{x_of(size):.1f}" '
                   f'y2="{TOP + plot_height + 5}" stroke="black"/>')
        out.append(text(x_of(size), TOP + plot_height + 20, f"{size:,}"))
    corner = f"{LEFT},{TOP + plot_height}"
    out.append(f'<polyline points="{LEFT},{TOP} {corner} {WIDTH - RIGHT},{TOP + plot_height}" '
               f'fill="none" stroke="black"/>')
    out.append(text(LEFT + plot_width / 2, HEIGHT - 14, "containers attached (log scale)"))
    out.append(text(18, TOP + plot_height / 2, "ADD median (ms)",
                    extra=f' transform="rotate(-90 18 {TOP + plot_height / 2:.1f})"'))
    out.append(f'<rect x="{LEFT + 8}" y="{TOP + 2}" width="250" height="{len(series) * 18 + 4}" fill="white" '
               f'fill-opacity="0.85"/>')  # the legend stays readable where a line runs behind it
    for index, (label, found, colour, dash) in enumerate(series):
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        path = " ".join(f"{x_of(size):.1f},{y_of(ms):.1f}" for size, ms in found)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dashes}/>')
        out += [f'<circle cx="{x_of(size):.1f}" cy="{y_of(ms):.1f}" r="3" fill="{colour}"/>'
                for size, ms in found]
        legend_y = TOP + 12 + index * 18
        out.append(f'<line x1="{LEFT + 14}" y1="{legend_y}" x2="{LEFT + 40}" y2="{legend_y}" '
                   f'stroke="{colour}" stroke-width="2"{dashes}/>')
        out.append(text(LEFT + 46, legend_y + 4, label, anchor="start"))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    with open(sys.argv[1]) as report:
        rows = json.load(report)
    with open(sys.argv[2], "w") as svg:
        svg.write(draw(rows))


if __name__ == "__main__":
    main()
