"""The sandboxed Jinja2 environment that turns locale texts into messages.

Staff write the templates, so they run in a sandbox (``bot.content.sandbox``): no attribute
tricks, no code, and a budget per render (time, steps, and sizes checked before anything is
made), so that a text written carelessly or with malice fails alone and never freezes or
exhausts the bot.
Output is HTML for Telegram; ``autoescape`` escapes every value (a prospect's name, a typed
answer) while the staff's own ``<b>`` tags pass through.
"""

from __future__ import annotations

import functools
import html
import logging
import math
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from babel.numbers import format_compact_decimal, format_currency, format_decimal, format_percent
from babel.units import format_unit
from jinja2 import ChainableUndefined, StrictUndefined, TemplateError, Undefined, meta, nodes
from jinja2.environment import Template, TemplateExpression

from bot.base.money import Money
from bot.content.sandbox import (
    MAX_SECONDS,
    MAX_SOURCE,
    BudgetExceeded,
    GuardedSandbox,
    check_made,
    check_source,
    collect_output,
    end_budget,
    start_budget,
    too_deep,
)
from bot.languages import DEFAULT, LanguageRegistry

log = logging.getLogger(__name__)

# Babel locales and currency patterns come from the language registry (``bot.languages``);
# every formatter takes ``languages=`` (default: the languages the bot ships with).


def format_number(
    value: Any, lang: str, digits: int = 0, *, languages: LanguageRegistry = DEFAULT
) -> str:
    """10000 → «10.000» (it) or «10,000» (en); non-numbers are shown as they are."""
    if isinstance(value, Money):
        value = value.amount
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    locale = languages.locale(lang)
    if digits == 0 or number.is_integer():
        return format_decimal(round(number), locale=locale)
    return format_decimal(round(number, digits), locale=locale)


def format_money(
    value: Any, lang: str, currency: str = "EUR", *, languages: LanguageRegistry = DEFAULT
) -> str:
    """300 → «€ 300» (it) or «€300» (en); a ``Money`` in its own currency, never converted."""
    if isinstance(value, Money):
        value, currency = value.amount, value.currency
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    language = languages.resolve(lang)
    fmt = language.currency_format
    if fmt is not None and not number.is_integer():
        fmt += ".00"
    return format_currency(
        number, currency, format=fmt, locale=language.babel_locale, currency_digits=False
    )


def format_compact(value: Any, lang: str, *, languages: LanguageRegistry = DEFAULT) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return format_compact_decimal(number, locale=languages.locale(lang), fraction_digits=1)


def format_big(value: Any, lang: str, *, languages: LanguageRegistry = DEFAULT) -> str:
    """A large number as people say it, to 2 significant figures: «160 milioni», «1.5 million»,
    «12 mila» (Babel's long compact format)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number == 0 or not math.isfinite(number):
        return format_decimal(number, locale=languages.locale(lang))
    rounded = round(number, 1 - math.floor(math.log10(abs(number))))
    return format_compact_decimal(
        rounded, locale=languages.locale(lang), format_type="long", fraction_digits=1
    )


def format_pct(value: Any, lang: str, *, languages: LanguageRegistry = DEFAULT) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return format_percent(number, locale=languages.locale(lang))


def format_duration(months: Any, lang: str, *, languages: LanguageRegistry = DEFAULT) -> str:
    """A number of months as people say it: «8 mesi» under two years, then years rounded UP to
    the half year under ten («37 mesi» is «3,5 anni», never «3 anni»: an estimate of how long
    something takes errs on the long side), whole years above («38 anni»)."""
    try:
        number = float(months)
    except (TypeError, ValueError):
        return str(months)
    locale = languages.locale(lang)
    if number < 24:
        return format_unit(max(1, round(number)), "duration-month", locale=locale)
    years = number / 12
    if years < 10:
        half_years = math.ceil(years * 2 - 1e-9) / 2
        return format_unit(half_years, "duration-year", locale=locale)
    return format_unit(round(years), "duration-year", locale=locale)


def format_duration_range(
    low: Any, lang: str, high: Any = None, *, languages: LanguageRegistry = DEFAULT
) -> str:
    """Two numbers of months as one span (``{{ low|duration_range(high) }}``): «12–18 mesi»,
    «2,5–4,5 anni», «20 mesi – 3 anni»; the same as ``format_duration`` when both say the same.
    """
    first, second = (format_duration(x, lang, languages=languages) for x in (low, high))
    if first == second:
        return first
    try:
        low_months, high_months = float(low), float(high)
    except (TypeError, ValueError):
        return f"{first} – {second}"
    locale = languages.locale(lang)
    values: tuple[float, float]
    if high_months < 24:
        values = (max(1, round(low_months)), max(1, round(high_months)))
        unit = "duration-month"
    elif low_months >= 24:
        values, unit = (_years(low_months), _years(high_months)), "duration-year"
    else:
        return f"{first} – {second}"
    # the unit's words as Babel says them for the higher number, with the span in its place
    said = format_unit(values[1], unit, locale=locale)
    number = format_decimal(values[1], locale=locale)
    span = f"{format_decimal(values[0], locale=locale)}–{number}"
    return said.replace(number, span, 1) if number in said else f"{first} – {second}"


def _years(months: float) -> float:
    """Years as ``format_duration`` says them: up to the half year under ten, whole above."""
    years = months / 12
    return math.ceil(years * 2 - 1e-9) / 2 if years < 10 else float(round(years))


class _Environment(NamedTuple):
    env: GuardedSandbox
    compile: Callable[[str], Template]  # cached ``env.from_string``


@functools.lru_cache(maxsize=16)
def _environment(undefined: type, languages: LanguageRegistry) -> _Environment:
    """The sandbox for texts with ``undefined`` values and ``languages``' formats, and its
    compiled texts (up to 4096, ~3 KB each), shared by every ``Renderer`` of them."""
    env = GuardedSandbox(autoescape=True, undefined=undefined, keep_trailing_newline=False)
    env.filters["number"] = _ctx_filter(format_number, languages)
    env.filters["money"] = _ctx_filter(format_money, languages)
    env.filters["compact"] = _ctx_filter(format_compact, languages)
    env.filters["percent"] = _ctx_filter(format_pct, languages)
    env.filters["duration"] = _ctx_filter(format_duration, languages)
    env.filters["duration_range"] = _ctx_filter(format_duration_range, languages)
    env.filters["big"] = _ctx_filter(format_big, languages)
    env.filters["forename"] = forename
    return _Environment(env, functools.lru_cache(maxsize=4096)(env.from_string))


class Renderer:
    """Compiles and renders locale texts; one per loaded content, shared by every user.

    Every render, condition and value runs under a budget (``MAX_SECONDS`` of its thread's CPU
    time by ``clock``, ``MAX_STEPS``, ``MAX_MADE``, and the sizes of ``GuardedSandbox``).
    """

    def __init__(
        self,
        strict: bool = True,
        *,
        languages: LanguageRegistry = DEFAULT,
        seconds: float = MAX_SECONDS,
        clock: Callable[[], float] = time.thread_time,
    ) -> None:
        """``languages`` give each text's Babel locale (numbers, money, durations);
        ``seconds`` by ``clock`` is the time one render may take (the thread's CPU time: a
        text is never cut short because the machine was busy with something else)."""
        self.languages = languages
        self.seconds = seconds
        self.clock = clock
        strict_env = _environment(StrictUndefined if strict else ChainableUndefined, languages)
        lenient_env = _environment(ChainableUndefined, languages)
        self.env, self.lenient = strict_env.env, lenient_env.env
        # Compiling a template costs ~0.3 ms, rendering ~10 µs: each text is compiled once, and
        # shared by every renderer of the same languages (``validate`` compiles what the engine
        # says next). The texts come from staff files: bounded by the content, not prospects.
        self._strict, self._lenient = strict_env.compile, lenient_env.compile
        # the same for the conditions (``when: - if:``, ``checks:``) and values (``suggest:``):
        # compiling one costs ~1 ms, checking it a few µs
        self._expression = functools.lru_cache(maxsize=4096)(self._compile_expression)
        self._logged: set[tuple[str, str]] = set()  # failures said in the log already

    def render(self, source: str, variables: Mapping[str, Any], lang: str) -> str:
        """Render strictly; if staff used a value this prospect does not have yet, render with
        blanks instead of failing (validation warns about it beforehand). A text that fails
        even so, or costs more than its budget, is "" and one line in the log (the kind of
        failure and the text's first words, never the prospect's values): the turn goes on."""
        data = {**variables, "lang": lang}
        failure: Exception | None = None
        try:
            return self._say(self._strict, source, data)
        except BudgetExceeded as err:  # with blanks it would cost as much: not tried again
            self._log_failure(source, err, blanks=False)
            return ""
        except TemplateError:
            pass
        except Exception as err:  # {{ 1/0 }}, a filter on the wrong kind of value…
            failure = err
        try:
            text = self._say(self._lenient, source, data)
        except Exception as err:
            self._log_failure(source, err, blanks=False)
            return ""
        if failure is not None:
            self._log_failure(source, failure, blanks=True)
        return text

    def evaluate(self, expression: str, variables: Mapping[str, Any]) -> bool:
        """A ``when: - if:`` condition; a missing slot counts as empty, never as an error."""
        compiled = self._expression(expression)
        if compiled is None:  # a condition that cannot be compiled is simply not true
            return False
        try:
            return bool(self._work_out(compiled, variables))
        except BudgetExceeded as err:
            self._log_failure(expression, err, blanks=False)
            return False
        except Exception:  # nor one that cannot be evaluated
            return False

    def value(self, expression: str, variables: Mapping[str, Any]) -> Any:
        """The value of an expression (``suggest: current_followers * 2``); None when it cannot
        be worked out (a slot not answered yet, a number times a word, over the budget)."""
        compiled = self._expression(expression)
        if compiled is None:
            return None
        try:
            return self._work_out(compiled, variables)
        except BudgetExceeded as err:
            self._log_failure(expression, err, blanks=False)
            return None
        except Exception:
            return None

    def over_budget(
        self,
        source: str,
        variables: Mapping[str, Any],
        lang: str = DEFAULT.default,
        *,
        expression: bool = False,
    ) -> str | None:
        """Why saying ``source`` once with ``variables`` costs more than a text may, in plain
        words for staff (``validate``); None when it fits, or fails for another reason (other
        checks report those). A text that would be longer than ``MAX_OUTPUT`` counts as over:
        the bot would cut it. ``expression``: ``source`` is a condition or a value."""
        try:
            if expression:
                check_source(source, "the expression as written")
                compiled = self._expression(source)
                if compiled is not None:
                    try:
                        self._work_out(compiled, variables)
                    except BudgetExceeded:
                        raise
                    except Exception:  # a failure of another kind: other checks say it
                        return None
                return None
            data = {**variables, "lang": lang}
            for compile_text in (self._strict, self._lenient):  # with blanks if it must
                try:
                    self._say(compile_text, source, data, whole=True)
                    return None
                except BudgetExceeded:
                    raise
                except Exception:
                    continue
        except BudgetExceeded as err:
            return err.reason
        return None

    def _say(
        self,
        compile_text: Callable[[str], Template],
        source: str,
        data: dict[str, Any],
        *,
        whole: bool = False,
    ) -> str:
        """One render of ``source`` under a fresh budget, its output taken piece by piece."""
        check_source(source)
        template = compile_text(source)
        token = start_budget(self.seconds, self.clock)
        try:
            return collect_output(template.generate(data), whole=whole)
        except RecursionError as err:  # a macro calling itself, a loop(…) in its own loop
            raise too_deep() from err
        finally:
            end_budget(token)

    def _work_out(self, compiled: TemplateExpression, variables: Mapping[str, Any]) -> Any:
        """A compiled condition or value, worked out under a fresh budget; a result too big to
        keep is refused like one too big to make."""
        token = start_budget(self.seconds, self.clock)
        try:
            result = compiled(**variables)
            check_made(result)
            return result
        except RecursionError as err:
            raise too_deep() from err
        finally:
            end_budget(token)

    def _log_failure(self, source: str, err: Exception, *, blanks: bool) -> None:
        """One log line for a text (or condition) that failed: what kind of failure, and the
        text's first words as staff wrote them; never the exception's message, which may quote
        the prospect's values. The same failure of the same text again is said at DEBUG only."""
        kind = f"too costly: {err.kind}" if isinstance(err, BudgetExceeded) else type(err).__name__
        key = (source, kind)
        level = logging.DEBUG if key in self._logged else logging.WARNING
        if len(self._logged) < 4096:
            self._logged.add(key)
        outcome = "said with blanks instead" if blanks else "left out"
        log.log(level, "a text failed to render (%s), %s: %.60r", kind, outcome, source)

    def _compile_expression(self, expression: str) -> TemplateExpression | None:
        """The compiled expression, None when it does not compile or is too long (cached by
        ``__init__``: a broken one is not compiled again at every check)."""
        if len(expression) > MAX_SOURCE:  # a condition needs no page of text
            return None
        try:
            return self.lenient.compile_expression(expression, undefined_to_none=True)
        except Exception:
            return None

    def nested_loops(self, source: str) -> bool:
        """A loop inside a loop: never needed for a chat message, and a way to hang the bot."""
        for loop in self.env.parse(source).find_all(nodes.For):
            if any(True for _ in loop.find_all(nodes.For)):
                return True
        return False

    def variables_of(self, source: str) -> set[str]:
        """The names a template reads (raises TemplateSyntaxError on broken syntax)."""
        return meta.find_undeclared_variables(self.env.parse(source)) - {"lang"}

    def fields_read(
        self, source: str, names: set[str], *, expression: bool = False
    ) -> list[tuple[str, str]]:
        """``(name, field)`` for each ``name.field`` or ``name["field"]`` a template (or, with
        ``expression``, a condition) reads of one of ``names`` (raises TemplateSyntaxError)."""
        parsed = self.env.parse("{{ " + source + " }}" if expression else source)
        found: list[tuple[str, str]] = []
        for node in parsed.find_all((nodes.Getattr, nodes.Getitem)):
            inner = getattr(node, "node", None)  # Getattr and Getitem both have one
            if not isinstance(inner, nodes.Name) or inner.name not in names:
                continue
            if isinstance(node, nodes.Getattr):
                found.append((inner.name, node.attr))
            elif (
                isinstance(node, nodes.Getitem)
                and isinstance(node.arg, nodes.Const)
                and isinstance(node.arg.value, str)
            ):
                found.append((inner.name, node.arg.value))
        return found

    def expression_variables(self, expression: str) -> set[str]:
        parsed = self.env.parse("{{ " + expression + " }}")
        return {n.name for n in parsed.find_all(nodes.Name) if n.ctx == "load"}


def forename(name: Any) -> str:
    """The first name of a full name, as people are thanked: "Rosaria La Rosa" -> "Rosaria"
    (``{{ name|forename }}``); "" for none."""
    words = str(name or "").split()
    return words[0] if words else ""


def _ctx_filter(func: Any, languages: LanguageRegistry) -> Any:
    from jinja2 import pass_context

    @pass_context
    def wrapper(ctx: Any, value: Any, *args: Any) -> str:
        if isinstance(value, Undefined):  # a value this prospect lacks: a blank, not a failure
            return ""
        return func(value, ctx.get("lang", languages.default), *args, languages=languages)

    return wrapper


# Only the tags Telegram's HTML knows (https://core.telegram.org/bots/api#html-style), plus
# <br>: a "<" in words ("under <1.000 followers, budget > € 200") is words, not a tag to drop
_TAG = re.compile(
    r"</?(?:b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|code|pre|blockquote|"
    r"tg-emoji|br)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)


def strip_tags(text: str) -> str:
    """A message's words without its markup (button labels, matching typed labels)."""
    return _TAG.sub("", text)


def html_to_plain(text: str) -> str:
    """What a reader sees: tags dropped, entities decoded (console, diagrams, admin checks)."""
    text = re.sub(r"<br\s*/?>", "\n", text)
    return html.unescape(strip_tags(text))
