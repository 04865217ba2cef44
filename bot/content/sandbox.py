"""The sandbox staff texts run in, and what one text may cost (used by ``bot.content.templates``).

Jinja's sandbox blocks code; ``GuardedSandbox`` also blocks texts that would eat the machine.
Every operation the sandbox sees is bounded by the SIZE OF WHAT IT WOULD MAKE, worked out before
making it: ``10**64`` is fine and ``((10**64)**64)**64`` is not, though each exponent is small;
``name.center(20)`` is fine and ``name.center(10**9)`` is not. Each render also has a budget of
steps (loop turns, calls, look-ups), of CPU time and of characters made in all
(``start_budget``), and its output is collected piece by piece and cut at ``MAX_OUTPUT``
(``collect_output``: never built whole and then sliced). A text over any of them raises
``BudgetExceeded``: it fails alone, fast and small.

Where the sandbox sees a template at work: ``call`` (functions, methods, macros), ``getattr`` and
``getitem``, the binary operators ``* ** + %``, every filter (``_bounded_filter``), ``str.format``
(``_BoundedFormatter``), each ``{% for %}`` turn and each ``~`` (``_BudgetedCode``, the code
generator), each block's output (``concat``) and each ``{{ value }}`` (``finalize``).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar, Token
from typing import Any

from jinja2 import Undefined, nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
from markupsafe import EscapeFormatter, Markup

MAX_OUTPUT = 20_000  # characters of one text, and of any one text or list made on the way
MAX_REPEAT = 1_000  # range(n), slice(n): enough for any message, too little to hurt
MAX_INT_BITS = 4_096  # a whole number made while rendering: ~1,200 digits
MAX_MADE = 500_000  # characters (or items) made in all by one render: a few MB at most
MAX_STEPS = 100_000  # loop turns, calls and look-ups of one render; a shipped text takes < 100
MAX_SECONDS = 0.25  # CPU time of one render (its own thread's); a shipped text takes ~10 µs
MAX_SOURCE = 20_000  # characters of a text as written in its file
_CLOCK_EVERY = 32  # steps between two looks at the clock (reading it costs ~1 µs)


class BudgetExceeded(SecurityError):
    """Saying a text would cost more than a text may.

    ``reason`` says what, in plain words, for staff (``validate``); it may hold numbers worked
    out from the values, so the log says only ``kind``: ``"size"`` or ``"time"``.
    """

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def too_deep() -> BudgetExceeded:
    """What a render that ran out of Python's stack (a macro calling itself, ``loop(…)`` in its
    own loop) is refused as."""
    return BudgetExceeded("time", "a macro or a loop that calls itself too many times over")


def _amount(number: int) -> str:
    """A count as staff read it (never a thousand-digit number)."""
    return f"{number:,}" if number < 10**15 else "more than a million billion"


def too_big(what: str, size: int, limit: int = MAX_OUTPUT) -> BudgetExceeded:
    return BudgetExceeded(
        "size", f"{what} of {_amount(size)} characters, over the {limit:,} a text may have"
    )


class _Budget:
    """What one render may still spend: steps, CPU seconds and characters made.

    The clock is read every ``_CLOCK_EVERY`` steps only, from the first such step on: a text of
    fewer steps (every shipped one) never pays for reading it.
    """

    __slots__ = ("clock", "deadline", "made", "seconds", "steps")

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.seconds = seconds
        self.deadline: float | None = None
        self.steps = 0
        self.made = 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps % _CLOCK_EVERY:
            return
        if self.steps > MAX_STEPS:
            raise BudgetExceeded("time", f"more than {MAX_STEPS:,} steps (loop turns, calls)")
        now = self.clock()
        if self.deadline is None:
            self.deadline = now + self.seconds
        elif now > self.deadline:
            raise BudgetExceeded("time", f"more than {self.seconds:g} s of work")

    def charge(self, size: int) -> None:
        self.made += size
        if self.made > MAX_MADE:
            raise BudgetExceeded(
                "size", f"more than {MAX_MADE:,} characters made in all, to say one text"
            )


class _Unbounded(_Budget):
    """Outside a render (constants worked out while compiling): only sizes are checked."""

    def __init__(self) -> None:
        super().__init__(0.0, time.thread_time)

    def tick(self) -> None:
        pass

    def charge(self, size: int) -> None:
        pass


# the budget of the render running in this thread (or task); outside one, ``_Unbounded``, which
# keeps no count, so one shared default is safe
_BUDGET: ContextVar[_Budget] = ContextVar("render_budget", default=_Unbounded())  # noqa: B039


def _weigh(value: Any, limit: int = MAX_OUTPUT) -> int:
    """About how many characters ``value`` takes as text: strings by length, whole numbers by
    digits, lists and mappings by their items (two more each, for the commas). Counting stops
    once past ``limit``: weighing a huge value costs no more than weighing ``limit``."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() * 3 // 10 + 1
        elif isinstance(item, range):
            try:
                total += 2 * len(item) + 2
            except OverflowError:  # more numbers than a machine word counts
                return limit + 1
        elif isinstance(item, list | tuple | set | frozenset | Mapping):
            total += 2 * len(item) + 2
            if total > limit:
                return total
            if isinstance(item, Mapping):
                stack.extend(item.keys())
                stack.extend(item.values())
            else:
                stack.extend(item)
        else:
            total += 1
        if total > limit:
            return total
    return total


def check_made(value: Any) -> int:
    """The size of a value just made while rendering; raises ``BudgetExceeded`` when it is
    more than any text needs."""
    if isinstance(value, str):
        if len(value) > MAX_OUTPUT:
            raise too_big("a text", len(value))
        return len(value)
    if isinstance(value, int):
        bits = value.bit_length()
        if bits > MAX_INT_BITS:
            raise _too_many_digits("a number of", bits)
        return bits // 8 + 1
    if isinstance(value, list | tuple | dict | set | frozenset | bytes):
        weight = _weigh(value)
        if weight > MAX_OUTPUT:
            raise too_big("a list", weight)
        return weight
    return 1


def _bounded_items(values: Any, what: str) -> Any:
    """``values`` ready to be joined or listed: a text or a list as it is when it weighs little
    enough; anything else taken one item at a time, and refused as soon as the items weigh too
    much (``map("center", 20000)`` over a thousand names is never made whole)."""
    if isinstance(values, str | list | tuple | Mapping | set | frozenset | range):
        weight = _weigh(values)
        if weight > MAX_OUTPUT:
            raise too_big(what, weight)
        return values
    items: list[Any] = []
    total = 0
    for item in values:
        total += _weigh(item) + 2
        if total > MAX_OUTPUT:
            raise too_big(what, total)
        items.append(item)
    return items


def _too_many_digits(what: str, bits: int) -> BudgetExceeded:
    """A whole number of ``bits`` bits, over what a text may work with."""
    return BudgetExceeded(
        "size",
        f"{what} {_amount(bits * 3 // 10)} digits, "
        f"over the {MAX_INT_BITS * 3 // 10:,} a text may work with",
    )


def _number(digits: str) -> int:
    """A width written in a format: its value, or one past any limit when it is that long."""
    return int(digits) if len(digits) <= 9 else 10**9


def _check_width(what: str, width: Any, limit: int = MAX_OUTPUT, noun: str = "width") -> None:
    """Refuse a width (or a count, a length) over ``limit`` before anything is made of it."""
    if isinstance(width, int) and width > limit:
        raise BudgetExceeded(
            "size", f"`{what}` with a {noun} of {_amount(width)}, over the {limit:,} allowed"
        )


# one %-conversion: %s, %-20s, %(name)s, %*d, %.*f, %%
_PERCENT = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[#0\- +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?[hlL]?"
    r"(?P<type>.?)",
    re.DOTALL,
)


def _check_percent(fmt: str, values: Any) -> None:
    """Refuse ``fmt % values`` (and ``fmt|format(...)``) before it is made when a width or
    precision is over ``MAX_OUTPUT``, or the text it would make is."""
    positional = list(values) if isinstance(values, tuple) else [values]
    mapping = values if isinstance(values, Mapping) else None
    size = len(fmt)
    for found in _PERCENT.finditer(fmt):
        if found["type"] == "%":
            continue
        widest = 0
        for part in (found["width"], found["precision"]):
            if part == "*":
                given = positional.pop(0) if positional else 0
                width = given if isinstance(given, int) else 0
            else:
                width = _number(part) if part else 0
            _check_width("%", width)
            widest = max(widest, width)
        if found["key"] is not None and mapping is not None:
            value = mapping.get(found["key"], "")
        else:
            value = positional.pop(0) if positional else ""
        size += widest + _weigh(value)
        if size > MAX_OUTPUT:
            raise too_big("a `%` format", size)


def _check_spec(spec: str) -> None:
    """Refuse a ``str.format`` field whose width or precision (``{:>1000000000}``) is over
    ``MAX_OUTPUT``: any number written in the spec counts."""
    for digits in re.findall(r"\d+", spec):
        _check_width("format", _number(digits))


class _BoundedFormatter(SandboxedFormatter):
    """``str.format`` in the sandbox, each field bounded before it is made and the whole after."""

    made = 0

    def vformat(self, format_string: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
        self.made = len(format_string)
        return super().vformat(format_string, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> Any:
        _check_spec(format_spec)
        weight = _weigh(value)
        if weight > MAX_OUTPUT:
            raise too_big("a value to format", weight)
        text = super().format_field(value, format_spec)
        self.made += len(text)
        if self.made > MAX_OUTPUT:
            raise too_big("a format", self.made)
        return text


class _BoundedEscapeFormatter(_BoundedFormatter, EscapeFormatter):
    """The same for ``Markup.format`` (a ``|safe`` text), which escapes what it formats."""


# -- methods of texts and numbers that make something bigger than themselves -----------------

_PADDING = frozenset({"center", "ljust", "rjust", "zfill"})


def _arg(args: Sequence[Any], kwargs: Mapping[str, Any], index: int, name: str) -> Any:
    if len(args) > index:
        return args[index]
    return kwargs.get(name)


def _check_replace(what: str, text: Any, old: Any, new: Any, count: Any) -> None:
    """Refuse ``text.replace(old, new)`` before it is made when the result would be too long
    (``s.replace("a", s)`` squares the length; a chain of them grows past any memory)."""
    if not (isinstance(text, str | bytes) and isinstance(old, str | bytes)):
        return
    if not isinstance(new, str | bytes):
        return
    found = text.count(old) if old else len(text) + 1  # type: ignore[arg-type]
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    size = len(text) + found * (len(new) - len(old))
    if size > MAX_OUTPUT:
        raise too_big(f"`{what}`", size)


def _check_method(
    method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The arguments to call ``method`` with, once checked: a method of a text or a number
    that pads, repeats or replaces is refused before it runs when its result would be too big."""
    owner = getattr(method, "__self__", None)
    if not isinstance(owner, str | bytes | int):
        return args, kwargs
    name = getattr(method, "__name__", "")
    if name in _PADDING:
        _check_width(name, _arg(args, kwargs, 0, "width"))
    elif name == "to_bytes":
        _check_width(name, _arg(args, kwargs, 0, "length"), noun="length")
    elif name == "expandtabs" and isinstance(owner, str | bytes):
        size = _arg(args, kwargs, 0, "tabsize")
        size = 8 if size is None else size
        _check_width(name, size)
        if isinstance(size, int):
            tabs = owner.count("\t" if isinstance(owner, str) else b"\t")  # type: ignore[arg-type]
            if len(owner) + tabs * size > MAX_OUTPUT:
                raise too_big("`expandtabs`", len(owner) + tabs * size)
    elif name == "replace" and len(args) >= 2:
        count = _arg(args, kwargs, 2, "count")
        _check_replace("replace", owner, args[0], args[1], count)
    elif name == "join" and args and isinstance(owner, str | bytes):
        items = _bounded_items(args[0], "`join`")
        size = _weigh(items) + len(owner) * max(len(items) - 1, 0)
        if size > MAX_OUTPUT:
            raise too_big("`join`", size)
        args = (items, *args[1:])
    elif name == "translate" and args and isinstance(args[0], Mapping):
        longest = max((_weigh(v) for v in args[0].values()), default=1)
        if isinstance(owner, str | bytes) and len(owner) * max(longest, 1) > MAX_OUTPUT:
            raise too_big("`translate`", len(owner) * longest)
    return args, kwargs


# -- filters that pad, repeat or collect ------------------------------------------------------

FilterCheck = Callable[[str, tuple[Any, ...], dict[str, Any]], tuple[Any, ...]]


def _width_filter(index: int, name: str) -> FilterCheck:
    def check(what: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        _check_width(what, _arg(args, kwargs, index, name))
        return args

    return check


def _indent_check(what: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    text, width = str(args[0]), _arg(args, kwargs, 1, "width")
    _check_width(what, width)
    step = len(width) if isinstance(width, str) else width if isinstance(width, int) else 4
    size = len(text) + (text.count("\n") + 1) * step
    if size > MAX_OUTPUT:
        raise too_big("`indent`", size)
    return args


def _wordwrap_check(what: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    text, width = str(args[0]), _arg(args, kwargs, 1, "width")
    _check_width(what, width)
    wrap = _arg(args, kwargs, 3, "wrapstring")
    if isinstance(wrap, str) and isinstance(width, int):
        lines = len(text) // max(width, 1) + text.count(" ") + text.count("\n") + 1
        if len(text) + lines * len(wrap) > MAX_OUTPUT:
            raise too_big("`wordwrap`", len(text) + lines * len(wrap))
    return args


def _fill_check(limit: int) -> FilterCheck:
    """``batch`` and ``slice``: as many items of ``fill_with`` as the count (``batch``) or as
    many lists as the count (``slice``), so the count itself is bounded."""

    def check(what: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        count = _arg(args, kwargs, 1, "linecount" if what == "batch" else "slices")
        _check_width(what, count, limit, noun="count")
        fill = _arg(args, kwargs, 2, "fill_with")
        if fill is not None and isinstance(count, int):
            size = count * max(_weigh(fill), 1)
            if size > MAX_OUTPUT:
                raise too_big(f"`{what}`", size)
        return args

    return check


def _format_check(what: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    _check_percent(str(args[0]), kwargs or tuple(args[1:]))
    return args


def _replace_check(what: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    if len(args) >= 3:
        text = args[0] if isinstance(args[0], str) else str(args[0])
        _check_replace(what, text, args[1], args[2], _arg(args, kwargs, 3, "count"))
    return args


def _join_check(what: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    if isinstance(args[0], Undefined):
        return args
    items = _bounded_items(args[0], "`join`")
    glue = _arg(args, kwargs, 1, "d")
    glue_size = len(glue) if isinstance(glue, str) else 0
    count = len(items) if hasattr(items, "__len__") else 0
    size = _weigh(items) + glue_size * max(count - 1, 0)
    if size > MAX_OUTPUT:
        raise too_big("`join`", size)
    return (items, *args[1:])


def _tojson_check(what: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    indent = _arg(args, kwargs, 1, "indent")
    _check_width(what, indent)
    items = _bounded_items(args[0], "`tojson`")
    step = len(indent) if isinstance(indent, str) else indent if isinstance(indent, int) else 0
    if _weigh(items) * (1 + step) > MAX_OUTPUT:
        raise too_big("`tojson`", _weigh(items) * (1 + step))
    return (items, *args[1:])


def _collect_check(what: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """A filter that makes a list of all its items: taken one at a time, refused as soon as
    they weigh too much."""
    if isinstance(args[0], Undefined):
        return args
    return (_bounded_items(args[0], f"`{what}`"), *args[1:])


def _weigh_check(what: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """A filter that makes a text of its value as a whole (``string``, ``pprint``): weighed
    before it is made."""
    weight = _weigh(args[0])
    if weight > MAX_OUTPUT:
        raise too_big(f"`{what}`", weight)
    return args


_FILTER_CHECKS: dict[str, FilterCheck] = {
    "center": _width_filter(1, "width"),
    "truncate": _width_filter(1, "length"),  # harmless when long, but never needed
    "indent": _indent_check,
    "wordwrap": _wordwrap_check,
    "batch": _fill_check(MAX_OUTPUT),
    "slice": _fill_check(MAX_REPEAT),
    "format": _format_check,
    "replace": _replace_check,
    "join": _join_check,
    "tojson": _tojson_check,
    **{
        name: _collect_check
        for name in ("list", "sum", "sort", "unique", "reverse", "dictsort", "groupby", "min")
    },
    "max": _collect_check,
    **{name: _weigh_check for name in ("string", "pprint", "xmlattr", "urlencode")},
}


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` as the filter ``name``, counted against the render's budget: its arguments
    checked before it runs (``_FILTER_CHECKS``), its result after."""
    if getattr(func, "bounded_filter", False):
        return func
    check = _FILTER_CHECKS.get(name)
    skip = 0 if getattr(func, "jinja_pass_arg", None) is None else 1  # the context Jinja passes

    @functools.wraps(func)  # keeps ``jinja_pass_arg``
    def bounded(*args: Any, **kwargs: Any) -> Any:
        budget = _BUDGET.get()
        budget.tick()
        if check is not None and len(args) > skip:
            args = (*args[:skip], *check(name, args[skip:], kwargs))
        result = func(*args, **kwargs)
        budget.charge(check_made(result))
        return result

    bounded.bounded_filter = True  # type: ignore[attr-defined]
    return bounded


class _BoundedFilters(dict[str, Any]):
    """The environment's filters, each one bounded as it is registered."""

    def __setitem__(self, name: str, func: Any) -> None:
        super().__setitem__(name, _bounded_filter(name, func))

    def update(self, *args: Any, **kwargs: Any) -> None:
        for name, func in dict(*args, **kwargs).items():
            self[name] = func


class _Turns:
    """A ``{% for %}`` loop's values, each turn counted against the render's budget (the
    sandbox sees no loop otherwise: nested loops of nothing could turn for minutes)."""

    __slots__ = ("values",)

    def __init__(self, values: Any) -> None:
        self.values = values

    def __len__(self) -> int:  # ``loop.length``; a TypeError makes Jinja count them itself
        return len(self.values)

    def __iter__(self) -> Iterator[Any]:
        budget = _BUDGET.get()
        for value in self.values:
            budget.tick()
            yield value


def _counted(node: nodes.Node) -> bool:
    """Whether a loop's values are counted already (a tree compiled twice)."""
    return (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.EnvironmentAttribute)
        and node.node.name == "count_turns"
    )


class _BudgetedCode(CodeGenerator):
    """Jinja's code generator, with each loop's values counted turn by turn (``_Turns``) and
    each ``~`` weighed before it is joined: neither passes through the sandbox otherwise."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        for loop in list(node.find_all(nodes.For)):
            if _counted(loop.iter):
                continue
            counted = nodes.Call(
                nodes.EnvironmentAttribute("count_turns", lineno=loop.lineno),
                [loop.iter],
                [],
                None,
                None,
                lineno=loop.lineno,
            )
            counted.set_environment(self.environment)
            loop.iter = counted
        super().visit_Template(node, frame)

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.bounded_concat({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class GuardedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox blocks code; this also blocks texts that would eat the machine.

    ``{{ "x" * 10**10 }}``, ``{{ 9**9**9 }}`` or ``{{ name.center(10**9) }}`` are not code, but
    they would take the bot down for everyone; staff own these files, so such a text fails alone
    (``BudgetExceeded``) and the bot goes on. Immutable: a list or a mapping cannot be changed
    from a text (``l.extend(l)`` in a loop doubles it each turn), and no shipped text does.
    """

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _BudgetedCode

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals.pop("lipsum", None)  # `lipsum(10**6)`: paragraphs of Latin on demand
        self.globals["range"] = _small_range
        bounded = _BoundedFilters()
        bounded.update(self.filters)
        self.filters = bounded
        self.finalize = self._weighed

    # -- the points where the sandbox sees a template at work -----------------------------------

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        budget = _BUDGET.get()
        budget.tick()
        args, kwargs = _check_method(obj, args, kwargs)
        result = super().call(context, obj, *args, **kwargs)
        budget.charge(check_made(result))
        return result

    def getattr(self, obj: Any, attribute: str) -> Any:
        _BUDGET.get().tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _BUDGET.get().tick()
        return super().getitem(obj, argument)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        budget = _BUDGET.get()
        budget.tick()
        _check_binop(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        budget.charge(check_made(result))
        return result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` and ``format_map``, each field bounded (``_BoundedFormatter``)."""
        sandboxed = super().wrap_str_format(value)
        if sandboxed is None:
            return None
        text = value.__self__
        formatter: _BoundedFormatter
        if isinstance(text, Markup):
            formatter = _BoundedEscapeFormatter(self, escape=text.escape)
        else:
            formatter = _BoundedFormatter(self)
        as_map = value.__name__ == "format_map"
        kind = type(text)

        def bounded(*args: Any, **kwargs: Any) -> str:
            if as_map:
                if kwargs or len(args) != 1:
                    return sandboxed(*args, **kwargs)  # the sandbox's own error
                return kind(formatter.vformat(text, (), args[0]))
            return kind(formatter.vformat(text, args, kwargs))

        return functools.update_wrapper(bounded, value)

    def count_turns(self, values: Any) -> _Turns:
        """A loop's values (every ``{% for %}``, see ``_BudgetedCode``)."""
        return _Turns(values)

    def bounded_concat(self, join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        """``a ~ b ~ c``, weighed before it is joined."""
        budget = _BUDGET.get()
        budget.tick()
        size = sum(_weigh(part) for part in parts)
        if size > MAX_OUTPUT:
            raise too_big("a `~` text", size)
        text = join(parts)
        budget.charge(check_made(text))
        return text

    def concat(self, parts: Iterable[str]) -> str:
        """The output of a macro, a ``{% set %}…{% endset %}`` or a ``{% filter %}`` block,
        joined only when it is short enough to be a text (Jinja's ``environment.concat``)."""
        budget = _BUDGET.get()
        budget.tick()
        kept: list[str] = []
        size = 0
        for part in parts:
            size += len(part)
            if size > MAX_OUTPUT:
                raise too_big("a block", size)
            kept.append(part)
        text = "".join(kept)
        budget.charge(len(text))
        return text

    def _weighed(self, value: Any) -> Any:
        """Each ``{{ value }}`` on its way into the text, weighed before it becomes text (a list
        of the same long text a thousand times is small until it is printed). Not charged: it
        is made already, and what is made of it is counted where it goes (``collect_output``,
        ``concat``)."""
        check_made(value)
        return value


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse ``left <operator> right`` before it is worked out when its result would be too
    big: a power or a product of whole numbers by the bits of the result, a text or a list
    repeated or added by its length, a ``%`` format by its widths."""
    if operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            bits = left.bit_length() * right
            if bits > MAX_INT_BITS:
                raise _too_many_digits("a power of about", bits)
    elif operator == "*":
        if isinstance(left, int) and isinstance(right, int):
            bits = left.bit_length() + right.bit_length()
            if bits > MAX_INT_BITS:
                raise _too_many_digits("a product of about", bits)
            return
        for seq, count in ((left, right), (right, left)):
            if isinstance(count, int) and count > 0 and isinstance(seq, str | bytes | list | tuple):
                size = count * max(_weigh(seq), 1)
                if size > MAX_OUTPUT:
                    raise too_big("a repetition", size)
    elif operator == "+":
        if isinstance(left, str | bytes | list | tuple) and isinstance(
            right, str | bytes | list | tuple
        ):
            size = _weigh(left) + _weigh(right)
            if size > MAX_OUTPUT:
                raise too_big("a sum", size)
    elif operator == "%" and isinstance(left, str):
        _check_percent(left, right)


def _small_range(*args: int) -> range:
    result = range(*args)
    try:
        length = len(result)
    except OverflowError:
        length = MAX_REPEAT + 1
    if length > MAX_REPEAT:
        raise BudgetExceeded(
            "size", f"a range of {_amount(length)} numbers, over the {MAX_REPEAT:,} allowed"
        )
    return result


def collect_output(chunks: Iterator[str], *, whole: bool = False) -> str:
    """The rendered text, taken piece by piece from ``chunks`` and trimmed as ``str.strip``
    would; past ``MAX_OUTPUT`` characters (blanks before the first word do not count) it is cut
    there (``whole``: refused) and the rest is never made."""
    parts: list[str] = []
    size = 0
    try:
        # no step counted per piece: pieces come from the text as written, or from loops,
        # whose turns are counted (``_Turns``)
        for chunk in chunks:
            parts.append(chunk)
            size += len(chunk)
            if size > MAX_OUTPUT:
                text = "".join(parts).lstrip()
                if len(text) > MAX_OUTPUT:
                    if whole:
                        raise too_big("a text", len(text))
                    return text[:MAX_OUTPUT].rstrip()
                parts, size = [text], len(text)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return "".join(parts).strip()


def start_budget(seconds: float, clock: Callable[[], float]) -> Token[_Budget]:
    """Give the render (or condition) about to run in this thread or task a fresh budget of
    ``seconds`` by ``clock``; hand the token to ``end_budget`` when it is over."""
    return _BUDGET.set(_Budget(seconds, clock))


def end_budget(token: Token[_Budget]) -> None:
    _BUDGET.reset(token)


def check_source(source: str, what: str = "the text as written") -> None:
    """Refuse a template longer than ``MAX_SOURCE`` before it is compiled."""
    if len(source) > MAX_SOURCE:
        raise too_big(what, len(source), MAX_SOURCE)
