"""The sandbox staff templates run in: formats, escaping, and texts that must not hurt the bot."""

from __future__ import annotations

import time

import pytest

from bot.content.templates import Renderer, format_duration, format_money, format_number


def test_formats_per_language() -> None:
    assert format_number(10000, "it") == "10.000" and format_number(10000, "en") == "10,000"
    assert format_money(300, "it") == "€ 300" and format_money(300, "en") == "€300"
    assert format_money(1500.5, "it") == "€ 1.500,50"
    assert format_duration(8, "it") == "8 mesi" and format_duration(38 * 12, "en") == "38 years"


def test_values_are_escaped_but_staff_tags_are_kept() -> None:
    out = Renderer().render("<b>{{ name }}</b>", {"name": "<i>Bo & Co</i>"}, "en")
    assert out == "<b>&lt;i&gt;Bo &amp; Co&lt;/i&gt;</b>"


@pytest.mark.parametrize(
    "template",
    [
        "{{ 'x' * 10**9 }}",
        "{{ 9**9**9 }}",
        "{% for i in range(10**6) %}{% for j in range(10**6) %}x{% endfor %}{% endfor %}",
        "{{ 1/0 }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ name|number|money|duration }}",
        "{{ cycler.__init__.__globals__ }}",
        "{% set l = [1] %}{{ l * 100000000 }}",
    ],
)
def test_hostile_templates_fail_alone_and_fast(template: str) -> None:
    started = time.perf_counter()
    out = Renderer().render(template, {"name": "x"}, "it")
    assert time.perf_counter() - started < 1.0
    assert len(out) <= 20_000
    assert "class" not in out and "globals" not in out


def test_conditions_never_raise() -> None:
    r = Renderer()
    assert r.evaluate("budget > 0", {"budget": 5})
    assert not r.evaluate("budget > 0", {})
    assert not r.evaluate("1/0", {})
    assert not r.evaluate("budget.__class__.__name__ == 'int'", {"budget": 1})


# (expression, variables, evaluate's answer, value's answer): defined and undefined names,
# a failure while evaluating, a syntax error, the sandbox refusing
EXPRESSIONS = [
    ("budget > 0", {"budget": 5}, True, True),
    ("budget > 0", {"budget": 0}, False, False),
    ("budget > 0", {}, False, None),  # undefined: empty, the comparison fails
    ("current_followers * 2", {"current_followers": 800}, True, 1600),
    ("current_followers * 2", {}, False, None),
    ("missing", {}, False, None),
    ("platform == 'instagram'", {"platform": "instagram"}, True, True),
    ("platform == 'instagram'", {"platform": "tiktok"}, False, False),
    ("1/0", {}, False, None),
    ("budget >", {"budget": 5}, False, None),  # does not compile
    ("budget.__class__.__name__ == 'int'", {"budget": 1}, False, False),  # not reachable
]


def test_conditions_and_values_compiled_once_answer_as_compiled_each_time() -> None:
    """The compiled expression is kept (``Renderer._expression``): the second and later
    checks, of the same or other values, answer what a fresh compilation answers."""
    r = Renderer()
    for _ in range(2):  # compiled, then from the cache
        for expression, variables, truth, value in EXPRESSIONS:
            assert r.evaluate(expression, variables) is truth, expression
            assert r.value(expression, variables) == value, expression
    compiled = r._expression.cache_info()
    assert compiled.misses == len({e for e, *_ in EXPRESSIONS})  # a broken one too: once
