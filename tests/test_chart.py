"""The projection chart: a valid, phone-sized PNG in every situation the bot can meet."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from matplotlib import image

from bot.base.problems import Problems
from bot.growth.chart import ChartLabels, format_count, render_chart
from bot.growth.parameters import BENCHMARKS_FILE, Benchmarks, load_benchmarks
from bot.growth.projection import Projection, ProjectionInput, project

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

ITALIAN = ChartLabels(
    locale="it",
    title="Instagram: quanti follower e quando",
    x_axis="mesi",
    y_axis="follower",
    cautious="prudente",
    likely="probabile",
    good="buono",
    target="Obiettivo",
    footnote="Stime, non promesse.",
)
ENGLISH = ChartLabels(
    locale="en",
    title="Instagram: how many followers, when",
    x_axis="months",
    y_axis="followers",
    cautious="cautious",
    likely="likely",
    good="good",
    target="Target",
)


def _params() -> Benchmarks:
    benchmarks = load_benchmarks(BENCHMARKS_FILE, Problems())
    assert benchmarks is not None
    return benchmarks


PARAMS = _params()


def _projection(current: int, target: int, budget: float, posts: float) -> Projection:
    return project(ProjectionInput("instagram", current, target, budget, posts), PARAMS)


def _size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which always follows the signature."""
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _check_png(png: bytes) -> None:
    assert png.startswith(PNG_SIGNATURE)
    assert _size(png) == (1000, 700)
    assert 10_000 <= len(png) <= 500_000
    pixels = image.imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (700, 1000)


@pytest.mark.parametrize("labels", [ITALIAN, ENGLISH], ids=["it", "en"])
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


def test_writes_the_same_bytes_it_returns(tmp_path: Path) -> None:
    path = tmp_path / "chart.png"
    png = render_chart(_projection(800, 10_000, 200, 3), ITALIAN, path)
    assert path.read_bytes() == png


def test_odd_labels_do_not_break_rendering() -> None:
    labels = ChartLabels(
        locale="xx-not-a-locale",
        title="Budget $200 — 100% è già qualcosa",
        x_axis="$",
        y_axis="_followers",
        cautious="$cautious$",
        likely="li\\kely",
        good="good ✓",
        target="Target $",
        footnote="a" * 300,
    )
    _check_png(render_chart(_projection(800, 10_000, 200, 3), labels))


def test_rendering_from_several_threads_at_once() -> None:
    projections = [_projection(800, 10_000 * (i + 1), 100 * i, 3) for i in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        pngs = list(pool.map(lambda p: render_chart(p, ENGLISH), projections))
    for png in pngs:
        _check_png(png)


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


def test_chart_module_never_imports_pyplot() -> None:
    code = "import sys, bot.growth.chart; sys.exit('matplotlib.pyplot' in sys.modules)"
    root = Path(__file__).resolve().parent.parent
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0
