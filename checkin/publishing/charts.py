"""Bar charts drawn on the server as SVG: no script, nothing from another host. No Flask."""

import hashlib
import math

from markupsafe import Markup, escape

FILLS = ("#1d5c8a", "#a8c3d6")  # this year, the year before; CSS may override via the classes


def _nice_top(value):
    """A round number at or above `value` for the top of the scale."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return int(step * power) if step * power >= 1 else 1
    return int(10 * power)


def bar_chart(series, labels, title, *, desc="", series_names=(), width=640, height=260,
              incomplete=None, incomplete_note=""):
    """One or two series of counts side by side per label, as accessible SVG markup.

    `series` is a list of lists of numbers (one list per series, one number per label).
    Every text is escaped; each bar carries its value in a <title> for screen readers.
    `incomplete`: the index of a label whose first series is not over yet (this month): its
    label gets a '*', its bar is drawn hollow and says `incomplete_note`.
    """
    if not series or any(len(s) != len(labels) for s in series):
        raise ValueError("each series needs one number per label")
    chart_id = "chart-" + hashlib.sha256(f"{title}{labels}{series}".encode()).hexdigest()[:8]
    left, right, top, bottom = 44, 8, 28 if series_names else 12, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_top(max((v for s in series for v in s), default=0))
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.8 / len(series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for tick in (0, top_value / 2, top_value):
        y = top + plot_h - plot_h * tick / top_value
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="#ccc"/>')
        parts.append(f'<text class="tick" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" '
                     f'font-size="14">{tick:g}</text>')
    for i, label in enumerate(labels):
        x0 = left + i * group_w + group_w * 0.1
        for k, values in enumerate(series):
            value = values[i]
            h = plot_h * value / top_value
            name = series_names[k] if k < len(series_names) else ""
            tip = f"{label}, {name}: {value}" if name else f"{label}: {value}"
            fill, more = FILLS[k % len(FILLS)], ""
            if i == incomplete and k == 0:
                tip = f"{tip} ({incomplete_note})" if incomplete_note else tip
                more = (f' stroke="{fill}" stroke-width="2" stroke-dasharray="4 3" '
                        f'fill-opacity="0.35"')
            parts.append(
                f'<rect class="bar series-{k}{" incomplete" if more else ""}" '
                f'x="{x0 + k * bar_w:.1f}" '
                f'y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{fill}"{more} data-value="{value}">'
                f'<title>{escape(tip)}</title></rect>')
        shown = f"{label}*" if i == incomplete else label
        parts.append(f'<text class="label" x="{left + (i + 0.5) * group_w:.1f}" '
                     f'y="{height - bottom + 20}" text-anchor="middle" font-size="14">'
                     f'{escape(shown)}</text>')
    for k, name in enumerate(series_names):
        x = left + k * 160
        parts.append(f'<rect class="legend series-{k}" x="{x}" y="6" width="12" height="12" '
                     f'fill="{FILLS[k % len(FILLS)]}"/>')
        parts.append(f'<text class="legend" x="{x + 16}" y="17" font-size="14">'
                     f'{escape(name)}</text>')
    parts.append("</svg>")
    # Every text above went through escape(), so the whole is safe markup.
    return Markup("\n".join(parts))  # noqa: S704  # nosec


# Darkest first: white text reads on these, dark text on the others.
DARK_FILLS = {"#0b5d3b", "#b03a2e", "#1d5c8a", "#5b3a8a"}


def share_bars(rows, segment_names, fills, title, *, desc="", width=480):
    """One horizontal bar per row, split into the shares of its segments (a 100 % bar), as
    HappyOrNot shows its faces: each segment's share written in it when there is room.

    `rows` is a list of (label, [count per segment]); a row with no counts is an empty bar.
    Each label stands above its bar, so the chart stays readable on a phone. Every text is
    escaped; each segment has its count and share in a <title>.
    """
    if any(len(counts) != len(segment_names) for _label, counts in rows):
        raise ValueError("each row needs one count per segment")
    chart_id = "chart-" + hashlib.sha256(f"{title}{rows}".encode()).hexdigest()[:8]
    label_h, bar_h, gap = 18, 26, 10
    legend, x, y = [], 0, 4
    for k, name in enumerate(segment_names):
        item_w = 18 + 8 * len(str(name)) + 14
        if x and x + item_w > width:
            x, y = 0, y + 20
        legend.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="{fills[k]}"/>')
        legend.append(f'<text class="legend" x="{x + 18}" y="{y + 12}" font-size="14">'
                      f'{escape(name)}</text>')
        x += item_w
    top = y + 24
    height = top + len(rows) * (label_h + bar_h + gap)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart share-chart" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        *legend,
    ]
    for i, (label, counts) in enumerate(rows):
        y = top + i * (label_h + bar_h + gap)
        total = sum(counts)
        parts.append(f'<text class="label" x="0" y="{y + 14}" font-size="14">'
                     f'{escape(label)}</text>')
        y += label_h
        if not total:
            parts.append(f'<rect x="0" y="{y}" width="{width}" height="{bar_h}" '
                         f'fill="none" stroke="#ccc"/>')
            continue
        x = 0
        for k, count in enumerate(counts):
            share = count / total
            w = width * share
            percent = round(100 * share)
            parts.append(
                f'<rect class="segment s{k}" x="{x:.1f}" y="{y}" width="{w:.1f}" '
                f'height="{bar_h}" fill="{fills[k]}" data-count="{count}">'
                f'<title>{escape(f"{label}, {segment_names[k]}: {count} ({percent} %)")}</title>'
                f'</rect>')
            if w >= 34:
                ink = " on-dark" if fills[k] in DARK_FILLS else ""
                parts.append(f'<text class="share{ink}" x="{x + w / 2:.1f}" y="{y + 18}" '
                             f'text-anchor="middle" font-size="14">{percent}%</text>')
            x += w
    parts.append("</svg>")
    # Every text above went through escape(), so the whole is safe markup.
    return Markup("\n".join(parts))  # noqa: S704  # nosec
