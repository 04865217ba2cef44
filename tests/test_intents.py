"""Intents as staff-edited data: loading, validation, matching and the `nlu` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.base.problems import Problems
from bot.cli.nlu import nlu, nlu_eval
from bot.understanding.intents import ACCEPT, YIELDING, IntentSet, Matcher, clauses, load_intents
from bot.understanding.nlu import Understanding

ROOT = Path(__file__).resolve().parent.parent
INTENTS = ROOT / "dialogs" / "intents.yaml"

SHIPPED_ANSWERS = {
    "greeting": "main.greet",
    "growth_timeline": "projection.straight",
    "staff_network": "main.mistake_staff",
    "ad_budget": "main.mistake_budget",
    "pricing": "main.pricing",
    "self_posting": "main.mistake_self_posting",
    "posting_schedule": "main.rules_schedule",
    "buy_followers": "main.buy_followers",
    "results_complaint": "main.results_complaint",
    "talk_to_human": "main.human",
    "leave_contacts": "main.lead_intro",
    "privacy": "main.privacy",
    "about_agency": "main.about",
    "how_we_work": "main.how_we_work",
    "results_examples": "main.results_examples",
    "book_call": "main.book_call",
    "services": "main.services",
    "guarantees": "main.guarantees",
}

MINIMAL = """\
intents:
  pricing:
    description: What we charge
    answer: main.pricing
    examples:
      it: [quanto costate, quali sono i prezzi]
      en: [how much do you charge, what are your prices]
  privacy:
    description: Stored data
    answer: main.privacy
    examples:
      it: [cancellate i miei dati]
      en: [delete my data]
"""


@pytest.fixture(scope="module")
def shipped() -> IntentSet:
    problems = Problems()
    intents = load_intents(INTENTS, problems)
    assert intents is not None, problems.report()
    return intents


@pytest.fixture(scope="module")
def matcher(shipped: IntentSet) -> Matcher:
    return Matcher(shipped)


def load_text(tmp_path: Path, text: str) -> tuple[IntentSet | None, Problems]:
    path = tmp_path / "intents.yaml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    return load_intents(path, problems), problems


# --------------------------------------------------------------------------- the shipped file


def test_shipped_intents_and_their_answers(shipped: IntentSet) -> None:
    # every shipped intent, answered where it was; an intent staff add is allowed
    answers = {i: a for i, (a, _) in shipped.answers.items()}
    assert SHIPPED_ANSWERS.items() <= answers.items(), set(SHIPPED_ANSWERS.items()) - set(
        answers.items()
    )
    assert shipped.answer_refs() == list(answers.values())  # in the file's order
    for intent_id, (_, pos) in shipped.answers.items():
        assert pos.line > 1, intent_id


# --------------------------------------------------------------------------- validation


def test_minimal_file_loads(tmp_path: Path) -> None:
    intents, problems = load_text(tmp_path, MINIMAL)
    assert intents is not None and not problems.errors
    assert intents.ids() == ["pricing", "privacy"]
    assert [p.text for p in intents.intents["pricing"].examples["en"]] == [
        "how much do you charge",
        "what are your prices",
    ]
    assert intents.answers["privacy"][1].line == 10


def report(problems: Problems) -> str:
    return problems.report()


def with_examples(it: int, en: int) -> str:
    """An intents file whose `budget` intent (line 2) has this many examples per language."""
    lines = ["intents:", "  budget:", "    description: The ad budget", "    answer: main.budget"]
    lines.append("    examples:")
    lines += ["      it:", *[f"        - quanto spendo in pubblicità? caso {n}" for n in range(it)]]
    lines += ["      en:", *[f"        - how much to spend on ads? case {n}" for n in range(en)]]
    return "\n".join(lines) + "\n"


def few_examples(problems: Problems) -> list[str]:
    """The warnings about too few examples, from the file's name on."""
    found = [str(p) for p in problems if "with fewer than" in p.message]
    return [w[w.index("intents.yaml:") :] for w in found]


def test_an_intent_with_few_examples_is_a_located_warning_with_its_reason(tmp_path: Path) -> None:
    intents, problems = load_text(tmp_path, with_examples(it=20, en=12))
    assert intents is not None and not problems.errors  # a warning: the bot still starts
    assert few_examples(problems) == [
        "intents.yaml:2:3: warning: intent `budget` has 12 English examples: with fewer than 20,"
        " the bot confuses it with others — add examples of how prospects say it"
        " (`python -m bot review` lists messages it did not understand)"
    ]
    _, problems = load_text(tmp_path, with_examples(it=1, en=19))
    assert [w.split(": with")[0] for w in few_examples(problems)] == [
        "intents.yaml:2:3: warning: intent `budget` has 1 Italian example",
        "intents.yaml:2:3: warning: intent `budget` has 19 English examples",
    ]


def test_twenty_examples_per_language_are_enough(tmp_path: Path) -> None:
    intents, problems = load_text(tmp_path, with_examples(it=20, en=20))
    assert intents is not None and not problems


def test_example_listed_twice(tmp_path: Path) -> None:
    text = MINIMAL.replace("[delete my data]", "[delete my data, Delete my DATA!]")
    intents, problems = load_text(tmp_path, text)
    assert intents is None
    assert "intents.yaml:13:" in report(problems)
    assert "listed twice in `privacy`" in report(problems)


def test_example_claimed_by_two_intents(tmp_path: Path) -> None:
    text = MINIMAL.replace("[delete my data]", "[delete my data, How much do you charge?]")
    intents, problems = load_text(tmp_path, text)
    assert intents is None
    assert "also belongs to `pricing` (line 7)" in report(problems)


def test_intent_without_answer(tmp_path: Path) -> None:
    text = MINIMAL.replace("    answer: main.privacy\n", "")
    intents, problems = load_text(tmp_path, text)
    assert intents is None
    assert "intents.yaml:8:3: intent `privacy` has no `answer`" in report(problems)


def test_answer_must_name_a_state(tmp_path: Path) -> None:
    _, problems = load_text(tmp_path, MINIMAL.replace("main.privacy", "privacy please"))
    assert "`privacy please` is not a dialog state" in report(problems)


def test_language_without_examples(tmp_path: Path) -> None:
    text = MINIMAL.replace("      en: [delete my data]\n", "")
    intents, problems = load_text(tmp_path, text)
    assert intents is None
    assert "intent `privacy` has no English examples" in report(problems)


def test_unknown_key_gets_a_did_you_mean(tmp_path: Path) -> None:
    _, problems = load_text(
        tmp_path, MINIMAL.replace("    examples:\n      it: [canc", "    exmples:\n      it: [canc")
    )
    text = report(problems)
    assert "unknown key `exmples` in intent `privacy` — did you mean `examples`?" in text


def test_unknown_language_code(tmp_path: Path) -> None:
    _, problems = load_text(
        tmp_path, MINIMAL.replace("      en: [delete my data]", "      eng: [delete my data]")
    )
    text = report(problems)
    assert "intents.yaml:13:7: unknown language `eng`" in text
    assert "did you mean `en`?" in text


def test_duplicate_intent_id_is_a_yaml_problem(tmp_path: Path) -> None:
    text = MINIMAL + MINIMAL.split("\n", 1)[1].split("  privacy:")[0]
    intents, problems = load_text(tmp_path, text)
    assert intents is None
    assert "appears twice" in report(problems)


def test_bad_intent_name_and_missing_description(tmp_path: Path) -> None:
    text = MINIMAL.replace("  privacy:", "  Privacy Stuff:").replace(
        "    description: What we charge\n", ""
    )
    _, problems = load_text(tmp_path, text)
    assert "`Privacy Stuff` is not a valid intent name" in report(problems)
    assert "intent `pricing` has no `description`" in report(problems)


def test_out_of_scope_examples_may_not_belong_to_an_intent(tmp_path: Path) -> None:
    text = MINIMAL + "out_of_scope:\n  examples:\n    en: [what is the weather, delete my data]\n"
    intents, problems = load_text(tmp_path, text)
    assert intents is None
    assert "also belongs to `privacy`" in report(problems)


@pytest.mark.parametrize(
    "text",
    ["", "just a sentence", "- a\n- list\n", "intents: 3\n", "intents:\n  x: [1, 2]\n", "\t- tab"],
)
def test_broken_files_are_reported_never_raised(tmp_path: Path, text: str) -> None:
    intents, problems = load_text(tmp_path, text)
    assert intents is None
    assert problems
    assert all(str(p).startswith("intents.yaml:") or "intents.yaml" in str(p) for p in problems)


def test_missing_file(tmp_path: Path) -> None:
    problems = Problems()
    assert load_intents(tmp_path / "nope.yaml", problems) is None
    assert "cannot read the file" in problems.report()


# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("text", "lang", "intent"),
    [
        ("quanto ci vuole per arrivare a 10mila follower?", "it", "growth_timeline"),
        ("can your staff invite their friends?", "en", "staff_network"),
        ("ciaooo", "it", "greeting"),
        ("ciao, quanto costa?", "it", "pricing"),
        ("hi there, can I buy followers?", "en", "buy_followers"),
        ("QUANTO COSTATE???", "it", "pricing"),
        ("xke nn avete condiviso il mio post", "it", "self_posting"),
        ("pls delete my data", "en", "privacy"),
        ("voglio parlare con una persona", "it", "talk_to_human"),
        ("the page is not growing at all, im disappointed", "en", "results_complaint"),
        ("do we need to spend money on sponsored posts?", "en", "ad_budget"),
        ("pubblicate tutto alle 7 di mattina", "it", "posting_schedule"),
    ],
)
def test_typical_messages(matcher: Matcher, text: str, lang: str, intent: str) -> None:
    match = matcher.match(text, lang)
    assert match.intent == intent, match
    assert match.confidence >= ACCEPT
    # a lone hello ("ciao", "ciaooo") is read by the greeting's keywords: no closest example
    assert match.example or intent in YIELDING


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("che tempo fa domani a palermo?", "it"),
        ("who won the football match?", "en"),
        ("ricetta della caponata", "it"),
        ("ok", "it"),
        ("👍", "en"),
        ("3", "en"),
        ("10k", "it"),
        ("alle 7", "it"),
        ("", "en"),
        # what people type as answers inside a conversation must not look like a question
        ("no", "it"),
        ("sì", "it"),
        ("yes", "en"),
        ("Giulia Bianchi", "it"),
        ("marco.rossi@gmail.com", "en"),
        ("+39 333 1234567", "it"),
        ("Trattoria da Peppe", "it"),
        ("non lo so", "it"),
        ("ahahahah", "it"),
        ("e tu come ti chiami?", "it"),  # a name, not a phone call
        ("what's your favourite film?", "en"),
    ],
)
def test_out_of_scope_is_not_forced_into_an_intent(matcher: Matcher, text: str, lang: str) -> None:
    match = matcher.match(text, lang)
    assert match.intent is None
    assert match.confidence < ACCEPT


@pytest.mark.parametrize(
    ("text", "lang", "intent"),
    [
        # the question after an introduction, with or without punctuation
        (
            "buongiorno, ho una gelateria a Noto da due anni, volevo sapere quanto costa la "
            "gestione della pagina",
            "it",
            "pricing",
        ),
        (
            "hi there, we run a small family hotel near Cefalù and we were wondering how long "
            "it takes to get to 5000 followers",
            "en",
            "growth_timeline",
        ),
        # negation keeps the topic
        ("non voglio comprare follower finti", "it", "buy_followers"),
        ("we don't want to spend anything on ads", "en", "ad_budget"),
        # mixed languages, dialect, chat spellings
        ("operatore pls", "en", "talk_to_human"),
        ("ciao!", "en", "greeting"),
        ("vogghiu parrari cu quarchidunu", "it", "talk_to_human"),
        ("f4f funziona?", "it", "buy_followers"),
        ("la crescita è lentissima", "it", "results_complaint"),
        ("fra quanto arriviamo a 3000 seguaci?", "it", "growth_timeline"),
    ],
)
def test_harder_messages(matcher: Matcher, text: str, lang: str, intent: str) -> None:
    match = matcher.match(text, lang)
    assert match.intent == intent, match


def test_a_clear_question_is_not_overruled_by_one_of_its_clauses(matcher: Matcher) -> None:
    # "200 euros a month" alone would be about the ad budget; the whole asks how long
    text = "I have 800 followers on insta, how long to reach 10k with 200 euros a month?"
    assert matcher.match(text, "en").intent == "growth_timeline"


def test_clauses() -> None:
    assert clauses("ciao, ho un bar a Noto e volevo sapere i prezzi!") == [
        "ciao",
        "ho un bar a Noto e",
        "volevo sapere i prezzi",
    ]
    assert clauses("hi we run a shop and we were wondering about ads") == [
        "hi we run a shop",
        "and",
        "we were wondering about ads",
    ]
    assert clauses("quanto costa") == ["quanto costa"]


def test_typos_and_word_order(matcher: Matcher) -> None:
    assert matcher.match("qunto costa la gestione dela pagina", "it").intent == "pricing"
    assert matcher.match("folowers buy can i", "en").intent == "buy_followers"


def test_without_a_language_both_are_tried(matcher: Matcher) -> None:
    assert matcher.match("cancellate i miei dati", None).intent == "privacy"
    assert matcher.match("how much do you charge", None).intent == "pricing"


def test_deterministic(shipped: IntentSet) -> None:
    texts = ["quanto costa?", "can I post myself?", "che tempo fa"]
    first = [Matcher(shipped).match(t, None) for t in texts]
    second = [Matcher(shipped).match(t, None) for t in texts]
    assert first == second


def test_staff_add_an_example_and_the_bot_understands_more(tmp_path: Path) -> None:
    message = "avete sconti per le associazioni?"
    text = INTENTS.read_text(encoding="utf-8")
    intents, _ = load_text(tmp_path, text)
    assert intents is not None
    assert Matcher(intents).match(message, "it").intent is None
    added = "        - ci sono sconti?\n        - fate sconti alle associazioni no profit?\n"
    richer, problems = load_text(tmp_path, text.replace("        - ci sono sconti?\n", added))
    assert richer is not None, problems.report()
    after = Matcher(richer).match(message, "it")
    assert after.intent == "pricing"
    assert after.example == "fate sconti alle associazioni no profit?"


# --------------------------------------------------------------------------- the commands


def test_nlu_json_done_criterion() -> None:
    result = CliRunner().invoke(
        nlu,
        ["--json", "--intents", str(INTENTS)],
        input="in quanto tempo arrivo a 10mila follower su insta?\n",
    )
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    assert line["intent"] == "growth_timeline"
    assert line["lang"] == "it"
    assert line["entities"]["numbers"] == [10000]
    assert line["entities"]["platforms"] == ["instagram"]
    assert set(line) == {"text", "lang", "intent", "confidence", "source", "entities"}
    assert 0 <= line["confidence"] <= 1


def test_nlu_reads_one_message_per_line() -> None:
    result = CliRunner().invoke(
        nlu, ["--json", "--intents", str(INTENTS)], input="ciao\n\nok\nhow much?\n"
    )
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["intent"] for x in lines] == ["greeting", None, "pricing"]
    assert lines[1]["lang"] is None


def test_nlu_readable_line_explains_itself() -> None:
    runner = CliRunner()
    result = runner.invoke(nlu, ["--intents", str(INTENTS), "--lang", "en", "quanto costa?"])
    assert result.exit_code == 0
    assert result.stdout.startswith("[it ")
    assert "pricing" in result.stdout and 'like "' in result.stdout
    result = runner.invoke(nlu, ["--intents", str(INTENTS), "do you sell pizza?"])
    assert "(not understood)" in result.stdout


def test_nlu_with_broken_intents_prints_problems_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "intents.yaml"
    path.write_text(MINIMAL.replace("    answer: main.privacy\n", ""), encoding="utf-8")
    result = CliRunner().invoke(nlu, ["--intents", str(path), "ciao"])
    assert result.exit_code == 1
    assert "intents.yaml:8:3: intent `privacy` has no `answer`" in result.stderr
    assert "Traceback" not in result.output


def test_nlu_eval_on_a_small_set(tmp_path: Path) -> None:
    data = tmp_path / "eval.tsv"
    data.write_text(
        "text\tlang\tintent\nquanto costate?\tit\tpricing\nchi ha vinto il derby?\tit\t\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        nlu_eval, ["--intents", str(INTENTS), "--data", str(data), "--verbose"]
    )
    assert result.exit_code == 0, result.output
    assert "intent accuracy (in scope):   100.0%" in result.stdout
    assert "out-of-scope rejection:       100.0%" in result.stdout


def test_nlu_eval_with_a_broken_file(tmp_path: Path) -> None:
    data = tmp_path / "eval.tsv"
    data.write_text("text\tlang\tintent\nno tabs here\n", encoding="utf-8")
    result = CliRunner().invoke(nlu_eval, ["--intents", str(INTENTS), "--data", str(data)])
    assert result.exit_code == 1
    assert "eval.tsv:2:1:" in result.stderr


def test_understanding_facade(shipped: IntentSet) -> None:
    analysis = Understanding(shipped).analyse("ok", lang_prior="en")
    assert analysis.lang == "en" and analysis.intent is None
    analysis = Understanding(shipped).analyse("how long to reach 5k followers on tiktok?")
    assert analysis.intent == "growth_timeline"
    assert analysis.to_json()["entities"]["platforms"] == ["tiktok"]
