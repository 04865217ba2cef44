"""The projection as a PNG a prospect can read on a phone.

Built with ``matplotlib.figure.Figure`` and the Agg canvas, never pyplot: pyplot keeps global
figures (leaks in a long-running bot) and is not meant for threads. Rendering is also serialised
by a lock, because matplotlib's font cache is shared between figures.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.numbers import format_compact_decimal, format_decimal
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

from bot.growth.projection import SCENARIOS, Projection

WIDTH_IN, HEIGHT_IN, DPI = 10.0, 7.0, 100
"""1000 × 700 px: wide enough for a phone in landscape, legible when shrunk in portrait."""


# Okabe-Ito palette (safe for the common colour-blindnesses); line styles differ as well,
# so the scenarios stay apart in greyscale too.
@dataclass(frozen=True)
class _Line:
    color: str
    dashes: str | tuple[int, tuple[int, ...]]
    width: float
    zorder: float


_STYLE: dict[str, _Line] = {
    "cautious": _Line("#D55E00", (0, (6, 3)), 4.0, 3.0),
    "likely": _Line("#0072B2", "-", 5.5, 3.5),  # the answer we stand by: thickest, on top
    "good": _Line("#009E73", (0, (8, 3, 2, 3)), 4.0, 3.0),
}
_TARGET_COLOUR = "#333333"
_OFF_CHART_RATIO = 5.0
"""A target more than this × the highest curve would flatten the curves: state it, don't draw it."""

_FOOTNOTE_WIDTH = 85
"""Characters per footnote line at 15 pt across 1000 px; longer notes wrap (up to 3 lines)."""

_LOCK = threading.RLock()


@dataclass(frozen=True)
class ChartLabels:
    """Already-translated texts; the chart only formats numbers (for ``locale``)."""

    locale: str
    title: str
    x_axis: str
    y_axis: str
    cautious: str
    likely: str
    good: str
    target: str
    """The word for the target line; ": 10.000" is appended in the locale's format."""
    footnote: str | None = None


def render_chart(projection: Projection, labels: ChartLabels, path: Path | None = None) -> bytes:
    """Draw the three scenarios and the target; return the PNG (and write it if ``path``)."""
    number = _formatter(labels.locale)
    with _LOCK:
        figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
        FigureCanvasAgg(figure)
        _draw(figure, projection, labels, number)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    png = buffer.getvalue()
    if path is not None:
        path.write_bytes(png)
    return png


def _draw(
    figure: Figure, projection: Projection, labels: ChartLabels, number: Callable[[float], str]
) -> None:
    axes = figure.add_subplot()
    target = projection.input.target
    names = {"cautious": labels.cautious, "likely": labels.likely, "good": labels.good}
    span = len(projection.scenarios["likely"].months) - 1
    months = list(range(span + 1))
    top = 0.0
    for name in SCENARIOS:
        scenario = projection.scenarios[name]
        style = _STYLE[name]
        top = max(top, *scenario.months)
        axes.plot(
            months,
            scenario.months,
            label=_text(names[name]),
            color=style.color,
            linestyle=style.dashes,
            linewidth=style.width,
            zorder=style.zorder,
        )
        arrival = scenario.months_to_target
        if arrival is not None and 0 < arrival <= span:
            axes.plot(
                [arrival],
                [scenario.months[arrival]],
                marker="o",
                markersize=13,
                color=style.color,
                markeredgecolor="white",
                markeredgewidth=2,
                zorder=4,
            )

    target_text = _text(f"{labels.target}: {number(target)}")
    if target <= top * _OFF_CHART_RATIO or top == 0:
        axes.axhline(target, color=_TARGET_COLOUR, linestyle=":", linewidth=3.5, zorder=2)
        axes.text(
            0.01,
            target,
            target_text,
            transform=axes.get_yaxis_transform(),
            va="bottom",
            ha="left",
            fontsize=17,
            fontweight="bold",
            color=_TARGET_COLOUR,
            zorder=5,
        )
        ceiling = max(top, target)
    else:
        axes.text(
            0.5,
            0.98,
            "↑ " + target_text,
            transform=axes.transAxes,
            va="top",
            ha="center",
            fontsize=17,
            fontweight="bold",
            color=_TARGET_COLOUR,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": _TARGET_COLOUR},
            zorder=5,
        )
        ceiling = top * 1.1  # room for the label above the curves
    axes.set_ylim(0, max(ceiling, 10) * 1.12)
    axes.set_xlim(0, span)

    axes.set_title(_text(labels.title), fontsize=24, fontweight="bold", pad=52)
    axes.set_xlabel(_text(labels.x_axis), fontsize=19)
    axes.set_ylabel(_text(labels.y_axis), fontsize=19)
    axes.tick_params(labelsize=16, length=6, width=1.5)
    axes.xaxis.set_major_locator(MultipleLocator(_month_step(span)))
    axes.yaxis.set_major_locator(
        MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=True, min_n_ticks=3)
    )
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: number(value)))
    axes.grid(True, color="#dddddd", linewidth=1.2, zorder=0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    # One row between title and plot: it can never hide a curve or the target.
    axes.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=3,
        fontsize=17,
        frameon=False,
        handlelength=3.2,
    )

    bottom = 0.11
    if labels.footnote:
        lines = textwrap.wrap(labels.footnote, width=_FOOTNOTE_WIDTH, max_lines=3, placeholder="…")
        figure.text(0.5, 0.015, _text("\n".join(lines)), ha="center", va="bottom", fontsize=15)
        bottom = 0.12 + 0.045 * len(lines)
    figure.subplots_adjust(left=0.14, right=0.97, top=0.83, bottom=bottom)


def format_count(value: float, locale: str) -> str:
    """A follower count as the prospect writes it: 10.000 in Italian, 10,000 in English;
    millions and up compact (1,5 Mln / 1.5M) so tick labels stay short on a phone."""
    code = _locale_code(locale)
    if abs(value) >= 1_000_000:
        return format_compact_decimal(value, locale=code, fraction_digits=1)
    return format_decimal(round(value), locale=code)


def _formatter(locale: str) -> Callable[[float], str]:
    code = _locale_code(locale)
    return lambda value: format_count(value, code)


def _locale_code(locale: str) -> str:
    """An unknown locale must not cost the prospect their chart: fall back to English."""
    code = locale.replace("-", "_")
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError):
        return "en"
    return code


def _month_step(span: int) -> int:
    """Ticks every month for a short plan, every quarter or year for long ones."""
    if span <= 12:
        return 2
    if span <= 24:
        return 3
    if span <= 36:
        return 6
    return 12


def _text(text: str) -> str:
    """A literal `$` would start matplotlib's maths mode; translations must print as written."""
    return text.replace("$", r"\$")
