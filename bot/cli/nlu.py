"""``nlu`` and ``nlu-eval``: let staff see why a message was, or was not, understood.

Registered into ``python -m bot`` by ``bot.cli``; usable alone with click's test runner.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path
from typing import Any

import click

from bot.base.problems import Problems
from bot.cli.common import content_option, content_root
from bot.understanding.evaluate import EvalFileError, evaluate, format_report, read_samples
from bot.understanding.intents import ACCEPT, IntentSet, load_intents
from bot.understanding.lang import NLU_LANGUAGES
from bot.understanding.nlu import Analysis, Understanding

INTENTS_FILE = Path("dialogs/intents.yaml")
DEFAULT_EVAL = Path("tests/data/nlu_eval.tsv")

_intents_option = click.option(
    "--intents",
    "intents_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The intents file to use (default: dialogs/intents.yaml of the content folder).",
)


def _load(path: Path | None, root: Path | None) -> IntentSet:
    """The intents of ``path``, else of the content folder (``--content``, ``BOT_CONTENT_DIR``,
    …), or the located problems on stderr and exit status 1 (never a traceback)."""
    path = path or content_root(root) / INTENTS_FILE
    problems = Problems()
    intents = load_intents(path, problems)
    if intents is None or problems.errors:
        click.echo(problems.report() or f"{path}: cannot load the intents", err=True)
        sys.exit(1)
    return intents


def _values(entities: dict[str, Any], key: str) -> str:
    items = entities.get(key) or []
    return ", ".join(
        json.dumps(item, ensure_ascii=False) if isinstance(item, dict) else str(item)
        for item in items
    )


def summary(analysis: Analysis) -> str:
    """One readable line: language, intent, confidence, entities and the example it resembles."""
    lang = f"{analysis.lang or '??'} {analysis.lang_confidence:.2f}"
    if analysis.intent:
        verdict = f"{analysis.intent} {analysis.confidence:.2f}"
    else:
        verdict = f"(not understood) {analysis.confidence:.2f} < {ACCEPT:.2f}"
    parts = [f"[{lang}] {verdict}", analysis.text]
    entities = analysis.entities.to_json()
    found = [f"{key}: {_values(entities, key)}" for key in entities if entities.get(key)]
    if found:
        parts.append("; ".join(found))
    if analysis.example:
        word = "like" if analysis.intent else "closest"
        parts.append(f'{word} "{analysis.example}"')
    return " | ".join(parts)


@click.command("nlu")
@click.option(
    "--lang",
    type=click.Choice(["auto", *NLU_LANGUAGES]),
    default="auto",
    show_default=True,
    help="The conversation's language so far (as Telegram reports the phone's); "
    "auto: judge from the text alone. A clearly Italian or English text still wins.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per message.")
@_intents_option
@content_option
@click.argument("text", required=False)
def nlu(
    lang: str, as_json: bool, intents_path: Path | None, root: Path | None, text: str | None
) -> None:
    """Show how TEXT is understood; without TEXT, read one message per line from stdin."""
    understanding = Understanding(_load(intents_path, root))
    prior = None if lang == "auto" else lang
    messages = [text] if text is not None else (line.rstrip("\r\n") for line in sys.stdin)
    for message in messages:
        if text is None and not message.strip():
            continue
        # deadlines ("entro giugno") are read against today, the local date of this machine
        analysis = understanding.analyse(message, prior, datetime.date.today())
        if as_json:
            click.echo(json.dumps(analysis.to_json(), ensure_ascii=False))
        else:
            click.echo(summary(analysis))


@click.command("nlu-eval")
@_intents_option
@content_option
@click.option(
    "--data",
    "data_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_EVAL,
    show_default=True,
    help="Labelled messages: text, lang, intent (empty = out of scope), tab-separated. "
    "Also in tests/data: nlu_holdout.tsv (harder wording) and nlu_final_check.tsv "
    "(an overfitting check: measure, never tune on it).",
)
@click.option("-v", "--verbose", is_flag=True, help="List every misunderstood message.")
@click.option(
    "--matcher-only",
    is_flag=True,
    help="Read with the example matcher alone, without the trained classifier (to compare).",
)
def nlu_eval(
    intents_path: Path | None,
    root: Path | None,
    data_path: Path,
    verbose: bool,
    matcher_only: bool,
) -> None:
    """Measure intent accuracy, out-of-scope rejection, language accuracy and speed."""
    understanding = Understanding(_load(intents_path, root), classifier=not matcher_only)
    try:
        samples = read_samples(data_path)
    except EvalFileError as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    click.echo(format_report(evaluate(understanding, samples), verbose=verbose))
