"""Small server-rendered SVG charts (bars per category, a step line over years).

Pages must be readable offline, under a strict CSP and without JavaScript, so charts are
plain inline SVG styled by classes from site.css. Each chart is ``role="img"`` with a
``<title>`` and a ``<desc>`` that states the data in words; callers also render a table of the
same data as the no-SVG fallback. Empty data gives an empty string so callers can say so.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Sequence

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

WIDTH = 600  # viewBox units; the chart scales to its container's width
BAR_HEIGHT = 260
STEP_HEIGHT = 220
LEFT, RIGHT, TOP = 30, 12, 22  # LEFT grows with the widest axis number
CHAR_WIDTH = 8.0  # rough (generous) advance of a 13-unit sans-serif character, for layout decisions
SMALL_CHAR_WIDTH = 6.0  # the same for .chart-value--small (10 units)
LINE_HEIGHT = 16
MAX_LABEL_CHARS = 16  # rotated labels are cut here; the bar's <title> keeps the full text


def _n(value: float) -> str:
    """Coordinates with one decimal at most, to keep the markup short."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _count(value: int) -> str:
    return number_format(value)


def nice_scale(value: float, ticks: int = 5) -> tuple[int, int]:
    """An axis maximum and tick step for counts up to ``value``: the step is 1, 2 or 5 times a
    power of ten giving at most about ``ticks`` intervals, and the maximum is the first step
    multiple at or above ``value`` (12 -> 15 by 5, 57 -> 60 by 20), so the axis reads naturally
    without wasting height.
    """
    if value <= 1:
        return 1, 1
    rough = value / ticks
    power = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    step = next(factor * power for factor in (1, 2, 5, 10) if factor * power >= rough)
    return math.ceil(value / step) * step, step


def _ids(kind: str) -> tuple[str, str]:
    """Ids that stay unique when several charts (or cached fragments) share a page."""
    stem = f"{kind}-{uuid.uuid4().hex[:12]}"
    return f"{stem}-title", f"{stem}-desc"


def _open(height: int, title: str, desc: str, kind: str) -> list[str]:
    title_id, desc_id = _ids(kind)
    return [
        f'<svg viewBox="0 0 {WIDTH} {height}" class="chart chart--{kind}" role="img" '
        f'aria-labelledby="{title_id}" aria-describedby="{desc_id}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(desc)}</desc>',
    ]


def _left_margin(top_value: int) -> int:
    """Room for the widest axis number (the top one) right-aligned before the plot."""
    return max(LEFT, math.ceil(len(_count(top_value)) * CHAR_WIDTH) + 10)


ValueLabel = str | Callable[[int], str]


def _quantity(value: int, value_label: ValueLabel) -> str:
    """ "7 declarations": a callable label can pluralise (ngettext), a plain one is appended."""
    if callable(value_label):
        return value_label(value)
    return f"{_count(value)} {value_label}"


def _truncate(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _bar_desc(data: Sequence[tuple[str, int]], value_label: ValueLabel) -> str:
    values = [value for _, value in data]
    peak = max(range(len(data)), key=lambda index: values[index])
    if len(data) == 1:
        return gettext("%(label)s: %(quantity)s.") % {
            "label": data[0][0],
            "quantity": _quantity(values[0], value_label),
        }
    return gettext(
        "%(first)s to %(last)s. Highest: %(quantity)s (%(label)s). Total: %(total)s."
    ) % {
        "first": data[0][0],
        "last": data[-1][0],
        "quantity": _quantity(values[peak], value_label),
        "label": data[peak][0],
        "total": _quantity(sum(values), value_label),
    }


def bar_chart_svg(
    data: Sequence[tuple[str, int]], *, title: str, value_label: ValueLabel
) -> SafeString:
    """Vertical bars in the given order, each with its value above and its label below.

    With many bars, short labels (years) are thinned to every k-th and long ones are rotated
    and cut; values shrink, then disappear, when they no longer fit (each bar's tooltip and
    the description still carry them).
    """
    if not data:
        return SafeString("")
    data = [(str(label), max(0, int(value))) for label, value in data]
    count = len(data)
    top_value, tick_step = nice_scale(max(value for _, value in data))
    left = _left_margin(top_value)
    slot = (WIDTH - left - RIGHT) / count
    bar_width = min(slot * 0.7, 64)

    longest = max(len(label) for label, _ in data)
    rotate, step = False, 1
    if longest * CHAR_WIDTH > slot * 0.95:
        if longest <= 7:
            step = math.ceil((longest * CHAR_WIDTH + 8) / slot)
        else:
            rotate = True
    if rotate:
        # a label at 45 degrees reaches down and to the left of its bar by the same extent
        extent = min(longest, MAX_LABEL_CHARS) * CHAR_WIDTH * 0.71
        bottom = int(extent) + 20
        left = max(left, math.ceil(extent - slot / 2) + 4)
        slot = (WIDTH - left - RIGHT) / count
        bar_width = min(slot * 0.7, 64)
        step = math.ceil(LINE_HEIGHT / slot)
    else:
        bottom = 30
    base = BAR_HEIGHT - bottom
    plot_height = base - TOP

    widest_value = max(len(_count(value)) for _, value in data)
    if widest_value * CHAR_WIDTH <= slot:
        value_class = "chart-value"
    elif widest_value * SMALL_CHAR_WIDTH <= slot:
        value_class = "chart-value chart-value--small"
    else:
        value_class = ""

    parts = _open(BAR_HEIGHT, title, _bar_desc(data, value_label), "bars")
    # gridlines with their values at each step; zero is the baseline
    for tick in range(tick_step, top_value + 1, tick_step):
        y = base - tick / top_value * plot_height
        parts.append(
            f'<line class="chart-grid" x1="{left}" x2="{WIDTH - RIGHT}" y1="{_n(y)}" y2="{_n(y)}"/>'
            f'<text class="chart-label chart-tick" x="{left - 6}" y="{_n(y + 4)}" '
            f'text-anchor="end">{_count(tick)}</text>'
        )
    parts.append(
        f'<text class="chart-label chart-tick" x="{left - 6}" y="{_n(base + 4)}" '
        'text-anchor="end">0</text><g class="chart-bars">'
    )
    for index, (label, value) in enumerate(data):
        centre = left + slot * (index + 0.5)
        height = value / top_value * plot_height
        tooltip = escape(f"{label}: {_quantity(value, value_label)}")
        parts.append(
            f'<rect class="chart-bar" x="{_n(centre - bar_width / 2)}" y="{_n(base - height)}" '
            f'width="{_n(bar_width)}" height="{_n(height)}"><title>{tooltip}</title></rect>'
        )
        if value_class:
            parts.append(
                f'<text class="{value_class}" x="{_n(centre)}" y="{_n(base - height - 5)}" '
                f'text-anchor="middle">{_count(value)}</text>'
            )
        if index % step:
            continue
        if rotate:
            y = base + 14
            parts.append(
                f'<text class="chart-label" x="{_n(centre)}" y="{y}" text-anchor="end" '
                f'transform="rotate(-45 {_n(centre)} {y})">{escape(_truncate(label))}</text>'
            )
        else:
            parts.append(
                f'<text class="chart-label" x="{_n(centre)}" y="{base + 18}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append(
        f'</g><line class="chart-axis" x1="{left}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}"/>'
        "</svg>"
    )
    return mark_safe("".join(parts))  # labels and titles are escaped above


def _step_desc(years: list[int], counts: list[int], value_label: ValueLabel) -> str:
    peak = max(range(len(counts)), key=lambda index: counts[index])
    if len(years) == 1:
        return gettext("%(year)s: %(quantity)s.") % {
            "year": years[0],
            "quantity": _quantity(counts[0], value_label),
        }
    return gettext(
        "From %(first)s to %(last)s: %(start)s at the start, %(end)s at the end; "
        "highest %(peak)s in %(peak_year)s."
    ) % {
        "first": years[0],
        "last": years[-1],
        "start": _quantity(counts[0], value_label),
        "end": _quantity(counts[-1], value_label),
        "peak": _count(counts[peak]),
        "peak_year": years[peak],
    }


def step_chart_svg(
    data: Sequence[tuple[int, int]], *, title: str, value_label: ValueLabel
) -> SafeString:
    """A count over years as a step line with a filled area (e.g. members of a network).

    Each year is a band from its start to the next year's; a count holds until the next given
    year, so gaps between years are drawn as "unchanged". A repeated year keeps its last count.
    """
    if not data:
        return SafeString("")
    by_year = {int(year): max(0, int(value)) for year, value in data}
    years = sorted(by_year)
    counts = [by_year[year] for year in years]
    first, last = years[0], years[-1]
    bottom = 30
    base = STEP_HEIGHT - bottom
    peak = max(counts) or 1
    left = _left_margin(peak)
    plot_width = WIDTH - left - RIGHT
    plot_height = base - TOP

    def x(year: float) -> float:
        return left + (year - first) / (last + 1 - first) * plot_width

    def y(value: int) -> float:
        return base - value / peak * plot_height

    # the horizontal and vertical moves after the first year's level, shared by line and area
    steps = (
        "".join(
            f"H{_n(x(year))}V{_n(y(value))}"
            for year, value in zip(years[1:], counts[1:], strict=True)
        )
        + f"H{_n(x(last + 1))}"
    )
    start_x, start_y = _n(x(first)), _n(y(counts[0]))
    line_d = f"M{start_x} {start_y}{steps}"
    area_d = f"M{start_x} {base}V{start_y}{steps}V{base}Z"

    parts = _open(STEP_HEIGHT, title, _step_desc(years, counts, value_label), "steps")
    if max(counts):  # all zeros: the baseline's "0" says it all
        peak_y = _n(y(peak))
        parts.append(
            f'<line class="chart-grid" x1="{left}" x2="{WIDTH - RIGHT}" '
            f'y1="{peak_y}" y2="{peak_y}"/>'
            f'<text class="chart-label chart-tick" x="{left - 6}" y="{_n(y(peak) + 4)}" '
            f'text-anchor="end">{_count(peak)}</text>'
        )
    parts.append(
        f'<text class="chart-label chart-tick" x="{left - 6}" y="{_n(base + 4)}" '
        'text-anchor="end">0</text>'
        f'<path class="chart-area" d="{area_d}"/>'
        f'<path class="chart-line" d="{line_d}"/>'
        f'<line class="chart-axis" x1="{left}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}"/>'
    )
    # year ticks at the middle of the first and last year's band
    for year in dict.fromkeys((first, last)):
        centre = x(year + 0.5)
        half = len(str(year)) * CHAR_WIDTH / 2  # keep the label inside the viewBox
        text_x = min(max(centre, half + 2), WIDTH - half - 2)
        parts.append(
            f'<line class="chart-axis" x1="{_n(centre)}" x2="{_n(centre)}" '
            f'y1="{base}" y2="{base + 5}"/>'
            f'<text class="chart-label" x="{_n(text_x)}" y="{base + 20}" '
            'text-anchor="middle">'
            f"{year}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # only numbers and escaped text are interpolated
