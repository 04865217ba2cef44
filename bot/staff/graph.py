"""Pictures of the conversation: each dialog's states and moves, drawn for the staff who edit them.

The drawing goes through ``transitions``' own diagram support (``GraphMachine``) so the picture is
made from the same kind of machine the engine runs, not from a second hand-written walker. The
``GraphMachine`` built here is a throwaway used for drawing only: ``bot.content.machines`` keeps
the machines the bot actually runs. Mermaid is pure Python and always works; SVG and PNG need
Graphviz (the ``graphviz`` Python package and its ``dot`` program).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from dataclasses import dataclass, field
from typing import Any, Literal

from transitions import State
from transitions.extensions import GraphMachine

from bot.content.model import Content, Dialog, StateSpec, Target
from bot.content.templates import Renderer, html_to_plain, strip_tags

FORMATS = ("mermaid", "svg", "png")
IMAGE_FORMATS = ("svg", "png")
SNIPPET = 40  # characters of a state's first text: enough to recognise it, short enough to draw
TYPED = "@typed"  # the typed-question box, in ``Diagram.ids``; no state can be called that
# Words mermaid reads as syntax when used as a state id; such states get a trailing "_".
RESERVED = {"state", "note", "end", "direction", "class", "classdef", "style", "click", "as"}

WORDS = {
    "en": {
        "answer": "answer: {slot}",
        "if": "if {condition}",
        "otherwise": "otherwise",
        "next": "next",
        "give_up": "gives up",
        "typed": "💬 typed question",
        "title": "Dialog {dialog}",
        "check": "checks",
        "updates": "✏️ new value: {slots}",
        "which": "✏️ which one?",
    },
    "it": {
        "answer": "risposta: {slot}",
        "if": "se {condition}",
        "otherwise": "altrimenti",
        "next": "poi",
        "give_up": "rinuncia",
        "typed": "💬 domanda scritta",
        "title": "Dialogo {dialog}",
        "check": "controlla",
        "updates": "✏️ valore nuovo: {slots}",
        "which": "✏️ quale?",
    },
}


class UnknownDialog(LookupError):
    """Raised with the names staff can choose from, for a did-you-mean."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = known


def graphviz_missing() -> bool:
    """SVG and PNG need both the Python package and the ``dot`` program."""
    return importlib.util.find_spec("graphviz") is None or shutil.which("dot") is None


def graphviz_hint(fmt: str) -> str:
    return (
        f"{fmt.upper()} needs Graphviz: apt-get install graphviz && pip install graphviz; "
        "use --format mermaid meanwhile"
    )


# -- labels ----------------------------------------------------------------------------------

_BLOCK = re.compile(r"{%-?.*?-?%}", re.S)
_EXPR = re.compile(r"{{-?(.*?)-?}}", re.S)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


class _Blank:
    """A value the prospect has not given yet: shows its name and counts as empty, so a text
    renders the way most prospects first see it (``{% if first_name %}`` drops out)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __str__(self) -> str:
        return f"‹{self._name}›"

    def __bool__(self) -> bool:
        return False

    def __getattr__(self, name: str) -> _Blank:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Blank(name)

    def __iter__(self) -> Any:
        return iter(())

    def __contains__(self, item: object) -> bool:
        return False


def _short_expression(match: re.Match[str]) -> str:
    """``{{ projection.current|number }}`` → ``‹current›``: which value goes there, no syntax."""
    expression = match.group(1).split("|", 1)[0]
    name = _IDENT.search(expression)
    return f"‹{name.group(0).rsplit('.', 1)[-1]}›" if name else "…"


def _rendered(template: str, lang: str, renderer: Renderer) -> str:
    """The text with blanks for its values; the raw template, shortened, if that fails."""
    try:
        names = renderer.variables_of(template)
        rendered = renderer.render(template, {n: _Blank(n) for n in names}, lang)
        if rendered.strip() or not template.strip():
            return rendered
    except Exception:  # a picture must not fail on one odd text; fall back to the source
        pass
    return _EXPR.sub(_short_expression, _BLOCK.sub("", template))


def snippet(
    template: str, lang: str = "en", limit: int = SNIPPET, renderer: Renderer | None = None
) -> str:
    """The start of a locale text as staff would recognise it: no tags, no template syntax."""
    text = _rendered(template, lang, renderer or Renderer(strict=False))
    text = html_to_plain(text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def safe_label(text: str) -> str:
    """Characters that mermaid or dot would read as syntax are swapped for look-alikes."""
    for old, new in (
        ('"', "'"),
        (";", ","),
        ("#", "n."),
        ("{", "("),
        ("}", ")"),
        ("<", "‹"),
        (">", "›"),
        ("\\", "/"),
        ("%%", "%"),
        ("\n", " "),
    ):
        text = text.replace(old, new)
    return text.strip()


# -- the diagram as plain data --------------------------------------------------------------


@dataclass
class Diagram:
    """One dialog ready to draw: ``transitions`` state and transition definitions with labels."""

    dialog: str
    lang: str
    title: str
    initial: str
    states: list[dict[str, str]] = field(default_factory=list)
    transitions: list[dict[str, str]] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # dialog state or "dialog.state" -> id


class _Builder:
    """Turns one ``Dialog`` into a ``Diagram`` in one language."""

    def __init__(self, content: Content, dialog: Dialog, lang: str) -> None:
        self.content = content
        self.dialog = dialog
        self.lang = lang
        self.words = WORDS.get(lang, WORDS["en"])
        self.renderer = Renderer(strict=False, languages=content.languages)
        self.diagram = Diagram(
            dialog=dialog.id,
            lang=lang,
            title=self.words["title"].format(dialog=dialog.id),
            initial="",
        )
        self.taken: set[str] = set()

    def build(self) -> Diagram:
        for spec in self.dialog.states.values():
            self._node(spec.name, self._state_label(spec))
        for spec in self.dialog.states.values():
            self._moves(spec)
        self._intents()
        self.diagram.initial = self._id(self.dialog.start)
        return self.diagram

    # nodes

    def _node(self, ref: str, label: str, wanted: str | None = None) -> str:
        """A box; its id is safe for mermaid (no dots or spaces) and unique."""
        base = wanted or re.sub(r"[^A-Za-z0-9_]", "_", ref.replace(".", "__"))
        if base.lower() in RESERVED:
            base += "_"
        name, n = base, 2
        while name in self.taken:
            name, n = f"{base}_{n}", n + 1
        self.taken.add(name)
        self.diagram.ids[ref] = name
        self.diagram.states.append({"name": name, "label": safe_label(label)})
        return name

    def _id(self, target: Target) -> str:
        if target.move is not None:  # "back" / "resume": a place in the prospect's conversation
            ref = f"@{target.move}"
            if ref not in self.diagram.ids:
                self._node(ref, ("⬅ " if target.move == "back" else "↩ ") + target.move)
            return self.diagram.ids[ref]
        other, state = target.resolve(self.dialog.id)
        ref = state if other == self.dialog.id else f"{other}.{state}"
        if ref in self.diagram.ids:
            return self.diagram.ids[ref]
        spec = self.content.state(other, state)
        text = self._first_text(spec) if spec is not None else None
        label = f"→ {other}.{state}" + (f" · {text}" if text else "")
        return self._node(ref, label)

    def _text(self, key: str) -> str:
        texts = self.content.texts.get(self.lang, {})
        entry = texts.get(key)
        return entry.source if entry is not None else key

    def _first_text(self, spec: StateSpec) -> str | None:
        if not spec.say:
            return None
        return snippet(self._text(spec.say[0].key), self.lang, renderer=self.renderer)

    def _state_label(self, spec: StateSpec) -> str:
        text = self._first_text(spec)
        if text is None and spec.do:
            text = "⚙ " + ", ".join(name for name, _pos in spec.do)
        if text is None:
            text = "⑂ " + self.words["check"]
        return f"{spec.name} · {text}"

    def _button(self, key: str) -> str:
        """A button as the prospect sees it (the engine renders labels the same way)."""
        return strip_tags(self.renderer.render(self._text(key), {}, self.lang)) or key

    # edges

    def _edge(self, trigger: str, source: str, target: Target, label: str) -> None:
        self.diagram.transitions.append(
            {
                "trigger": trigger,
                "source": self.diagram.ids[source],
                "dest": self._id(target),
                "label": safe_label(label),
            }
        )

    def _moves(self, spec: StateSpec) -> None:
        w = self.words
        for i, button in enumerate(spec.buttons):
            self._edge(f"press_{i}", spec.name, button.go, self._button(button.text.key))
        answer = w["answer"].format(slot=spec.ask.slot) if spec.ask is not None else None
        if spec.next is not None:
            self._edge("advance", spec.name, spec.next, answer or w["next"])
        for branch in spec.when:
            condition = (
                w["if"].format(condition=branch.condition)
                if branch.condition is not None
                else w["otherwise"]
            )
            self._edge(
                "advance", spec.name, branch.go, f"{answer}, {condition}" if answer else condition
            )
        give_up = spec.on_give_up
        main = self.content.dialogs.get(self.content.main)
        if give_up is None and spec.ask is not None and main is not None:
            # no `on_give_up`: the main dialog's `give_up:` state (else its menu)
            fallback = main.give_up or main.menu
            if fallback is not None:
                other, state = fallback.resolve(main.id)
                ref = state if other == self.dialog.id else f"{other}.{state}"
                give_up = Target(ref, fallback.pos)
        if give_up is not None:
            self._edge("give_up", spec.name, give_up, w["give_up"])
        if spec.updates is not None:  # a new value typed at a result (``updates:``)
            slots = ", ".join(spec.updates.slots)
            self._edge("update", spec.name, spec.updates.then, w["updates"].format(slots=slots))
            if spec.updates.which is not None:
                self._edge("update_which", spec.name, spec.updates.which, w["which"])

    def _intents(self) -> None:
        """Typed questions, from one pseudo-state to the states that answer them: all of them in
        the main dialog (where prospects type), the ones answered here in any other."""
        intents = getattr(self.content.intents, "intents", None) or {}
        main = self.dialog.id == self.content.main
        answers: list[tuple[str, Target]] = []
        for intent_id, intent in intents.items():
            dialog, _, state = str(getattr(intent, "answer", "")).partition(".")
            if not state:  # as the engine reads it: a bare name is a state of the main dialog
                dialog, state = self.content.main, dialog
            if self.content.state(dialog, state) is None:
                continue
            if main or dialog == self.dialog.id:
                ref = state if dialog == self.dialog.id else f"{dialog}.{state}"
                answers.append((intent_id, Target(ref, self.dialog.pos)))
        if not answers:
            return
        typed = self._node(TYPED, self.words["typed"], wanted="typed_question")
        for intent_id, target in answers:
            self.diagram.transitions.append(
                {
                    "trigger": f"intent_{intent_id}",
                    "source": typed,
                    "dest": self._id(target),
                    "label": safe_label(intent_id),
                }
            )


def describe(content: Content, dialog: str, lang: str) -> Diagram:
    """The diagram of one dialog in one language; raises ``UnknownDialog`` for a typo."""
    found = content.dialogs.get(dialog)
    if found is None:
        raise UnknownDialog(dialog, sorted(content.dialogs))
    return _Builder(content, found, lang).build()


# -- drawing through transitions --------------------------------------------------------------


class _LabelledState(State):
    """transitions' diagrams read a state's ``label``, but the core ``State`` does not take one
    (pytransitions issue #452): this one does."""

    def __init__(self, *args: Any, label: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label = label


class _DrawingMachine(GraphMachine):
    state_cls = _LabelledState


class _Model:
    """The one model a ``GraphMachine`` needs before it can draw (``model=None`` cannot)."""


def _graph(diagram: Diagram, engine: Literal["mermaid", "graphviz"], title: str) -> Any:
    model = _Model()
    machine = _DrawingMachine(
        model=model,
        states=diagram.states,
        transitions=diagram.transitions,
        initial=diagram.initial,
        auto_transitions=False,
        graph_engine=engine,
        title=title,
    )
    # the throwaway model sits on the first state; a diagram for staff highlights nothing
    machine.model_graphs[id(model)].reset_styling()
    return model.get_graph(title=title)  # type: ignore[attr-defined]


def to_mermaid(diagram: Diagram) -> str:
    """``stateDiagram-v2`` text; GitHub and most Markdown viewers draw it."""
    # mermaid reads the title from YAML front matter, which transitions writes as given
    source: str = _graph(diagram, "mermaid", f"title: {diagram.title}").draw(None)
    return source.rstrip() + "\n"


def to_image(diagram: Diagram, fmt: str) -> bytes:
    """SVG or PNG bytes through Graphviz; check ``graphviz_missing()`` first."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}")
    graph = _graph(diagram, "graphviz", diagram.title)
    data: bytes = graph.draw(None, format=fmt)
    return data


def dialog_ids(content: Content) -> list[str]:
    """Dialogs in a stable order: the main one first, as staff read them."""
    rest = sorted(d for d in content.dialogs if d != content.main)
    return ([content.main] if content.main in content.dialogs else []) + rest
