"""The projection chart: a valid, phone-sized PNG in every situation the bot can meet, that says
what it shows, reads on a phone held upright, and is drawn without stalling the event loop."""

from __future__ import annotations

import asyncio
import io
import itertools
import logging
import os
import struct
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from matplotlib import image
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from bot.base.problems import Problems
from bot.growth import chart
from bot.growth.chart import (
    DPI,
    HEIGHT_IN,
    PHONE_CSS_WIDTH,
    TARGET_HEIGHT,
    WIDTH_IN,
    ChartLabels,
    chart_figure,
    draw_chart,
    format_count,
    render_chart,
    shutdown_charts,
)
from bot.growth.parameters import BENCHMARKS_FILE, Benchmarks, load_benchmarks
from bot.growth.projection import Projection, ProjectionInput, project, round_followers

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDTH_PX, HEIGHT_PX = round(WIDTH_IN * DPI), round(HEIGHT_IN * DPI)
MIN_CSS_PX = 11.0

ITALIAN = ChartLabels(
    locale="it",
    title="Quanti follower, e quando",
    x_axis="Mesi da oggi",
    y_axis="Follower",
    cautious="Se va male",
    likely="Probabile",
    good="Se va molto bene",
    target="Obiettivo",
    footnote="Stime da medie di settore, non promesse. Follower da contenuti e sponsorizzate "
    "mirate, mai comprati.",
    subtitle="Instagram · 800 → 5.000 follower · € 150 al mese di sponsorizzate · "
    "3 post a settimana",
    band="Più probabile",
    arrival="mese {month}",
)
ENGLISH = ChartLabels(
    locale="en",
    title="How many followers, and when",
    x_axis="Months from now",
    y_axis="Followers",
    cautious="If it goes badly",
    likely="Likely",
    good="If it goes really well",
    target="Target",
    footnote="Estimates from industry averages, not promises. Followers from content and "
    "targeted ads, never bought.",
    subtitle="TikTok · 2,000 → 100,000 followers · €50 a month on ads · 7 posts a week",
    band="Most likely",
    arrival="month {month}",
)
OLD_STYLE = ChartLabels(  # a caller that predates subtitle, band and arrival
    locale="en",
    title="Instagram: how many followers, when",
    x_axis="months",
    y_axis="followers",
    cautious="cautious",
    likely="likely",
    good="good",
    target="Target",
)
ODD = ChartLabels(
    locale="xx-not-a-locale",
    title="Budget $200 — 100% è già qualcosa, e un titolo molto lungo che va a capo da solo",
    x_axis="$",
    y_axis="_followers",
    cautious="$cautious$",
    likely="li\\kely",
    good="good ✓ " + "and a legend entry far too long for one line of a phone screen " * 3,
    target="Target $",
    footnote="a" * 300,
    subtitle="b" * 120 + " · c",
    band="{band}",
    arrival="month {mese}",  # a mistyped template: the month alone is shown
)


def _params() -> Benchmarks:
    benchmarks = load_benchmarks(BENCHMARKS_FILE, Problems())
    assert benchmarks is not None
    return benchmarks


PARAMS = _params()


def _projection(current: int, target: int, budget: float, posts: float) -> Projection:
    return project(ProjectionInput("instagram", current, target, budget, posts), PARAMS)


# The projection as the model is moving to (five scenarios, an optional target and horizon),
# written out so the chart's behaviour is pinned whatever the model's figures are.
@dataclass(frozen=True)
class FakeScenario:
    months: tuple[int, ...]
    months_to_target: int | None


@dataclass(frozen=True)
class FakeInput:
    target: int | None
    horizon_months: int | None = None
    platform: str = "instagram"


@dataclass(frozen=True)
class FakeProjection:
    input: FakeInput
    scenarios: dict[str, FakeScenario] = field(hash=False)
    horizon_months: int = 600
    at_horizon: dict[str, int] | None = field(default=None, hash=False)


RATES = {"cautious": 60, "likely_low": 120, "likely": 180, "likely_high": 260, "good": 500}


def _fake(
    target: int | None,
    span: int,
    *,
    current: int = 800,
    horizon: int | None = None,
    arrival: int | None = -1,
    scale: float = 1.0,
) -> Any:
    """Straight lines from ``current``; ``arrival=-1`` computes the likely arrival from them."""
    scenarios = {}
    for name, rate in RATES.items():
        months = tuple(round(current + rate * scale * m) for m in range(span + 1))
        reached = None
        if target is not None:
            reached = next((m for m, f in enumerate(months) if f >= target), None)
        scenarios[name] = FakeScenario(months, reached)
    if arrival != -1:
        likely = scenarios["likely"]
        scenarios["likely"] = FakeScenario(likely.months, arrival)
    at_horizon = None
    if horizon is not None:
        at_horizon = {name: round(current + rate * scale * horizon) for name, rate in RATES.items()}
    return FakeProjection(FakeInput(target, horizon), scenarios, at_horizon=at_horizon)


def _size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which always follows the signature."""
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _check_png(png: bytes) -> None:
    assert png.startswith(PNG_SIGNATURE)
    assert _size(png) == (WIDTH_PX, HEIGHT_PX)
    assert 10_000 <= len(png) <= 500_000
    pixels = image.imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (HEIGHT_PX, WIDTH_PX)


def _drawn(projection: Any, labels: ChartLabels) -> Figure:
    figure = chart_figure(projection, labels)
    figure.canvas.draw()
    return figure


def _visible_texts(figure: Figure) -> list[Text]:
    """Every text a reader sees: titles, labels, legend, annotations and the tick labels drawn
    (matplotlib keeps labels for ticks outside the view, but does not draw them)."""
    hidden: set[int] = set()
    for axes in figure.axes:
        for axis, index in ((axes.xaxis, 0), (axes.yaxis, 1)):
            low, high = sorted(axis.get_view_interval())
            slack = (high - low) * 1e-9
            for label in axis.get_majorticklabels():
                if not low - slack <= label.get_position()[index] <= high + slack:
                    hidden.add(id(label))
            hidden.update(id(label) for label in axis.get_minorticklabels())
    return [
        text
        for text in figure.findobj(Text)
        if isinstance(text, Text)
        and text.get_visible()
        and text.get_text().strip()
        and id(text) not in hidden
    ]


def _by_gid(figure: Figure, gid: str) -> list[Any]:
    return [artist for artist in figure.findobj() if artist.get_gid() == gid]


def _axes(figure: Figure) -> Any:
    (axes,) = figure.axes
    return axes


# -- the PNG in every situation ---------------------------------------------------------------


@pytest.mark.parametrize("labels", [ITALIAN, ENGLISH, OLD_STYLE], ids=["it", "en", "old"])
def test_typical_projection_renders_a_phone_sized_png(labels: ChartLabels) -> None:
    _check_png(render_chart(_projection(800, 10_000, 200, 3), labels))


def test_unreachable_target_renders() -> None:
    projection = _projection(800, 1_000_000, 0, 3)
    assert not projection.reachable
    _check_png(render_chart(projection, ENGLISH))


def test_impossible_target_renders() -> None:
    _check_png(render_chart(_projection(0, 10**12, 10**9, 1000), ITALIAN))


def test_already_there_renders() -> None:
    projection = _projection(12_000, 10_000, 100, 3)
    assert projection.already_there
    _check_png(render_chart(projection, ITALIAN))


def test_all_zero_renders() -> None:
    _check_png(render_chart(_projection(0, 0, 0, 0), ENGLISH))
    _check_png(render_chart(_projection(0, 100, 0, 0), ENGLISH))


def test_shrinking_account_renders() -> None:
    _check_png(render_chart(_projection(800, 3_000, 0, 0), ENGLISH))


def test_no_target_renders() -> None:
    _check_png(render_chart(_fake(None, 12, horizon=12), ITALIAN))
    in_a_year = ProjectionInput("instagram", 800, None, 150, 3, horizon_months=12)
    _check_png(render_chart(project(in_a_year, PARAMS), ENGLISH))


def test_writes_the_same_bytes_it_returns(tmp_path: Path) -> None:
    path = tmp_path / "chart.png"
    png = render_chart(_projection(800, 10_000, 200, 3), ITALIAN, path)
    assert path.read_bytes() == png


def test_odd_labels_do_not_break_rendering() -> None:
    _check_png(render_chart(_projection(800, 10_000, 200, 3), ODD))


def test_rendering_from_several_threads_at_once() -> None:
    projections = [_projection(800, 10_000 * (i + 1), 100 * i, 3) for i in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        pngs = list(pool.map(lambda p: render_chart(p, ENGLISH), projections))
    for png in pngs:
        _check_png(png)


# -- readable on a phone held upright ---------------------------------------------------------

READABILITY_CASES = {
    "it-typical": (lambda: _projection(800, 5_000, 150, 3), ITALIAN),
    "en-typical": (lambda: _projection(800, 10_000, 200, 3), ENGLISH),
    "band-on-chart": (lambda: _fake(5_000, 30), ITALIAN),
    "band-early-arrival": (lambda: _fake(2_000, 24), ENGLISH),
    "arrival-off-chart": (lambda: _fake(30_000, 60), ITALIAN),
    "arrival-never": (lambda: _fake(30_000, 60, arrival=None), ENGLISH),
    "target-far-above": (lambda: _projection(800, 1_000_000, 0, 3), ITALIAN),
    "no-target": (lambda: _fake(None, 18, horizon=12), ENGLISH),
    "no-target-model": (
        lambda: project(ProjectionInput("tiktok", 2_000, None, 50, 7, horizon_months=12), PARAMS),
        ITALIAN,
    ),
    "horizon-off-chart": (lambda: _fake(None, 60, horizon=120), ENGLISH),
    "millions": (lambda: _fake(9_000_000, 36, current=2_000_000, scale=60), ITALIAN),
    "already-there": (lambda: _projection(12_000, 10_000, 100, 3), ENGLISH),
    "odd-labels": (lambda: _projection(800, 10_000, 200, 3), ODD),
    "old-labels": (lambda: _projection(800, 10_000, 200, 3), OLD_STYLE),
}


@pytest.mark.parametrize("case", list(READABILITY_CASES))
def test_every_text_reads_at_360_px_wide_and_none_overlaps(case: str) -> None:
    make, labels = READABILITY_CASES[case]
    figure = _drawn(make(), labels)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    width_px = figure.bbox.width
    assert round(width_px) == WIDTH_PX
    texts = _visible_texts(figure)
    checked = {id(text) for text in texts}
    axes = _axes(figure)
    assert all(id(text) in checked for text in figure.legends[0].get_texts())
    assert any(id(text) in checked for text in axes.xaxis.get_majorticklabels())
    assert any(id(text) in checked for text in axes.yaxis.get_majorticklabels())
    assert {id(axes.xaxis.label), id(axes.yaxis.label)} <= checked

    for text in texts:
        font_px = text.get_fontsize() * figure.dpi / 72
        css_px = font_px * PHONE_CSS_WIDTH / width_px
        assert css_px >= MIN_CSS_PX, f"{text.get_text()!r}: {css_px:.1f} CSS px"

    boxes = [(text.get_text(), text.get_window_extent(renderer)) for text in texts]
    for content, box in boxes:  # nothing cut at the edges of the image
        assert box.x0 >= 0 and box.y0 >= 0, content
        assert box.x1 <= figure.bbox.width and box.y1 <= figure.bbox.height, content
    for (first, a), (second, b) in itertools.combinations(boxes, 2):
        overlap = (
            min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5
        )
        assert not overlap, f"{first!r} overlaps {second!r}"


def test_portrait_friendly_and_sized_for_telegram() -> None:
    assert HEIGHT_PX >= WIDTH_PX  # fills a phone held upright
    assert max(WIDTH_PX, HEIGHT_PX) <= 1280  # Telegram does not rescale it


# -- what it shows ----------------------------------------------------------------------------


@pytest.mark.parametrize("labels", [ITALIAN, ENGLISH], ids=["it", "en"])
def test_title_and_subtitle_say_what_the_chart_shows(labels: ChartLabels) -> None:
    figure = _drawn(_projection(800, 5_000, 150, 3), labels)
    (title,) = _by_gid(figure, "title")
    (subtitle,) = _by_gid(figure, "subtitle")
    assert title.get_text() == labels.title
    # all of it, broken into lines between its parts (never inside one)
    assert subtitle.get_text().replace("\n", " · ") == labels.subtitle
    assert "\n" in subtitle.get_text()
    assert all(not line.startswith("·") for line in subtitle.get_text().splitlines())
    assert title.get_window_extent().y0 > subtitle.get_window_extent().y1 - 1


def test_old_callers_get_no_subtitle_and_the_likely_word_for_the_band() -> None:
    figure = _drawn(_projection(800, 5_000, 150, 3), OLD_STYLE)
    assert _by_gid(figure, "subtitle") == []
    legend_texts = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend_texts == ["likely", "cautious", "good"]


def test_legend_names_the_range_and_the_extremes() -> None:
    figure = _drawn(_fake(5_000, 30), ITALIAN)
    legend_texts = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend_texts == ["Più probabile", "Se va male", "Se va molto bene"]


def test_the_likely_range_is_a_band_with_the_likely_line_on_it() -> None:
    projection = _fake(5_000, 30)
    figure = _drawn(projection, ITALIAN)
    (band,) = _by_gid(figure, "likely-band")
    assert isinstance(band, PolyCollection)
    ys = band.get_paths()[0].vertices[:, 1]
    assert min(ys) == pytest.approx(800)
    assert max(ys) == pytest.approx(max(projection.scenarios["likely_high"].months))
    (likely,) = _by_gid(figure, "line-likely")
    (cautious,) = _by_gid(figure, "line-cautious")
    (good,) = _by_gid(figure, "line-good")
    assert likely.get_linewidth() > 1.5 * max(cautious.get_linewidth(), good.get_linewidth())
    assert likely.get_zorder() > band.get_zorder()
    assert tuple(likely.get_ydata()) == projection.scenarios["likely"].months


@pytest.mark.parametrize(
    "make",
    [lambda: _projection(800, 50_000, 300, 3), lambda: _fake(5_000, 30), lambda: _fake(2_000, 24)],
    ids=["model", "band", "early"],
)
def test_the_target_sits_in_the_upper_part_and_is_labelled(make: Any) -> None:
    projection = make()
    target = projection.input.target
    figure = _drawn(projection, ENGLISH)
    axes = _axes(figure)
    bottom, top = axes.get_ylim()
    assert bottom == 0
    assert 0.7 <= target / top <= 0.9
    assert target / top == pytest.approx(TARGET_HEIGHT)
    assert any(
        isinstance(line, Line2D) and tuple(line.get_ydata()) == (target, target)
        for line in axes.get_lines()
    )
    (label,) = _by_gid(figure, "target-label")
    assert label.get_text() == f"Target: {format_count(target, 'en')}"


def test_the_scale_follows_the_target_not_the_hopeful_curve() -> None:
    """50k target: the old chart went up to the hopeful curve (~320k) and squashed everything."""
    projection = _projection(800, 50_000, 300, 3)
    axes = _axes(_drawn(projection, ENGLISH))
    assert max(projection.scenarios["good"].months) > axes.get_ylim()[1]  # clipped at the top


def test_a_target_far_above_every_curve_is_stated_not_drawn() -> None:
    projection = _fake(1_000_000, 60)
    figure = _drawn(projection, ITALIAN)
    axes = _axes(figure)
    band_top = max(projection.scenarios["likely_high"].months)
    assert axes.get_ylim()[1] == pytest.approx(band_top / TARGET_HEIGHT)  # curves not flattened
    (statement,) = _by_gid(figure, "target-off-chart")
    assert statement.get_text().startswith("↑ Obiettivo: 1\xa0Mln")
    assert "→ mese 600+" in statement.get_text()  # the likely scenario never gets there
    assert _by_gid(figure, "target-label") == []


def test_the_likely_arrival_is_marked_on_the_target_line() -> None:
    projection = _fake(5_000, 30)
    arrival = projection.scenarios["likely"].months_to_target
    assert arrival == 24
    figure = _drawn(projection, ENGLISH)
    (dot,) = _by_gid(figure, "arrival")
    assert (tuple(dot.get_xdata()), tuple(dot.get_ydata())) == ((24,), (5_000,))
    (label,) = _by_gid(figure, "arrival-label")
    assert label.get_text() == "month 24"
    assert _by_gid(figure, "arrival-off-chart") == []


def test_an_arrival_beyond_the_chart_gets_an_arrow_at_the_right_edge() -> None:
    projection = _fake(30_000, 60, arrival=107)
    figure = _drawn(projection, ITALIAN)
    (arrow,) = _by_gid(figure, "arrival-off-chart")
    assert tuple(arrow.get_xdata()) == (60,)
    assert tuple(arrow.get_ydata()) == (30_000,)
    (label,) = _by_gid(figure, "arrival-off-chart-label")
    assert label.get_text() == "→ mese 107"
    assert _by_gid(figure, "arrival") == []
    box = label.get_window_extent()
    assert box.x1 <= _axes(figure).bbox.x1 + 1  # at the right edge, inside the plot


def test_an_arrival_never_reached_says_after_the_models_horizon() -> None:
    figure = _drawn(_fake(30_000, 60, arrival=None), ENGLISH)
    (label,) = _by_gid(figure, "arrival-off-chart-label")
    assert label.get_text() == "→ month 600+"


def test_already_there_has_no_arrival_marker() -> None:
    figure = _drawn(_projection(12_000, 10_000, 100, 3), ENGLISH)
    assert _by_gid(figure, "arrival") == _by_gid(figure, "arrival-off-chart") == []
    top = _axes(figure).get_ylim()[1]
    assert top > 12_000  # today's count is on the chart


def test_a_mistyped_arrival_template_still_shows_the_month() -> None:
    figure = _drawn(_fake(5_000, 30), ODD)
    (label,) = _by_gid(figure, "arrival-label")
    assert label.get_text() == "24"


def test_without_a_target_the_range_at_the_month_asked_is_marked() -> None:
    projection = _fake(None, 18, horizon=12)
    figure = _drawn(projection, ENGLISH)
    axes = _axes(figure)
    high = projection.scenarios["likely_high"].months[12]
    assert axes.get_ylim()[1] == pytest.approx(high / TARGET_HEIGHT)
    (dot,) = _by_gid(figure, "horizon")
    assert tuple(dot.get_xdata()) == (12,)
    (label,) = _by_gid(figure, "horizon-label")
    low = projection.scenarios["likely_low"].months[12]
    # rounded as the message rounds it (2 significant figures): no false precision
    shown = (format_count(round_followers(x), "en") for x in (low, high))
    assert label.get_text() == "–".join(shown)
    assert _by_gid(figure, "target-label") == _by_gid(figure, "arrival") == []


def test_a_month_asked_beyond_the_chart_is_stated_with_its_range() -> None:
    figure = _drawn(_fake(None, 60, horizon=120), ENGLISH)
    (label,) = _by_gid(figure, "horizon-off-chart")
    assert label.get_text() == "→ month 120: 15,000–32,000"
    assert _by_gid(figure, "horizon") == []


def test_the_models_band_is_drawn_between_likely_low_and_likely_high() -> None:
    projection = _projection(800, 5_000, 150, 3)
    figure = _drawn(projection, ITALIAN)
    (band,) = _by_gid(figure, "likely-band")
    ys = band.get_paths()[0].vertices[:, 1]
    scenarios = projection.scenarios
    low = scenarios.get("likely_low", scenarios["likely"]).months
    high = scenarios.get("likely_high", scenarios["likely"]).months
    assert min(ys) == pytest.approx(min(low))
    assert max(ys) == pytest.approx(max(high))


def test_the_subtitle_wraps_at_its_separators() -> None:
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()
    width = figure.bbox.width - 2 * chart._px(chart._MARGIN_PT)  # as on the chart
    wrapped = chart._wrap(ITALIAN.subtitle, chart._SUBTITLE_PT, "normal", width, renderer, 3)
    assert wrapped.splitlines() == [
        "Instagram · 800 → 5.000 follower",
        "€ 150 al mese di sponsorizzate · 3 post a settimana",
    ]
    long_word = chart._wrap("x" * 400, 12, "normal", width, renderer, 2)
    assert len(long_word.splitlines()) == 2 and long_word.endswith("…")


# -- off the event loop ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chart_process() -> Iterator[None]:
    """One real chart process for the whole module, closed at its end."""
    chart._CACHE.clear()
    yield
    shutdown_charts()
    assert chart._WORKERS.executor is None


@pytest.fixture
def fresh_workers(monkeypatch: pytest.MonkeyPatch) -> chart._Workers:
    """Pool state of this test's own (the module's real pool is left alone) and an empty cache."""
    workers = chart._Workers()
    monkeypatch.setattr(chart, "_WORKERS", workers)
    monkeypatch.setattr(chart, "_CACHE", chart._PngCache(4))
    return workers


async def test_draw_chart_renders_in_another_process(chart_process: None, tmp_path: Path) -> None:
    projection = _projection(800, 5_000, 150, 3)
    path = tmp_path / "chart.png"
    await draw_chart(projection, ITALIAN, path)
    executor = chart._WORKERS.executor
    assert isinstance(executor, ProcessPoolExecutor)
    assert executor.submit(os.getpid).result(timeout=30) != os.getpid()
    png = path.read_bytes()
    _check_png(png)
    assert png == render_chart(projection, ITALIAN)  # same picture as drawn here


async def test_the_same_chart_is_not_drawn_twice(
    chart_process: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    projection = _projection(800, 7_000, 150, 3)
    await draw_chart(projection, ENGLISH, tmp_path / "a.png")
    submitted: list[object] = []
    original = chart._submit
    monkeypatch.setattr(chart, "_submit", lambda *a: submitted.append(a) or original(*a))
    await draw_chart(_projection(800, 7_000, 150, 3), ENGLISH, tmp_path / "b.png")
    assert submitted == []
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    await draw_chart(projection, ITALIAN, tmp_path / "c.png")  # other labels: drawn again
    assert len(submitted) == 1


class _BrokenAtSubmit:
    def __init__(self, *args: object, **kwargs: object) -> None:
        self.closed = False

    def submit(self, *args: object, **kwargs: object) -> Future[bytes]:
        raise BrokenProcessPool("a child process terminated abruptly")

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.closed = True


class _BrokenInFlight(_BrokenAtSubmit):
    def submit(self, *args: object, **kwargs: object) -> Future[bytes]:
        future: Future[bytes] = Future()
        future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
        return future


@pytest.mark.parametrize("broken", [_BrokenAtSubmit, _BrokenInFlight], ids=["submit", "result"])
async def test_a_broken_pool_falls_back_to_a_thread_and_logs_once(
    broken: type[_BrokenAtSubmit],
    fresh_workers: chart._Workers,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    made: list[_BrokenAtSubmit] = []

    def factory(*args: object, **kwargs: object) -> _BrokenAtSubmit:
        made.append(broken())
        return made[-1]

    monkeypatch.setattr(chart, "ProcessPoolExecutor", factory)
    caplog.set_level(logging.WARNING, logger="bot.growth.chart")
    for index in range(4):
        path = tmp_path / f"{index}.png"
        await draw_chart(_projection(800, 5_000 + index, 150, 3), ENGLISH, path)
        _check_png(path.read_bytes())
    assert len(caplog.records) == 1
    assert "drawing in a thread" in caplog.records[0].getMessage()
    assert all(executor.closed for executor in made)
    # a pool that keeps breaking is given up: no new process per prospect
    assert len(made) == chart._MAX_BREAKS
    assert fresh_workers.unavailable and fresh_workers.executor is None


async def test_charts_in_flight_when_the_process_dies_count_as_one_break(
    fresh_workers: chart._Workers, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pending: list[Future[bytes]] = []

    class DiesLater(_BrokenAtSubmit):
        def submit(self, *args: object, **kwargs: object) -> Future[bytes]:
            pending.append(Future())
            return pending[-1]

    monkeypatch.setattr(chart, "ProcessPoolExecutor", DiesLater)
    draws = [
        asyncio.create_task(
            draw_chart(_projection(800, 5_000 + i, 150, 3), ENGLISH, tmp_path / f"{i}.png")
        )
        for i in range(4)
    ]
    while len(pending) < len(draws):
        await asyncio.sleep(0.01)
    for future in pending:
        future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
    await asyncio.gather(*draws)
    assert fresh_workers.breaks == 1 and not fresh_workers.unavailable
    for i in range(4):
        _check_png((tmp_path / f"{i}.png").read_bytes())


async def test_no_process_at_all_draws_in_a_thread(
    fresh_workers: chart._Workers,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    def cannot(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(chart, "ProcessPoolExecutor", cannot)
    caplog.set_level(logging.WARNING, logger="bot.growth.chart")
    await draw_chart(_projection(800, 5_000, 150, 3), ITALIAN, tmp_path / "a.png")
    await draw_chart(_projection(800, 6_000, 150, 3), ITALIAN, tmp_path / "b.png")
    _check_png((tmp_path / "b.png").read_bytes())
    assert fresh_workers.unavailable
    assert len(caplog.records) == 1
    assert "thread" in caplog.records[0].getMessage()


async def test_a_render_error_is_raised_not_hidden(
    fresh_workers: chart._Workers, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A failing chart is the caller's to log ("chart_failed"), not a reason to change pools."""

    class Failing(_BrokenAtSubmit):
        def submit(self, *args: object, **kwargs: object) -> Future[bytes]:
            future: Future[bytes] = Future()
            future.set_exception(ValueError("bad data"))
            return future

    monkeypatch.setattr(chart, "ProcessPoolExecutor", Failing)
    with pytest.raises(ValueError, match="bad data"):
        await draw_chart(_projection(800, 5_000, 150, 3), ITALIAN, tmp_path / "a.png")
    assert fresh_workers.breaks == 0 and not fresh_workers.warned


def test_shutdown_without_a_pool_is_harmless(fresh_workers: chart._Workers) -> None:
    shutdown_charts()
    shutdown_charts()
    assert fresh_workers.executor is None


# -- numbers and imports -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, locale, expected",
    [
        (10_000, "it", "10.000"),
        (10_000, "en", "10,000"),
        (999_999.6, "en", "1,000,000"),
        (0, "it", "0"),
        (1_500_000, "en", "1.5M"),
        (1_500_000, "it", "1,5\xa0Mln"),
        (2_000, "en_GB", "2,000"),
        (2_000, "nonsense", "2,000"),
    ],
)
def test_counts_are_formatted_for_the_prospects_locale(
    value: float, locale: str, expected: str
) -> None:
    assert format_count(value, locale) == expected


def test_importing_the_chart_module_loads_no_matplotlib_and_drawing_no_pyplot() -> None:
    """Importing costs the bot's event loop nothing (only what draws pays for matplotlib), and
    drawing never touches pyplot (global figures: a leak in a long-running bot)."""
    root = Path(__file__).resolve().parent.parent
    imports = "import sys, bot.growth.chart; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", imports], cwd=root, check=False).returncode == 0
    draws = (
        "import sys\n"
        "from bot.base.problems import Problems\n"
        "from bot.growth.chart import ChartLabels, render_chart\n"
        "from bot.growth.parameters import BENCHMARKS_FILE, load_benchmarks\n"
        "from bot.growth.projection import ProjectionInput, project\n"
        "params = load_benchmarks(BENCHMARKS_FILE, Problems())\n"
        "labels = ChartLabels('en', 't', 'x', 'y', 'c', 'l', 'g', 'T')\n"
        "render_chart(project(ProjectionInput('instagram', 800, 5000, 150, 3), params), labels)\n"
        "sys.exit('matplotlib.pyplot' in sys.modules or 'matplotlib' not in sys.modules)\n"
    )
    assert subprocess.run([sys.executable, "-c", draws], cwd=root, check=False).returncode == 0
