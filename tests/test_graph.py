"""Pictures of the dialogs: every state and every move is drawn, in the chosen language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app import load_content
from bot.cli.graph import graph
from bot.content.model import Content, Target
from bot.staff.graph import TYPED, describe, graphviz_missing, safe_label, snippet, to_mermaid
from tests.conftest import ROOT

WORDS = {
    "it": {"answer": "risposta: {}", "if": "se {}", "else": "altrimenti", "next": "poi",
           "give_up": "rinuncia", "updates": "✏️ valore nuovo: {}", "which": "✏️ quale?"},
    "en": {"answer": "answer: {}", "if": "if {}", "else": "otherwise", "next": "next",
           "give_up": "gives up", "updates": "✏️ new value: {}", "which": "✏️ which one?"},
}  # fmt: skip
NODE = re.compile(r'^\s*state "(?P<label>[^"]*)" as (?P<id>\S+)$')
EDGE = re.compile(r"^\s*(?P<src>\S+) --> (?P<dst>\S+): (?P<label>.*)$")


@pytest.fixture(scope="module")
def content() -> Content:
    loaded = load_content(ROOT)
    assert loaded.content is not None, loaded.problems.report()
    return loaded.content


def parse(source: str) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """(node id -> label, (source id, dest id) -> label) of a mermaid state diagram."""
    nodes: dict[str, str] = {}
    edges: dict[tuple[str, str], str] = {}
    for line in source.splitlines():
        if m := NODE.match(line):
            nodes[m["id"]] = m["label"]
        elif m := EDGE.match(line):
            edges[(m["src"], m["dst"])] = m["label"]
    return nodes, edges


def plain_text(content: Content, lang: str, key: str) -> str:
    return re.sub(r"<[^>]+>", "", content.texts[lang][key].source)


CASES = [(d, lang) for d in ("main", "projection") for lang in ("it", "en")]


@pytest.mark.parametrize(("dialog", "lang"), CASES)
def test_every_state_and_every_move_is_drawn(content: Content, dialog: str, lang: str) -> None:
    diagram = describe(content, dialog, lang)
    source = to_mermaid(diagram)
    assert source.startswith("---\ntitle: ") and "stateDiagram-v2" in source
    nodes, edges = parse(source)
    spec = content.dialogs[dialog]
    words = WORDS[lang]

    def node(target: Target) -> str:
        if target.move is not None:  # "back" / "resume": one box each
            return diagram.ids[f"@{target.move}"]
        other, state = target.resolve(dialog)
        ref = state if other == dialog else f"{other}.{state}"
        return diagram.ids[ref]

    for name in spec.states:
        assert diagram.ids[name] in nodes, name
        assert nodes[diagram.ids[name]].startswith(f"{name} · ")
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", i) for i in nodes), "mermaid ids: no dots, spaces"
    assert f"[*] --> {node(spec.start)}" in source

    moves = 0
    for state in spec.states.values():
        src = diagram.ids[state.name]
        expected: list[tuple[str, str]] = []
        for button in state.buttons:
            expected.append((node(button.go), plain_text(content, lang, button.text.key)))
        answer = words["answer"].format(state.ask.slot) if state.ask else None
        if state.next is not None:
            expected.append((node(state.next), answer or words["next"]))
        for branch in state.when:
            condition = (
                words["if"].format(safe_label(branch.condition))
                if branch.condition
                else words["else"]
            )
            expected.append((node(branch.go), f"{answer}, {condition}" if answer else condition))
        if state.on_give_up is not None:
            expected.append((node(state.on_give_up), words["give_up"]))
        if state.updates is not None:
            slots = ", ".join(state.updates.slots)
            expected.append((node(state.updates.then), words["updates"].format(slots)))
            if state.updates.which is not None:
                expected.append((node(state.updates.which), words["which"]))
        for dst, label in expected:
            assert (src, dst) in edges, f"{state.name} -> {dst} missing"
            assert label in edges[(src, dst)].split(" | "), (state.name, label, edges[(src, dst)])
            moves += 1
    assert moves == sum(len(s.moves()) for s in spec.states.values())


def test_labels_are_in_the_chosen_language(content: Content) -> None:
    italian = to_mermaid(describe(content, "main", "it"))
    english = to_mermaid(describe(content, "main", "en"))
    assert "menu · Cosa vuoi sapere?" in italian
    assert "menu --> growth_honest: 📈 Quanti follower, e quando?" in italian
    assert "lead_name --> lead_check_business: risposta: name" in italian
    assert "title: Dialogo main" in italian
    assert "menu · What would you like to know?" in english
    assert "menu --> growth_honest: 📈 How fast will we grow?" in english
    assert "lead_name --> gave_up: gives up" in english  # main.yaml's `give_up:`
    assert "What would you like" not in italian and "Cosa vuoi" not in english


def test_typed_questions_come_from_one_box(content: Content) -> None:
    intents = content.intents.intents  # type: ignore[union-attr]
    for dialog in content.dialogs:
        diagram = describe(content, dialog, "it")
        nodes, edges = parse(to_mermaid(diagram))
        # the main dialog shows every typed question; another one, those it answers
        answered = {
            i.id: i.answer
            for i in intents.values()
            if dialog == "main" or i.answer.startswith(f"{dialog}.")
        }
        assert (TYPED in diagram.ids) == bool(answered)
        if answered:
            assert nodes[diagram.ids[TYPED]] == "💬 domanda scritta"
        for intent_id, answer in answered.items():
            ref = answer.split(".", 1)[1] if answer.startswith(f"{dialog}.") else answer
            assert intent_id in edges[(diagram.ids[TYPED], diagram.ids[ref])].split(" | ")


def test_moves_to_another_dialog_are_named(content: Content) -> None:
    nodes, edges = parse(to_mermaid(describe(content, "projection", "it")))
    assert nodes["main__menu"].startswith("→ main.menu · Cosa vuoi sapere?")
    assert edges[("offer", "main__human")] == "🙋 Parla con una persona"


def test_nothing_is_highlighted(content: Content) -> None:
    source = to_mermaid(describe(content, "main", "it"))
    assert not re.search(r"^\s*Class \S+ s_active$", source, re.M)


def test_texts_are_shortened_for_staff() -> None:
    assert snippet("Ciao{% if first_name %} {{ first_name }}{% endif %}! 👋", "it") == "Ciao! 👋"
    assert snippet("Piacere, {{ name }}! <b>Di cosa</b> ti occupi?", "it") == (
        "Piacere, ‹name›! Di cosa ti occupi?"
    )
    assert snippet("B&amp;B a Cefalù", "it") == "B&B a Cefalù"
    long = snippet("x" * 100)
    assert len(long) == 40 and long.endswith("…")
    assert snippet("{{ (projection.likely_years * 12)|duration }} anni", "it").endswith("anni")
    assert safe_label('if contact_via == "email"; #1 {x}') == "if contact_via == 'email', n.1 (x)"


def test_unknown_dialog_exits_1_with_a_suggestion() -> None:
    run = CliRunner().invoke(graph, ["mian", "--content", str(ROOT)])
    assert run.exit_code == 1
    assert "there is no dialog called `mian` — did you mean `main`?" in run.output
    assert "Traceback" not in run.output


def test_mermaid_on_stdout_and_in_a_markdown_file(content: Content, tmp_path: Path) -> None:
    run = CliRunner().invoke(graph, ["--content", str(ROOT), "--lang", "en"])
    assert run.exit_code == 0, run.output
    # every dialog, one after the other (staff may add dialogs: counted, not pinned)
    assert run.output.count("stateDiagram-v2") == len(content.dialogs) >= 2
    assert all(f"title: Dialog {dialog}\n" in run.output for dialog in ("main", "projection"))
    out = tmp_path / "flow.md"
    run = CliRunner().invoke(graph, ["main", "--content", str(ROOT), "--markdown", "-o", str(out)])
    assert run.exit_code == 0, run.output
    text = out.read_text(encoding="utf-8")
    assert text.count("```mermaid\n---\ntitle: Dialogo main") == 1
    assert "Generated by `python -m bot graph main --lang it --markdown" in text


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_pictures_need_graphviz(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"flow.{fmt}"
    run = CliRunner().invoke(graph, ["--content", str(ROOT), "--format", fmt, "-o", str(out)])
    if graphviz_missing():
        assert run.exit_code == 1
        assert f"{fmt.upper()} needs Graphviz: apt-get install graphviz" in run.output
        assert "--format mermaid" in run.output and "Traceback" not in run.output
        return
    assert run.exit_code == 0, run.output
    main = tmp_path / f"flow-main.{fmt}"  # several dialogs: one file each
    data = main.read_bytes()
    assert data.startswith(b"\x89PNG") if fmt == "png" else b"<svg" in data
    assert (tmp_path / f"flow-projection.{fmt}").exists()


def test_the_docs_show_the_main_dialog() -> None:
    text = (ROOT / "docs" / "flow-main.md").read_text(encoding="utf-8")
    assert "python -m bot graph main --lang it --markdown -o docs/flow-main.md" in text
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert "title: Dialogo main" in block and "[*] --> welcome" in block


def test_broken_content_is_reported_not_drawn(mini_copy: Path) -> None:
    main = mini_copy / "dialogs" / "main.yaml"
    main.write_text(main.read_text(encoding="utf-8").replace("go: info", "go: infoo"), "utf-8")
    run = CliRunner().invoke(graph, ["--content", str(mini_copy)])
    assert run.exit_code == 1
    assert "main.yaml:" in run.output and "infoo" in run.output
    assert "Traceback" not in run.output


def test_a_dialog_without_typed_questions_or_other_dialogs(mini_copy: Path) -> None:
    run = CliRunner().invoke(graph, ["main", "--content", str(mini_copy), "--lang", "en"])
    assert run.exit_code == 0, run.output
    nodes, _edges = parse(run.output)
    assert "hello" in nodes and "typed_question" not in nodes
