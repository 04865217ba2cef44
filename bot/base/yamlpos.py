"""Reading YAML that staff wrote, keeping the line and column of every key and value.

ruamel.yaml's round-trip loader records positions (``.lc``) and rejects duplicate keys; it never
constructs Python objects from tags, so a file in ``dialogs/`` cannot run code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from bot.base.problems import Pos, Problems, relpath


class Source:
    """One YAML file: its parsed data and how to point at any place in it."""

    def __init__(self, path: Path, data: Any, name: str | None = None) -> None:
        self.path = path
        self.name = name or relpath(path)
        self.data = data

    def top(self) -> Pos:
        return Pos(self.name, 1, 1)

    def at(self, node: Any) -> Pos:
        """Where a mapping or list starts."""
        lc = getattr(node, "lc", None)
        if lc is not None and lc.line is not None:
            return Pos(self.name, lc.line + 1, lc.col + 1)
        return self.top()

    def at_key(self, mapping: Any, key: Any) -> Pos:
        try:
            line, col = mapping.lc.key(key)
            return Pos(self.name, line + 1, col + 1)
        except (AttributeError, KeyError, TypeError):
            return self.at(mapping)

    def at_value(self, mapping: Any, key: Any) -> Pos:
        try:
            line, col = mapping.lc.value(key)
            return Pos(self.name, line + 1, col + 1)
        except (AttributeError, KeyError, TypeError):
            return self.at_key(mapping, key)

    def at_item(self, seq: Any, index: int) -> Pos:
        try:
            line, col = seq.lc.item(index)
            return Pos(self.name, line + 1, col + 1)
        except (AttributeError, KeyError, TypeError, IndexError):
            return self.at(seq)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def _describe(err: MarkedYAMLError) -> str:
    if isinstance(err, DuplicateKeyError):
        return "this key appears twice in the same block; YAML keeps only one of them"
    problem = (err.problem or err.context or "the file is not valid YAML").strip()
    return f"YAML syntax: {problem}"


def _hint(err: MarkedYAMLError) -> str | None:
    problem = (err.problem or "").lower()
    if isinstance(err, DuplicateKeyError):
        return "rename or remove one of the two"
    if "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return (
            "a text containing ': ' must be put in quotes; otherwise check that this line is "
            "indented like the one above it"
        )
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return "check the indentation of this line and the one above it"
    if "found character '@'" in problem or "found character '`'" in problem:
        return "put the text in quotes"
    return None


def load_yaml(path: Path, problems: Problems, name: str | None = None) -> Source | None:
    """Parse one file; on any error record a located problem, note the file in
    ``problems.unreadable`` and return None (no traceback)."""
    label = name or relpath(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        problems.add(
            Pos(label, 1, 1),
            f"the file is not UTF-8 text ({err.reason})",
            "save it again as UTF-8 in your editor",
        )
        source = None
    except OSError as err:
        problems.add(Pos(label, 1, 1), f"cannot read the file: {err.strerror}")
        source = None
    else:
        source = parse_yaml(text, label, problems, path)
    if source is None:
        problems.unreadable.append(label)
    return source


def parse_yaml(
    text: str, label: str, problems: Problems, path: Path | None = None
) -> Source | None:
    if "\t" in text:
        for lineno, line in enumerate(text.splitlines(), 1):
            indent = line[: len(line) - len(line.lstrip())]
            if "\t" in indent:
                problems.add(
                    Pos(label, lineno, indent.index("\t") + 1),
                    "this line is indented with a tab",
                    "indent with spaces, not tabs",
                )
                return None
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Pos(label, int(mark.line) + 1, int(mark.column) + 1) if mark else Pos(label)
        problems.add(where, _describe(err), _hint(err))
        return None
    except YAMLError as err:
        problems.add(Pos(label, 1, 1), f"YAML error: {err}")
        return None
    except RecursionError:
        problems.add(Pos(label, 1, 1), "the file is nested too deeply to read")
        return None
    return Source(path or Path(label), data, label)


def is_mapping(value: Any) -> bool:
    return isinstance(value, (CommentedMap, dict))


def is_list(value: Any) -> bool:
    return isinstance(value, (CommentedSeq, list))


def plain(value: Any) -> Any:
    """Turn ruamel's containers into plain dicts, lists and scalars (for templates and JSON)."""
    if is_mapping(value):
        return {str(k): plain(v) for k, v in value.items()}
    if is_list(value):
        return [plain(v) for v in value]
    if isinstance(value, TaggedScalar):
        return str(value.value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)
