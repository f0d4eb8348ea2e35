"""YAML loading that remembers where every value came from, so errors can say FILE:LINE:COL.

Every crmcheck file format (questionnaire, answers, brand) is read through ``load_yaml`` and
validated through ``validate``; both turn problems into one-line messages of the form
``FILE:LINE:COL: path.inside[2].doc: what was expected, what was found``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass
class Source:
    """A parsed YAML document and the position of every node in it."""

    path: str
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Iterable[str | int]) -> tuple[int, int]:
        """Return (line, column), 1-based, of the deepest known node on ``loc``."""
        parts = tuple(loc)
        while parts:
            if parts in self.positions:
                return self.positions[parts]
            parts = parts[:-1]
        return self.positions.get((), (1, 1))

    def problem(self, loc: Iterable[str | int], message: str) -> str:
        """Format one located problem."""
        loc = tuple(loc)
        line, col = self.where(loc)
        where = format_loc(loc)
        return f"{self.path}:{line}:{col}: {where + ': ' if where else ''}{message}"


def format_loc(loc: Iterable[str | int]) -> str:
    """Render ``('sections', 2, 'weight')`` as ``sections[2].weight``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _Dup(Exception):
    def __init__(self, key: str, mark: yaml.Mark, loc: Loc) -> None:
        self.key, self.mark, self.loc = key, mark, loc


def _walk(node: yaml.Node, loc: Loc, positions: dict[Loc, tuple[int, int]]) -> Any:
    positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if key == "<<":
                raise yaml.YAMLError("YAML merge keys (<<) are not supported")
            if key in out:
                raise _Dup(str(key), key_node.start_mark, (*loc, str(key)))
            out[key] = _walk(value_node, (*loc, str(key)), positions)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, (*loc, i), positions) for i, item in enumerate(node.value)]
    return _scalar(node)


_CONSTRUCTOR = yaml.SafeLoader("")
# libyaml's parser when PyYAML was built with it: ten times faster than the pure-Python one
# (the built-in questionnaire composes in 0.05 s instead of 0.5 s), with the same marks.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _scalar(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return _CONSTRUCTOR.construct_object(node, deep=True)
    # A mapping or list used as a key: construct it plainly, validation will reject it.
    return _CONSTRUCTOR.construct_object(node, deep=True)


def parse_yaml(text: str, path: str) -> Source:
    """Parse YAML text into a ``Source``; syntax errors become a located ``ValueError``."""
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        # libyaml and the pure-Python parser word a few problems differently; say them one way.
        problem = (exc.problem or str(exc)).replace("not allowed in this context", "not allowed here")
        what = problem + " (check the indentation and quoting on this line or the one above)"
        raise ValueError(f"{path}:{line}:{col}: invalid YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}:1:1: invalid YAML: {exc}") from None
    if node is None:
        raise ValueError(f"{path}:1:1: the file is empty; expected a YAML mapping")
    positions: dict[Loc, tuple[int, int]] = {}
    try:
        data = _walk(node, (), positions)
    except _Dup as dup:
        raise ValueError(
            f"{path}:{dup.mark.line + 1}:{dup.mark.column + 1}: {format_loc(dup.loc)}: "
            f"duplicate key '{dup.key}'; each key may appear once"
        ) from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}:1:1: invalid YAML: {exc}") from None
    if not isinstance(data, dict):
        line, col = positions[()]
        raise ValueError(
            f"{path}:{line}:{col}: expected a YAML mapping at the top level, "
            f"found {_kind(data)}"
        )
    return Source(path=path, data=data, positions=positions)


def load_yaml(path: Path | str) -> Source:
    """Read and parse a YAML file; an unreadable file becomes a ``ValueError`` naming it."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{p}: no such file; check the path") from None
    except IsADirectoryError:
        raise ValueError(f"{p}: is a folder; expected a YAML file") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{p}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise ValueError(f"{p}: cannot read: {exc.strerror}") from None
    return parse_yaml(text, str(p))


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return repr(short)
    return repr(value)


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _expected(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    simple = {
        "missing": "required field is missing",
        "int_type": "expected a whole number",
        "int_parsing": "expected a whole number",
        "int_from_float": "expected a whole number",
        "float_type": "expected a number",
        "float_parsing": "expected a number",
        "string_type": "expected text",
        "bool_type": "expected true or false",
        "bool_parsing": "expected true or false",
        "list_type": "expected a list",
        "dict_type": "expected a mapping",
        "model_type": "expected a mapping",
        "model_attributes_type": "expected a mapping",
        "date_type": "expected a date (YYYY-MM-DD)",
        "date_parsing": "expected a date (YYYY-MM-DD)",
        "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
    }
    if kind in simple:
        return simple[kind]
    if kind == "extra_forbidden":
        return "unknown field; check its spelling against the format in the README"
    if kind == "greater_than":
        return f"expected a number > {_num(ctx.get('gt'))}"
    if kind == "greater_than_equal":
        return f"expected a number >= {_num(ctx.get('ge'))}"
    if kind == "less_than_equal":
        return f"expected a number <= {_num(ctx.get('le'))}"
    if kind == "less_than":
        return f"expected a number < {_num(ctx.get('lt'))}"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected')}"
    if kind == "enum":
        return f"expected one of {ctx.get('expected')}"
    if kind == "string_too_short":
        return "expected non-empty text"
    if kind == "string_pattern_mismatch":
        return "expected an id of lower-case letters, digits and dashes (e.g. lead-grading)"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')} item(s)"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    msg = str(err["msg"])
    return msg[0].lower() + msg[1:] if msg else kind


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    # Pydantic adds the names of union members and tagged-union tags to locations; those
    # are not places in the file, so drop anything that is not a key of the document.
    return tuple(p for p in loc if isinstance(p, int) or not str(p).startswith(("function-", "tagged-")))


def validation_problems(source: Source, exc: ValidationError, prefix: Loc = ()) -> list[str]:
    """Turn a pydantic ``ValidationError`` into located one-line messages, one per problem."""
    seen: set[str] = set()
    out: list[str] = []
    for err in exc.errors(include_url=False):
        loc = (*prefix, *_clean_loc(err["loc"]))
        if err["type"] == "missing":
            message = f"required field '{loc[-1]}' is missing"
            loc = loc[:-1]
        elif err["type"] == "extra_forbidden":
            message = f"unknown field '{loc[-1]}'; check its spelling against the format in the README"
        else:
            message = _expected(err)
            if "input" in err and err["type"] not in ("value_error",):
                message += f", got {_kind(err['input'])}"
        line = source.problem(loc, message)
        if line not in seen:
            seen.add(line)
            out.append(line)
    return out


def validate(model: type[M], source: Source, error: type[Exception]) -> M:
    """Validate ``source.data`` as ``model``; raise ``error(problems)`` with every problem."""
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        raise error(validation_problems(source, exc)) from None
