"""The projection as a PNG a prospect can read on a phone, drawn off the event loop.

What it shows, so that a forwarded chart still means something: a title and a subtitle (the
platform, current → target, budget and posts, as the caller words them); the likely range as a
shaded band with the likely line on it; the cautious and hopeful extremes as thin lines; the target
line with its value and the likely arrival marked on it, or an arrow at the right edge when the
arrival falls beyond the chart. Without a target ("how many in a year?") the likely range at the
month asked about is marked instead.

Scaled to the target, not to the hopeful curve: the target sits at ``TARGET_HEIGHT`` of the plot and
curves above the top are clipped (a line leaving the top says "could be faster"). A target far
above every curve is stated in words at the top instead, so the curves are not flattened.

Sized for a phone in portrait: the figure is 5 inches = 360 points wide, so a font size in points
is its size in CSS pixels when the image is shown 360 px wide (the narrowest common phone), and no
text is smaller than ``MIN_FONT_PT``. 4:5 at 200 dpi (1000 × 1250 px) fills a portrait screen's
width and stays under Telegram's 1280 px, so it is not rescaled.

Built with ``matplotlib.figure.Figure`` and the Agg canvas, never pyplot: pyplot keeps global
figures (leaks in a long-running bot) and is not meant for threads. Rendering in one process is
serialised by a lock, because matplotlib's font cache is shared between figures.

``draw_chart`` renders in a separate process (a thread would still hold the GIL and stall every
other prospect for the length of a render), falls back to a thread if no process can be had, and
reuses the PNG of an identical chart. Importing this module does not import matplotlib (about
0.4 s holding the GIL): only the process, or the thread, that draws does.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import multiprocessing
import signal
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_compact_decimal, format_decimal

from bot.growth.projection import Projection, round_followers

if TYPE_CHECKING:  # matplotlib is imported where a chart is drawn: the chart process
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

log = logging.getLogger(__name__)

WIDTH_IN, HEIGHT_IN, DPI = 5.0, 6.25, 200
"""1000 × 1250 px. 5 in = 360 pt: a size in points is its size in CSS px on a 360 px screen."""
PHONE_CSS_WIDTH = 360
"""The narrowest common phone screen in CSS px: the chart is checked as shown this wide."""
MIN_FONT_PT = 12.0
"""The smallest text on the chart: 12 CSS px at 360 px wide (the guideline is about 11)."""
TARGET_HEIGHT = 0.8
"""Where the target sits, as a share of the y range: upper part, with room for its label above."""

_TITLE_PT = 16.0
_SUBTITLE_PT = 12.5
_TEXT_PT = MIN_FONT_PT
_MARGIN_PT = 9.0
_GAP_PT = 7.0


# Okabe-Ito palette (safe for the common colour-blindnesses); line styles differ as well, so the
# scenarios stay apart in greyscale too. Widths in points = CSS px on a 360 px screen.
@dataclass(frozen=True)
class _Line:
    color: str
    dashes: str | tuple[float, tuple[float, ...]]
    width: float
    zorder: float


_STYLE: dict[str, _Line] = {
    "cautious": _Line("#D55E00", (0, (5, 2)), 1.8, 3.0),
    "likely": _Line("#0072B2", "-", 3.2, 3.5),  # the answer we stand by: thickest, on the band
    "good": _Line("#009E73", (0, (6, 2, 1.5, 2)), 1.8, 3.0),
}
_BAND_ALPHA = 0.22
_TARGET_COLOUR = "#333333"
_MUTED = "#444444"
_OFF_CHART_RATIO = 4.0
"""A target more than this × the top of the likely range would flatten the curves to a fifth of
the plot: the target is stated in words instead of drawn."""
_TITLE_LINES, _SUBTITLE_LINES, _FOOTNOTE_LINES = 2, 3, 3

_LOCK = threading.RLock()


@dataclass(frozen=True)
class ChartLabels:
    """Already-translated texts; the chart only formats numbers (for ``locale``) and months."""

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
    subtitle: str = ""
    """What the chart is about, already formatted ("Instagram · 800 → 5.000 follower · …")."""
    band: str = ""
    """The word for the likely range ("Più probabile"); ``likely`` when empty."""
    arrival: str = "{month}"
    """The likely-arrival marker ("mese {month}"); ``{month}`` is the month number."""


@dataclass(frozen=True)
class _Drawing:
    """Exactly what is drawn, in plain picklable values: sent to the chart process, and hashed
    so an identical chart is not drawn twice."""

    likely: tuple[int, ...]
    low: tuple[int, ...]
    high: tuple[int, ...]
    cautious: tuple[int, ...]
    good: tuple[int, ...]
    target: int | None
    arrival: int | None
    """The likely scenario's arrival at the target (may lie beyond the chart)."""
    horizon: int | None
    """The month asked about ("in a year" = 12) when there is no target."""
    at_horizon: tuple[int, int, int] | None
    """Low, likely and high followers at ``horizon``, also when it lies beyond the chart."""
    model_horizon: int | None
    """How far the model looked: "after month N" when the likely scenario never arrives."""

    @property
    def span(self) -> int:
        return len(self.likely) - 1


def render_chart(projection: Projection, labels: ChartLabels, path: Path | None = None) -> bytes:
    """Draw the projection in this thread; return the PNG (and write it if ``path``)."""
    png = _render_png(_drawing(projection), labels)
    if path is not None:
        path.write_bytes(png)
    return png


def chart_figure(projection: Projection, labels: ChartLabels) -> Figure:
    """The laid-out figure, not yet saved: for tests that inspect what is drawn."""
    with _LOCK:
        return _figure(_drawing(projection), labels)


async def draw_chart(projection: Projection, labels: ChartLabels, path: Path) -> None:
    """Write the chart's PNG to ``path`` without stalling the event loop.

    Rendered in a separate process (created on first use; ``shutdown_charts`` closes it); in a
    thread if no process can be started or the process pool breaks (logged once). An identical
    chart (same figures, same labels) reuses the PNG drawn last time.
    """
    drawing = _drawing(projection)
    key = _key(drawing, labels)
    png = _CACHE.get(key)
    if png is None:
        png = await _render_elsewhere(drawing, labels)
        _CACHE.put(key, png)
    await asyncio.to_thread(path.write_bytes, png)


def shutdown_charts() -> None:
    """Close the chart process (at exit); a later ``draw_chart`` starts a new one."""
    with _WORKERS.lock:
        executor, _WORKERS.executor = _WORKERS.executor, None
    if executor is not None:
        executor.shutdown(wait=True, cancel_futures=True)


def format_count(value: float, locale: str) -> str:
    """A follower count as the prospect writes it: 10.000 in Italian, 10,000 in English;
    millions and up compact (1,5 Mln / 1.5M) so tick labels stay short on a phone."""
    code = _locale_code(locale)
    if abs(value) >= 1_000_000:
        return format_compact_decimal(value, locale=code, fraction_digits=1)
    return format_decimal(round(value), locale=code)


# -- off the event loop ------------------------------------------------------------------------


@dataclass
class _Workers:
    executor: Executor | None = None
    unavailable: bool = False
    """No process could be started: threads for the rest of this run."""
    breaks: int = 0
    warned: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock)


_WORKERS = _Workers()
_MAX_BREAKS = 3
"""A pool that broke this often is given up: a chart that kills its process every time must not
cost a process start per prospect."""


class _PngCache:
    """The last few PNGs by what they show: the same numbers asked twice are drawn once."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            png = self._items.get(key)
            if png is not None:
                self._items.move_to_end(key)
            return png

    def put(self, key: str, png: bytes) -> None:
        with self._lock:
            self._items[key] = png
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_CACHE = _PngCache(32)
"""About 100 KB a chart: 32 of them are a few MB."""


def _key(drawing: _Drawing, labels: ChartLabels) -> str:
    return hashlib.sha256(repr((drawing, labels, WIDTH_IN, HEIGHT_IN, DPI)).encode()).hexdigest()


async def _render_elsewhere(drawing: _Drawing, labels: ChartLabels) -> bytes:
    # Starting the pool and its process happens in submit: a thread keeps even that off the loop.
    submitted = await asyncio.to_thread(_submit, drawing, labels)
    if submitted is not None:
        executor, future = submitted
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool as err:
            _broken(executor, err)
    return await asyncio.to_thread(_render_png, drawing, labels)


def _submit(drawing: _Drawing, labels: ChartLabels) -> tuple[Executor, Future[bytes]] | None:
    """The render, submitted to the chart process; ``None`` when a thread must draw it."""
    executor = _executor()
    if executor is None:
        return None
    try:
        return executor, executor.submit(_render_png, drawing, labels)
    except (BrokenProcessPool, OSError, RuntimeError) as err:  # broken, shut down, cannot spawn
        _broken(executor, err)
        return None


def _executor() -> Executor | None:
    workers = _WORKERS
    failure: BaseException | None = None
    with workers.lock:
        if workers.executor is None and not workers.unavailable:
            try:
                workers.executor = ProcessPoolExecutor(
                    max_workers=1, mp_context=_mp_context(), initializer=_worker_init
                )
            except (OSError, ValueError, NotImplementedError, ImportError) as err:
                workers.unavailable = True
                failure = err
        executor = workers.executor
    if failure is not None:
        _warn_once("cannot start the chart process (%r): drawing in a thread", failure)
    return executor


def _mp_context() -> Any:
    """Never fork: a forked copy of a threaded bot can deadlock. Forkserver where there is one."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _worker_init() -> None:
    """Ctrl-C is for the bot, which then closes this process in order."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _broken(executor: Executor, err: BaseException) -> None:
    """Drop a broken pool (once, however many charts it failed); the next chart starts anew."""
    workers = _WORKERS
    with workers.lock:
        current = workers.executor is executor
        if current:
            workers.executor = None
            workers.breaks += 1
            if workers.breaks >= _MAX_BREAKS:
                workers.unavailable = True
    if current:
        executor.shutdown(wait=False, cancel_futures=True)
    _warn_once("the chart process failed (%r): drawing in a thread", err)


def _warn_once(message: str, *args: object) -> None:
    with _WORKERS.lock:
        if _WORKERS.warned:
            return
        _WORKERS.warned = True
    log.warning(message, *args)


# -- what is drawn -----------------------------------------------------------------------------


def _drawing(projection: Projection) -> _Drawing:
    scenarios: Any = projection.scenarios
    likely = scenarios["likely"]
    curves = {
        "likely": likely.months,
        "low": scenarios.get("likely_low", likely).months,
        "high": scenarios.get("likely_high", likely).months,
        "cautious": scenarios.get("cautious", likely).months,
        "good": scenarios.get("good", likely).months,
    }
    length = min(len(months) for months in curves.values())
    cut = {name: tuple(int(x) for x in months[:length]) for name, months in curves.items()}
    inp = projection.input
    target = getattr(inp, "target", None)
    horizon = getattr(inp, "horizon_months", None)
    model_horizon = getattr(projection, "horizon_months", None)
    at: Any = getattr(projection, "at_horizon", None)
    at_horizon = None
    if isinstance(at, dict) and "likely" in at:
        middle = int(at["likely"])
        at_horizon = (int(at.get("likely_low", middle)), middle, int(at.get("likely_high", middle)))
    return _Drawing(
        likely=cut["likely"],
        low=cut["low"],
        high=cut["high"],
        cautious=cut["cautious"],
        good=cut["good"],
        target=None if target is None else int(target),
        arrival=None if target is None else likely.months_to_target,
        horizon=horizon if isinstance(horizon, int) else None,
        at_horizon=at_horizon,
        model_horizon=model_horizon if isinstance(model_horizon, int) else None,
    )


def _render_png(drawing: _Drawing, labels: ChartLabels) -> bytes:
    """Module-level and on plain values: this is what runs in the chart process."""
    with _LOCK:
        figure = _figure(drawing, labels)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _figure(d: _Drawing, labels: ChartLabels) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    renderer = FigureCanvasAgg(figure).get_renderer()
    number = _formatter(labels.locale)
    axes = figure.add_axes((0.15, 0.2, 0.8, 0.55))
    handles = _plot(axes, d, labels)
    scale = _y_scale(d)
    axes.set_ylim(0, scale.top)
    axes.set_xlim(0, max(d.span, 1))
    _decorate_axes(axes, d, labels, number)

    header_bottom = _header(figure, renderer, labels, handles)
    footer_top = _footer(figure, renderer, labels)
    _fit_axes(figure, axes, renderer, bottom=footer_top + _px(_GAP_PT), top=header_bottom)
    _annotate(axes, renderer, d, labels, number, scale)
    return figure


@dataclass(frozen=True)
class _Scale:
    top: float
    target_on_chart: bool


def _y_scale(d: _Drawing) -> _Scale:
    """The target at ``TARGET_HEIGHT``, not the hopeful curve's peak; without a target, the top of
    the likely range at the month asked about."""
    band_top = max(max(d.high), max(d.likely))
    if d.target is None:
        h = _horizon_month(d)
        reference = max(d.high[: h + 1] + d.likely[: h + 1])
        return _Scale(max(reference / TARGET_HEIGHT, 10), target_on_chart=False)
    target = d.target
    if target > band_top * _OFF_CHART_RATIO and band_top > 0:
        return _Scale(max(band_top / TARGET_HEIGHT, 10), target_on_chart=False)
    if target <= d.likely[0]:  # already there: show the growth from here, the target below
        return _Scale(max(band_top, target) / TARGET_HEIGHT or 10, target_on_chart=True)
    return _Scale(max(target / TARGET_HEIGHT, 10), target_on_chart=True)


def _horizon_month(d: _Drawing) -> int:
    if d.horizon is not None and 0 < d.horizon <= d.span:
        return d.horizon
    return d.span


def _plot(axes: Axes, d: _Drawing, labels: ChartLabels) -> list[tuple[Any, str]]:
    from matplotlib.patches import Patch

    months = list(range(d.span + 1))
    likely = _STYLE["likely"]
    band = axes.fill_between(
        months, d.low, d.high, color=likely.color, alpha=_BAND_ALPHA, linewidth=0, zorder=2
    )
    band.set_gid("likely-band")
    lines = {}
    for name, values in (("cautious", d.cautious), ("good", d.good), ("likely", d.likely)):
        style = _STYLE[name]
        (lines[name],) = axes.plot(
            months,
            values,
            color=style.color,
            linestyle=style.dashes,
            linewidth=style.width,
            zorder=style.zorder,
            solid_capstyle="butt",
        )
        lines[name].set_gid(f"line-{name}")
    band_handle = (Patch(facecolor=likely.color, alpha=_BAND_ALPHA, linewidth=0), lines["likely"])
    return [
        (band_handle, labels.band or labels.likely),
        (lines["cautious"], labels.cautious),
        (lines["good"], labels.good),
    ]


def _decorate_axes(
    axes: Axes, d: _Drawing, labels: ChartLabels, number: Callable[[float], str]
) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

    axes.set_xlabel(_text(labels.x_axis), fontsize=_TEXT_PT, labelpad=4)
    axes.set_ylabel(_text(labels.y_axis), fontsize=_TEXT_PT, labelpad=5)
    axes.tick_params(labelsize=_TEXT_PT, length=3.5, width=1, pad=4)
    axes.xaxis.set_major_locator(MultipleLocator(_month_step(d.span)))
    axes.yaxis.set_major_locator(
        MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=True, min_n_ticks=3)
    )
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: number(value)))
    axes.grid(True, color="#e3e3e3", linewidth=0.8, zorder=0)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _header(
    figure: Figure, renderer: RendererBase, labels: ChartLabels, handles: list[tuple[Any, str]]
) -> float:
    """Title, subtitle and legend from the top down, left-aligned; returns the lowest y (px)."""
    width = figure.bbox.width - 2 * _px(_MARGIN_PT)
    x = _px(_MARGIN_PT)
    y = figure.bbox.height - _px(_MARGIN_PT)
    blocks = [
        (labels.title, _TITLE_PT, "bold", "black", _TITLE_LINES, "title"),
        (labels.subtitle, _SUBTITLE_PT, "normal", _MUTED, _SUBTITLE_LINES, "subtitle"),
    ]
    for content, size, weight, colour, max_lines, gid in blocks:
        if not content.strip():
            continue
        wrapped = _wrap(content, size, weight, width, renderer, max_lines)
        text = figure.text(
            _fx(figure, x),
            _fy(figure, y),
            _text(wrapped),
            ha="left",
            va="top",
            fontsize=size,
            fontweight=weight,
            color=colour,
            linespacing=1.25,
            gid=gid,
        )
        y = text.get_window_extent(renderer).y0 - _px(_GAP_PT * 0.6)
    y -= _px(_GAP_PT * 0.4)
    names = [  # a legend entry never wider than the image: the handle takes about 3 em
        _text(_wrap(name, _TEXT_PT, "normal", width - _px(3 * _TEXT_PT), renderer, 2))
        for _, name in handles
    ]
    for columns in (len(handles), 2, 1):
        legend = figure.legend(
            [handle for handle, _ in handles],
            names,
            loc="upper left",
            bbox_to_anchor=(_fx(figure, x), _fy(figure, y)),
            bbox_transform=figure.transFigure,
            ncol=columns,
            fontsize=_TEXT_PT,
            frameon=False,
            borderaxespad=0,
            borderpad=0,
            handlelength=2.2,
            handletextpad=0.5,
            columnspacing=1.2,
        )
        extent = legend.get_window_extent(renderer)
        if extent.width <= width or columns == 1:
            break
        legend.remove()
    return extent.y0 - _px(_GAP_PT)


def _footer(figure: Figure, renderer: RendererBase, labels: ChartLabels) -> float:
    """The footnote at the bottom, wrapped to the width; returns its top (px)."""
    margin = _px(_MARGIN_PT)
    if not labels.footnote or not labels.footnote.strip():
        return margin
    width = figure.bbox.width - 2 * margin
    wrapped = _wrap(labels.footnote, _TEXT_PT, "normal", width, renderer, _FOOTNOTE_LINES)
    text = figure.text(
        _fx(figure, margin),
        _fy(figure, margin),
        _text(wrapped),
        ha="left",
        va="bottom",
        fontsize=_TEXT_PT,
        color=_MUTED,
        linespacing=1.2,
        gid="footnote",
    )
    return float(text.get_window_extent(renderer).y1)


def _fit_axes(
    figure: Figure, axes: Axes, renderer: RendererBase, *, bottom: float, top: float
) -> None:
    """Place the plot so that it and its tick labels and axis labels fill the space left."""
    margin = _px(_MARGIN_PT)
    width, height = figure.bbox.width, figure.bbox.height
    for _ in range(2):
        box = axes.bbox
        tight = axes.get_tightbbox(renderer)
        if tight is None:
            break
        x0 = margin + (box.x0 - tight.x0)
        x1 = width - margin - max(0.0, tight.x1 - box.x1)
        y0 = bottom + (box.y0 - tight.y0)
        y1 = top - max(0.0, tight.y1 - box.y1)
        axes.set_position((x0 / width, y0 / height, (x1 - x0) / width, (y1 - y0) / height))


def _annotate(
    axes: Axes,
    renderer: RendererBase,
    d: _Drawing,
    labels: ChartLabels,
    number: Callable[[float], str],
    scale: _Scale,
) -> None:
    """Target, arrival and the month asked about, each placed where it hides no other text."""
    placed: list[Bbox] = []
    likely = _STYLE["likely"]
    if d.target is None:
        _mark_horizon(axes, renderer, d, labels, number, placed)
        return
    target_text = f"{labels.target}: {number(d.target)}"
    arrival = d.arrival
    on_chart_arrival = arrival is not None and 0 < arrival <= d.span
    off_chart_arrival = not on_chart_arrival and (arrival is None or arrival > d.span)
    if not scale.target_on_chart:
        lines = [f"↑ {target_text}"]
        if off_chart_arrival:
            lines.append(f"→ {_arrival_text(labels, d)}")
        box = _place(
            axes,
            renderer,
            "\n".join(lines),
            [((0.02, 0.98), (0, 0), "left", "top")],
            placed,
            coords="axes fraction",
            gid="target-off-chart",
            color=_TARGET_COLOUR,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": _TARGET_COLOUR},
        )
        placed.append(box)
        return

    axes.axhline(d.target, color=_TARGET_COLOUR, linestyle=(0, (2, 2)), linewidth=1.6, zorder=2.5)
    transform = axes.get_yaxis_transform()  # x in axes fraction, y in data
    placed.append(
        _place(
            axes,
            renderer,
            target_text,
            [
                ((0.02, d.target), (0, 4), "left", "bottom"),
                ((0.02, d.target), (0, -4), "left", "top"),
            ],
            placed,
            coords=transform,
            gid="target-label",
            color=_TARGET_COLOUR,
        )
    )
    if on_chart_arrival and arrival is not None:
        axes.vlines(
            arrival, 0, d.target, color=likely.color, linestyle=":", linewidth=1.4, zorder=2.6
        )
        (dot,) = axes.plot(
            [arrival],
            [d.target],
            marker="o",
            markersize=9,
            color=likely.color,
            markeredgecolor="white",
            markeredgewidth=1.8,
            zorder=6,
            clip_on=False,
        )
        dot.set_gid("arrival")
        # The likely line comes from the lower left and goes on to the upper right: the label
        # goes above-left of the dot, else below-right, so the line does not cross it.
        offsets = [
            ((-6, 6), "right", "bottom"),
            ((6, -6), "left", "top"),
            ((0, 8), "center", "bottom"),
            ((-6, -6), "right", "top"),
            ((6, 6), "left", "bottom"),
        ]
        placed.append(
            _place(
                axes,
                renderer,
                _arrival_text(labels, d),
                [((arrival, d.target), off, ha, va) for off, ha, va in offsets],
                placed,
                coords="data",
                gid="arrival-label",
                color=likely.color,
            )
        )
    elif off_chart_arrival:
        (arrow,) = axes.plot(
            [d.span],
            [d.target],
            marker=">",
            markersize=10,
            color=likely.color,
            zorder=6,
            clip_on=False,
        )
        arrow.set_gid("arrival-off-chart")
        placed.append(
            _place(
                axes,
                renderer,
                f"→ {_arrival_text(labels, d)}",
                [
                    ((0.98, d.target), (0, 5), "right", "bottom"),
                    ((0.98, d.target), (0, -5), "right", "top"),
                ],
                placed,
                coords=transform,
                gid="arrival-off-chart-label",
                color=likely.color,
            )
        )


def _mark_horizon(
    axes: Axes,
    renderer: RendererBase,
    d: _Drawing,
    labels: ChartLabels,
    number: Callable[[float], str],
    placed: list[Bbox],
) -> None:
    """No target: the likely range at the month asked about, in numbers (in words at the top
    right when that month lies beyond the chart)."""
    likely = _STYLE["likely"]
    if d.horizon is not None and d.horizon > d.span and d.at_horizon is not None:
        low, value, high = d.at_horizon
        text = _range_text(low, value, high, number)
        placed.append(
            _place(
                axes,
                renderer,
                f"→ {_month_text(labels, d.horizon)}: {text}",
                [((0.98, 0.98), (0, 0), "right", "top")],
                placed,
                coords="axes fraction",
                gid="horizon-off-chart",
                color=likely.color,
            )
        )
        return
    month = _horizon_month(d)
    value = d.likely[month]
    low, high = d.low[month], d.high[month]
    if month < d.span:
        axes.axvline(month, color=_TARGET_COLOUR, linestyle=(0, (2, 2)), linewidth=1.4, zorder=2.5)
    (dot,) = axes.plot(
        [month],
        [value],
        marker="o",
        markersize=9,
        color=likely.color,
        markeredgecolor="white",
        markeredgewidth=1.8,
        zorder=6,
        clip_on=False,
    )
    dot.set_gid("horizon")
    text = _range_text(low, value, high, number)
    offsets = [
        ((-8, 10), "right", "bottom"),
        ((-8, -10), "right", "top"),
        ((8, -10), "left", "top"),
        ((8, 10), "left", "bottom"),
    ]
    placed.append(
        _place(
            axes,
            renderer,
            text,
            [((month, value), off, ha, va) for off, ha, va in offsets],
            placed,
            coords="data",
            gid="horizon-label",
            color=likely.color,
        )
    )


def _place(
    axes: Axes,
    renderer: RendererBase,
    content: str,
    candidates: Sequence[tuple[tuple[float, float], tuple[float, float], str, str]],
    placed: Iterable[Bbox],
    *,
    coords: Any,
    gid: str,
    color: str,
    bbox: dict[str, Any] | None = None,
) -> Bbox:
    """The first candidate position that stays inside the plot and off the labels already placed
    (the last candidate otherwise); returns the label's extent."""
    from matplotlib.transforms import Bbox

    others = list(placed)
    inside = axes.bbox
    annotation = None
    extent = Bbox.null()
    for xy, offset, ha, va in candidates:
        if annotation is not None:
            annotation.remove()
        annotation = axes.annotate(
            _text(content),
            xy=xy,
            xycoords=coords,
            xytext=offset,
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=_TEXT_PT,
            fontweight="bold",
            color=color,
            zorder=7,
            annotation_clip=False,
            bbox=bbox
            or {"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.85, "linewidth": 0},
        )
        annotation.set_gid(gid)
        extent = annotation.get_window_extent(renderer)
        fits = (
            extent.x0 >= inside.x0 - 1
            and extent.x1 <= inside.x1 + 1
            and extent.y0 >= inside.y0 - 1
            and extent.y1 <= inside.y1 + 1
        )
        if fits and not any(extent.overlaps(other) for other in others):
            break
    return extent


def _range_text(low: int, value: int, high: int, number: Callable[[float], str]) -> str:
    """The likely range, rounded as the texts round it (2 significant figures): an estimate
    shows no false precision, and the chart says what the message says."""
    low, high = min(low, value), max(high, value)
    low, value, high = round_followers(low), round_followers(value), round_followers(high)
    return number(value) if low == high else f"{number(low)}–{number(high)}"


def _arrival_text(labels: ChartLabels, d: _Drawing) -> str:
    """The template with the month; "N+" when the likely scenario never arrives in the model."""
    month: object = d.arrival
    if month is None:
        month = f"{d.model_horizon if d.model_horizon is not None else d.span}+"
    return _month_text(labels, month)


def _month_text(labels: ChartLabels, month: object) -> str:
    try:
        return labels.arrival.format(month=month)
    except (KeyError, IndexError, ValueError, AttributeError):  # a template staff mistyped
        return str(month)


# -- text ---------------------------------------------------------------------------------------


def _wrap(
    text: str, size: float, weight: str, width: float, renderer: RendererBase, max_lines: int
) -> str:
    """Lines that fit ``width`` px, measured in the real font; breaks at " · " first, so the
    subtitle's parts stay whole; words longer than a line are cut; at most ``max_lines``."""
    from matplotlib.font_manager import FontProperties

    props = FontProperties(size=size, weight=weight)

    def fits(line: str) -> bool:
        measured = renderer.get_text_width_height_descent(line, props, ismath=False)
        return bool(measured[0] <= width)

    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for part in _parts(paragraph, fits):
            joined = f"{current}{part}" if current else part.lstrip(" ·")
            if fits(joined.rstrip()):
                current = joined
                continue
            if current:
                lines.append(current.rstrip())
            current = part.lstrip(" ·")
        lines.append(current.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and not fits(last + "…"):
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return "\n".join(lines)


def _parts(paragraph: str, fits: Callable[[str], bool]) -> list[str]:
    """Pieces to lay out greedily: whole " · " segments if they fit a line, else their words
    (each with its leading separator), and characters of any word wider than a line."""
    pieces: list[str] = []
    for index, segment in enumerate(paragraph.split(" · ")):
        lead = " · " if index else ""
        if fits(segment):
            pieces.append(lead + segment)
            continue
        for position, word in enumerate(segment.split(" ")):
            prefix = lead if position == 0 else " "
            if fits(word):
                pieces.append(prefix + word)
                continue
            chunk = prefix
            for char in word:
                if chunk.strip() and not fits(chunk.strip() + char):
                    pieces.append(chunk)
                    chunk = " "
                chunk += char
            pieces.append(chunk)
    return pieces


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
    """A tick every two months for a short plan, every quarter or year for long ones."""
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


def _px(points: float) -> float:
    return points * DPI / 72


def _fx(figure: Figure, x: float) -> float:
    return x / figure.bbox.width


def _fy(figure: Figure, y: float) -> float:
    return y / figure.bbox.height
