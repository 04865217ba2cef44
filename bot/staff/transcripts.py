"""Conversation tests that staff write in YAML: what the prospect does, and what must follow.

A transcript in ``dialogs/tests/`` is replayed through the real engine, on a real SQLite file in
a temporary folder, with typed text understood exactly as the bot understands it and the clock
fixed, so a test means what a chat on Telegram would mean. The format is described for staff in
``dialogs/tests/README.md``. A broken test file, like a broken dialog, is reported as
``file:line:col: message`` and never as a traceback.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.base.money import Money
from bot.base.problems import Pos, Problems, did_you_mean, relpath
from bot.base.yamlpos import Source, is_list, is_mapping, load_yaml, plain
from bot.content.model import Content
from bot.content.templates import html_to_plain
from bot.core.messages import Button, Input, TurnResult
from bot.core.records import LeadRecord
from bot.languages import DEFAULT, LanguageRegistry

if TYPE_CHECKING:
    from bot.core.engine import Engine
    from bot.core.ports import ConversationStore as Store

TEST_KEYS = ("name", "lang", "first_name", "pending", "note", "steps")
FILE_KEYS = ("tests", "lang", "first_name", "note")
STEP_KEYS = ("send", "press", "expect", "note")
CHECKS = (
    "text_contains",
    "first_text_contains",
    "text_not_contains",
    "buttons",
    "buttons_include",
    "state",
    "slot",
    "lead_saved",
    "human_requested",
    "picture",
    "lang",
)
LEAD_FIELDS = ("name", "business", "platform", "contact", "consent", "kind")
YES = {"yes", "true", "si", "sì", "y"}
NO = {"no", "false", "n"}
USER = "transcript"
SHOWN = 220  # characters of each bot message quoted in a failure


def fixed_clock() -> datetime:
    """Every run sees the same day, so dates and months in answers never make a test flaky."""
    return datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


# -- the format -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One line under ``expect:``, e.g. ``state: main.menu``."""

    kind: str
    value: Any
    pos: Pos


@dataclass(frozen=True)
class Step:
    number: int
    pos: Pos
    send: str | None = None
    press: str | None = None
    press_pos: Pos | None = None
    checks: tuple[Check, ...] = ()

    def describe(self) -> str:
        if self.send is not None:
            return f"step {self.number} (send «{self.send}»)"
        if self.press is not None:
            return f"step {self.number} (press «{self.press}»)"
        return f"step {self.number} (expect)"


@dataclass(frozen=True)
class Transcript:
    name: str
    lang: str
    pos: Pos
    steps: tuple[Step, ...]
    first_name: str | None = None
    pending: str | None = None  # a known bug: the test runs, but its failure does not count


def _flag(value: Any) -> bool | None:
    """yes/no as staff write it; YAML 1.2 reads ``yes`` as text, so both forms are accepted."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in YES:
            return True
        if word in NO:
            return False
    return None


def _text(value: Any) -> str | None:
    """A message or label; a number YAML may have reformatted (``10.000``) must be quoted."""
    if isinstance(value, str):
        return value
    if type(value) is int:
        return str(value)
    return None


class _Reader:
    """Reads one test file into ``Transcript``s, recording every problem with its position."""

    def __init__(
        self,
        source: Source,
        problems: Problems,
        states: set[str],
        languages: LanguageRegistry = DEFAULT,
    ) -> None:
        self.src = source
        self.problems = problems
        self.states = states  # "dialog.state" names, to catch a misspelt `state:` early
        self.languages = languages
        self.codes = " or ".join(languages.codes)

    def add(self, pos: Pos, message: str, hint: str | None = None) -> None:
        self.problems.add(pos, message, hint)

    def keys(self, mapping: Any, allowed: tuple[str, ...], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.add(
                    self.src.at_key(mapping, key),
                    f"unknown key `{key}` in {where}",
                    did_you_mean(str(key), allowed) or "allowed: " + ", ".join(allowed),
                )

    def read(self) -> list[Transcript]:
        data = self.src.data
        if data is None:
            self.add(self.src.top(), "the file is empty", "write a test: name, lang and steps")
            return []
        if not is_mapping(data):
            self.add(
                self.src.at(data),
                "a test file starts with `name:`, `lang:` and `steps:` (or a list under `tests:`)",
            )
            return []
        if "tests" not in data:
            test = self.test(data, data, 1)
            return [test] if test else []
        self.keys(data, FILE_KEYS, "a file with `tests:`")
        tests = data["tests"]
        if not is_list(tests) or not tests:
            self.add(self.src.at_value(data, "tests"), "`tests` must be a list of tests")
            return []
        found = []
        for i, item in enumerate(tests):
            if not is_mapping(item):
                self.add(
                    self.src.at_item(tests, i), "each test under `tests` needs `name:`, `steps:`"
                )
                continue
            test = self.test(item, data, i + 1)
            if test:
                found.append(test)
        return found

    def test(self, data: Any, file: Any, index: int) -> Transcript | None:
        """One test; ``lang`` and ``first_name`` default to those at the top of the ``file``."""
        self.keys(data, TEST_KEYS, "a test")
        pos = self.src.at(data)
        name = _text(data.get("name")) or f"{Path(self.src.name).stem} #{index}"
        lang = data.get("lang", file.get("lang"))
        lang_owner = data if "lang" in data else file
        if lang is None:
            self.add(
                pos, f"test «{name}» has no `lang:`", f"say the prospect's language: {self.codes}"
            )
        elif lang not in self.languages:
            self.add(
                self.src.at_value(lang_owner, "lang"),
                f"unknown language `{lang}`",
                f"use {self.codes}",
            )
        first_name = data.get("first_name", file.get("first_name"))
        if first_name is not None and _text(first_name) is None:
            owner = data if "first_name" in data else file
            self.add(self.src.at_value(owner, "first_name"), "`first_name` must be a text")
        pending = data.get("pending")
        if pending is not None and not isinstance(pending, str):
            self.add(self.src.at_value(data, "pending"), "`pending` says why, in words")
        steps_data = data.get("steps")
        if steps_data is None:
            self.add(pos, f"test «{name}» has no `steps:`")
            return None
        if not is_list(steps_data) or not steps_data:
            self.add(self.src.at_value(data, "steps"), "`steps` must be a list of steps")
            return None
        steps = [self.step(steps_data, i) for i in range(len(steps_data))]
        if steps[0] is not None and steps[0].send is None and steps[0].press is None:
            self.add(
                steps[0].pos,
                "the first step has nothing to check yet",
                "start with `- send: /start`",
            )
        if any(s is None for s in steps) or lang not in self.languages:
            return None
        return Transcript(
            name=name,
            lang=str(lang),
            pos=pos,
            steps=tuple(s for s in steps if s is not None),
            first_name=_text(first_name) if first_name is not None else None,
            pending=pending if isinstance(pending, str) else None,
        )

    def step(self, steps: Any, i: int) -> Step | None:
        data = steps[i]
        pos = self.src.at_item(steps, i)
        if not is_mapping(data):
            self.add(pos, "a step is `send:`, `press:` or `expect:` (with a space after `- `)")
            return None
        self.keys(data, STEP_KEYS, "a step")
        ok = True
        send = press = None
        if "send" in data:
            send = _text(data["send"])
            if send is None:
                self.add(self.src.at_value(data, "send"), "put the message in quotes")
                ok = False
        if "press" in data:
            press = _text(data["press"])
            if press is None:
                self.add(self.src.at_value(data, "press"), "put the button's label in quotes")
                ok = False
        if "send" in data and "press" in data:
            self.add(pos, "a step either sends a message or presses a button, not both")
            ok = False
        if not ({"send", "press", "expect"} & set(data)):
            self.add(pos, "this step does nothing", "add `send:`, `press:` or `expect:`")
            ok = False
        checks: list[Check] = []
        if "expect" in data:
            expect = data["expect"]
            if not is_mapping(expect) or not expect:
                self.add(self.src.at_value(data, "expect"), "`expect` lists checks, one a line")
                ok = False
            else:
                self.keys(expect, CHECKS, "`expect`")
                for key in expect:
                    if key in CHECKS:
                        check = self.check(expect, str(key))
                        ok = ok and check is not None
                        if check is not None:
                            checks.append(check)
        if not ok:
            return None
        return Step(
            number=i + 1,
            pos=pos,
            send=send,
            press=press,
            press_pos=self.src.at_value(data, "press") if press is not None else None,
            checks=tuple(checks),
        )

    def texts(self, expect: Any, key: str, allow_empty: bool = False) -> tuple[str, ...] | None:
        value = expect[key]
        items = list(value) if is_list(value) else [value]
        out = [_text(v) for v in items]
        if any(v is None for v in out) or (not out and not allow_empty):
            self.add(
                self.src.at_value(expect, key),
                f'`{key}` takes a text in quotes, or a list of them: ["…", "…"]',
            )
            return None
        return tuple(v for v in out if v is not None)

    def check(self, expect: Any, key: str) -> Check | None:
        pos = self.src.at_key(expect, key)
        where = self.src.at_value(expect, key)
        value = expect[key]
        if key in ("text_contains", "first_text_contains", "text_not_contains", "buttons_include"):
            texts = self.texts(expect, key)
            return Check(key, texts, pos) if texts is not None else None
        if key == "buttons":
            if not is_list(value):
                self.add(where, '`buttons` is the full list of labels: ["…", "…"] ([] for none)')
                return None
            texts = self.texts(expect, key, allow_empty=True)
            return Check(key, texts, pos) if texts is not None else None
        if key == "state":
            return self.state(value, pos, where)
        if key == "slot":
            if not is_mapping(value) or not value:
                self.add(where, "`slot` lists slots and their values: {platform: instagram}")
                return None
            return Check(key, {str(k): plain(v) for k, v in value.items()}, pos)
        if key == "lead_saved":
            return self.lead(expect, pos, where)
        if key in ("human_requested", "picture"):
            flag = _flag(value)
            if flag is None:
                self.add(where, f"`{key}` is yes or no")
                return None
            return Check(key, flag, pos)
        # lang
        if value not in self.languages:
            self.add(where, f"unknown language `{value}`", f"use {self.codes}")
            return None
        return Check(key, str(value), pos)

    def state(self, value: Any, pos: Pos, where: Pos) -> Check | None:
        name = _text(value)
        if not name:
            self.add(where, "`state` is a state's name, as `dialog.state` (e.g. main.menu)")
            return None
        known = self.states | {s.split(".", 1)[1] for s in self.states}
        if self.states and name not in known:
            self.add(where, f"there is no state `{name}`", did_you_mean(name, self.states))
            return None
        return Check("state", name, pos)

    def lead(self, expect: Any, pos: Pos, where: Pos) -> Check | None:
        value = expect["lead_saved"]
        flag = _flag(value)
        if flag is not None:
            return Check("lead_saved", flag, pos)
        if not is_mapping(value) or not value:
            self.add(where, "`lead_saved` is yes, no, or the details: {name: Giulia, platform: …}")
            return None
        for key in value:
            if key not in LEAD_FIELDS:
                self.add(
                    self.src.at_key(value, key),
                    f"a lead has no `{key}`",
                    did_you_mean(str(key), LEAD_FIELDS) or "fields: " + ", ".join(LEAD_FIELDS),
                )
                return None
        return Check("lead_saved", {str(k): plain(v) for k, v in value.items()}, pos)


def load_transcripts(
    path: Path, problems: Problems, content: Content | None = None, name: str | None = None
) -> list[Transcript]:
    """The tests in one file; problems (located) go to ``problems``, never an exception."""
    src = load_yaml(path, problems, name or relpath(path))
    if src is None:
        return []
    states = (
        {f"{d.id}.{s}" for d in content.dialogs.values() for s in d.states} if content else set()
    )
    before = len(problems.errors)
    languages = content.languages if content else DEFAULT
    tests = _Reader(src, problems, states, languages).read()
    return tests if len(problems.errors) == before else []


def find_test_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the ``*.yaml`` of any folder given, in a stable order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
        else:
            out.append(path)
    return out


# -- running --------------------------------------------------------------------------------


@dataclass
class Failure:
    pos: Pos
    message: str
    details: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"{self.pos}: {self.message}", *(f"    {d}" for d in self.details)]


@dataclass
class Outcome:
    test: Transcript
    failure: Failure | None
    log: list[tuple[Step, TurnResult]] = field(default_factory=list)

    @property
    def status(self) -> str:
        """passed, failed, pending (a known bug, still there) or fixed (pending, but passes)."""
        if self.test.pending is not None:
            return "pending" if self.failure else "fixed"
        return "failed" if self.failure else "passed"


@dataclass
class FileReport:
    path: Path
    name: str
    problems: Problems
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.problems.errors) or any(o.status == "failed" for o in self.outcomes)

    def lines(self, verbose: bool = False) -> list[str]:
        """One line per test (✓ ✗ ~), then the located failure under a failing one."""
        if self.problems.errors:
            out = [f"✗ {self.name}: the file cannot be run"]
            return out + [f"  {line}" for line in self.problems.report().splitlines()]
        out = []
        for o in self.outcomes:
            mark = {"passed": "✓", "failed": "✗", "pending": "~", "fixed": "✓"}[o.status]
            line = f"{mark} {self.name}: {o.test.name}"
            if o.status == "pending":
                line += f" — pending, known bug: {o.test.pending}"
            if o.status == "fixed":
                line += f" — passes now: remove `pending:` at {o.test.pos}"
            out.append(line)
            if verbose:
                out += [f"    {x}" for x in conversation(o)]
            if o.failure is not None:
                out += [f"  {x}" for x in o.failure.lines()]
        return out


def _norm(text: str) -> str:
    """Capital letters and spacing never decide a test."""
    return " ".join(text.split()).casefold()


def _label_key(label: str) -> str:
    """A label without its leading emoji, so «Lascia i tuoi contatti» finds «✍️ Lascia…»."""
    return re.sub(r"^[^\w]+", "", _norm(label))


def _buttons(result: TurnResult | None) -> list[Button]:
    return [b for r in result.replies for b in r.buttons] if result else []


def _buttons_diff(labels: list[str], expected: Any) -> str:
    """What differs between the buttons shown and those expected: "; not expected: «…»;
    missing: «…»" (or "; the same buttons in another order")."""
    have, want = [_norm(x) for x in labels], [_norm(str(v)) for v in expected]
    extra = [x for x, n in zip(labels, have, strict=True) if n not in want]
    missing = [str(v) for v, n in zip(expected, want, strict=True) if n not in have]
    parts = []
    if extra:
        parts.append("not expected: " + " ".join(f"«{x}»" for x in extra))
    if missing:
        parts.append("missing: " + " ".join(f"«{x}»" for x in missing))
    if not parts:
        parts.append("the same buttons in another order")
    hint = " (a button added on purpose? add it to the test too)" if extra and not missing else ""
    return "; " + "; ".join(parts) + hint


def _shown(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return f"«{value}»"


def _same(expected: Any, actual: Any) -> bool:
    """An expected value from YAML against a stored one: numbers by value, yes/no as booleans,
    money by its amount (``budget: 200`` for the money slot's € 200 a month)."""
    if expected is None:
        return actual is None
    if isinstance(actual, Money):
        actual = actual.amount
    flag = _flag(expected)
    if isinstance(actual, bool) or (flag is not None and actual in (0, 1)):
        return flag is not None and flag == bool(actual)
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        try:
            return float(actual) == float(expected)
        except (TypeError, ValueError):
            return False
    if isinstance(actual, (int, float)):
        try:
            return float(str(expected)) == float(actual)
        except ValueError:
            return False
    return actual is not None and _norm(str(expected)) == _norm(str(actual))


def describe_result(result: TurnResult | None) -> list[str]:
    """What the bot did in one step, as a failure shows it."""
    if result is None:
        return ["nothing has happened yet"]
    out = []
    for reply in result.replies:
        if reply.media is not None:
            out.append("the bot sent a picture")
            continue
        text = " ".join(html_to_plain(reply.text).split())
        out.append("the bot wrote: «" + (text if len(text) <= SHOWN else text[:SHOWN] + "…") + "»")
    if not result.replies:
        out.append("the bot wrote nothing")
    labels = [f"«{b.label}»" for b in _buttons(result)]
    out.append("buttons: " + (" ".join(labels) if labels else "none"))
    out.append(f"now at: {result.dialog}.{result.state} (language {result.lang})")
    return out


def conversation(outcome: Outcome) -> list[str]:
    """The whole exchange of a test, for ``--verbose``."""
    out = []
    for step, result in outcome.log:
        if step.send is not None:
            out.append(f"> send «{step.send}»")
        elif step.press is not None:
            out.append(f"> press «{step.press}»")
        else:
            continue
        out += [f"  {line}" for line in describe_result(result)]
    return out


EngineFactory = Callable[[Path], "Engine"]  # a database path -> an Engine


class TranscriptRunner:
    """Runs transcripts, each on a fresh database, with content and understanding built once."""

    def __init__(self, content: Content, new_engine: EngineFactory, workdir: Path) -> None:
        self.content = content
        self.new_engine = new_engine
        self.workdir = workdir

    def load(self, path: Path) -> tuple[list[Transcript], Problems]:
        problems = Problems()
        return load_transcripts(path, problems, self.content), problems

    async def run_file(self, path: Path) -> FileReport:
        tests, problems = self.load(path)
        report = FileReport(path, relpath(path), problems)
        if not problems.errors:
            for test in tests:
                report.outcomes.append(await self.run(test))
        return report

    async def run(self, test: Transcript) -> Outcome:
        folder = Path(tempfile.mkdtemp(prefix="transcript-", dir=self.workdir))
        engine = self.new_engine(folder / "bot.db")
        outcome = Outcome(test, None)
        last: TurnResult | None = None
        try:
            for step in test.steps:
                if step.send is not None or step.press is not None:
                    turned = await self._act(engine, test, step, last)
                    if isinstance(turned, Failure):
                        outcome.failure = turned
                        return outcome
                    last = turned
                    outcome.log.append((step, last))
                for check in step.checks:
                    problem = self._check(check, last, engine.store)
                    if problem is not None:
                        details = describe_result(last)
                        if check.kind == "slot" and last is not None:
                            details.append("slots: " + _slots(last.slots))
                        if check.kind in ("lead_saved", "human_requested"):
                            details.append("leads saved: " + _leads(engine.store))
                        outcome.failure = Failure(
                            check.pos, f"{step.describe()}: {problem}", details
                        )
                        return outcome
        except Exception as err:  # a crash in the bot is a failed test, reported like one
            outcome.failure = Failure(
                step.pos, f"{step.describe()}: the bot failed: {type(err).__name__}: {err}"
            )
        finally:
            engine.store.close()
        return outcome

    async def _act(
        self, engine: Engine, test: Transcript, step: Step, last: TurnResult | None
    ) -> TurnResult | Failure:
        if step.send is not None:
            return await engine.turn(
                Input(USER, text=step.send, language_code=test.lang, first_name=test.first_name)
            )
        assert step.press is not None and step.press_pos is not None
        buttons = _buttons(last)
        chosen = [b for b in buttons if b.label == step.press] or [
            b for b in buttons if _label_key(b.label) == _label_key(step.press)
        ]
        if len(chosen) != 1:
            labels = [b.label for b in buttons]
            hint = did_you_mean(step.press, labels)
            return Failure(
                step.press_pos,
                f"{step.describe()}: there is no button «{step.press}» to press"
                + (f" — {hint}" if hint else ""),
                describe_result(last),
            )
        return await engine.turn(
            Input(
                USER,
                button=chosen[0].data,
                language_code=test.lang,
                first_name=test.first_name,
            )
        )

    def _check(self, check: Check, result: TurnResult | None, store: Store) -> str | None:
        """None when the check holds, else what went wrong in one sentence."""
        if result is None:
            return "nothing has happened yet to check"
        kind, value = check.kind, check.value
        said = _norm("\n".join(html_to_plain(r.text) for r in result.replies))
        labels = [b.label for b in _buttons(result)]
        if kind == "text_contains":
            missing = [v for v in value if _norm(v) not in said]
            return f"expected the bot to write «{missing[0]}»" if missing else None
        if kind == "first_text_contains":  # the answer comes first, not after a welcome
            first = _norm(html_to_plain(result.replies[0].text)) if result.replies else ""
            missing = [v for v in value if _norm(v) not in first]
            return f"expected the bot's first message to say «{missing[0]}»" if missing else None
        if kind == "text_not_contains":
            found = [v for v in value if _norm(v) in said]
            return f"the bot was not supposed to write «{found[0]}»" if found else None
        if kind == "buttons":
            if [_norm(x) for x in labels] == [_norm(v) for v in value]:
                return None
            wanted = " ".join(f"«{v}»" for v in value) or "none"
            return f"expected exactly these buttons: {wanted}" + _buttons_diff(labels, value)
        if kind == "buttons_include":
            have = {_norm(x) for x in labels}
            missing = [v for v in value if _norm(v) not in have]
            if not missing:
                return None
            hint = did_you_mean(missing[0], labels)
            return f"expected a button «{missing[0]}»" + (f" — {hint}" if hint else "")
        if kind == "state":
            where = f"{result.dialog}.{result.state}"
            ok = where == value if "." in value else result.state == value
            return None if ok else f"expected to be at `{value}`, but the bot is at `{where}`"
        if kind == "slot":
            for name, expected in value.items():
                actual = result.slots.get(name)
                if not _same(expected, actual):
                    now = "not set" if actual is None else _shown(actual)
                    want = "not set" if expected is None else _shown(expected)
                    return f"expected slot `{name}` to be {want}, but it is {now}"
            return None
        if kind in ("lead_saved", "human_requested"):
            return self._lead_check(kind, value, store)
        if kind == "picture":
            sent = any(r.media is not None for r in result.replies)
            if sent == value:
                return None
            return "expected a picture" if value else "the bot was not supposed to send a picture"
        # lang
        return None if result.lang == value else f"expected language {value}, not {result.lang}"

    @staticmethod
    def _lead_check(kind: str, value: Any, store: Store) -> str | None:
        wanted_kind = "human" if kind == "human_requested" else "contact"
        if isinstance(value, dict):
            wanted_kind = str(value.get("kind", wanted_kind))
        leads = [lead for lead in store.leads() if lead.user_id == USER]
        of_kind = [lead for lead in leads if lead.kind == wanted_kind]
        if value is True:
            return None if of_kind else f"expected a lead ({wanted_kind}) to be saved"
        if value is False:
            return None if not of_kind else f"no lead ({wanted_kind}) should have been saved"
        for row in of_kind:
            if all(_same(v, _lead_value(row, k)) for k, v in value.items() if k != "kind"):
                return None
        wanted = ", ".join(f"{k} {_shown(v)}" for k, v in value.items())
        return f"expected a saved lead with {wanted}"


def _slots(slots: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in slots.items()) or "none"


def _leads(store: Store) -> str:
    rows = [lead for lead in store.leads() if lead.user_id == USER]
    return (
        "; ".join(
            f"{r.kind}: name={r.name}, platform={r.platform}, "
            f"contact={r.contact}, consent={int(r.consent)}"
            for r in rows
        )
        or "none"
    )


def _lead_value(lead: LeadRecord, key: str) -> Any:
    """A column of the saved lead, else one of the other answers kept with it."""
    from dataclasses import fields

    if key in {f.name for f in fields(lead)}:
        return getattr(lead, key)
    return lead.data.get(key)
