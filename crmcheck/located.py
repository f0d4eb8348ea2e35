"""YAML loading that remembers where every value came from, so errors can say FILE:LINE:COL.

Every crmcheck file format (questionnaire, answers, brand) is read through ``load_yaml`` and
validated through ``validate``; both turn problems into one-line messages of the form
``FILE:LINE:COL: path.inside[2].doc: what was expected, what was found``.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from crmcheck.textsafe import terminal_text

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
        return terminal_text(f"{self.path}:{line}:{col}: {where + ': ' if where else ''}{message}")


def format_loc(loc: Iterable[str | int]) -> str:
    """Render ``('sections', 2, 'weight')`` as ``sections[2].weight``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# Input limits: a file within them loads in well under a second and 200 MB; past them it gets one
# located line saying which limit it passed. Documented in the README ("Errors and limits").
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIASED_VALUES = 10_000

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_YAML + t for t in ("null", "bool", "int", "float", "str", "timestamp")}
_COLLECTION_TAGS = {_YAML + "map", _YAML + "seq"}


class _Located(Exception):
    """A problem at a node of the document, raised out of the walk and formatted by ``parse_yaml``."""

    def __init__(self, mark: yaml.Mark, loc: Loc, message: str) -> None:
        self.mark, self.loc, self.message = mark, loc, message


@dataclass
class _Walk:
    """Turn a composed YAML node graph into plain data, bounded in depth and alias expansion.

    Aliases are allowed (authors repeat descriptors with them), but what they copy is counted:
    a document whose aliases expand to more than ``MAX_ALIASED_VALUES`` values is refused at the
    alias that passes the limit, so a few hundred bytes cannot grow into gigabytes (a "billion
    laughs" alias bomb). An alias inside its own anchor (``&x [*x]``) is refused too.
    """

    positions: dict[Loc, tuple[int, int]]
    constructor: yaml.constructor.SafeConstructor
    seen: set[int] = field(default_factory=set)
    open: set[int] = field(default_factory=set)
    aliased: int = 0

    def value(self, node: yaml.Node, loc: Loc, mark: yaml.Mark, copied: bool = False) -> Any:
        """Return the plain value of ``node``; ``mark`` is where it is written, ``copied``: inside an alias."""
        if id(node) in self.open:
            raise _Located(mark, loc, "recursive alias: an anchor refers to itself; write the value out")
        if id(node) in self.seen:
            copied = True
        if copied:
            self.aliased += 1
            if self.aliased > MAX_ALIASED_VALUES:
                raise _Located(mark, loc, f"aliases expand to more than {MAX_ALIASED_VALUES:,} values; "
                               "write the repeated values out or use fewer aliases")
        self.seen.add(id(node))
        if len(loc) > MAX_DEPTH:
            raise _Located(mark, loc, f"nested more than {MAX_DEPTH} levels deep; crmcheck files need far fewer")
        self.positions.setdefault(loc, (mark.line + 1, mark.column + 1))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, loc, mark)
        if node.tag not in _COLLECTION_TAGS:
            raise _Located(mark, loc, f"unknown tag '{_short_tag(node.tag)}'; use plain YAML values without tags")
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, loc, copied)
            return [self.value(item, (*loc, i), self.written(item, mark, copied), copied)
                    for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def written(self, node: yaml.Node, fallback: yaml.Mark, copied: bool) -> yaml.Mark:
        """Return where ``node`` is written: its own mark, or ``fallback`` where an alias stands for it."""
        return fallback if copied or id(node) in self.seen else node.start_mark

    def mapping(self, node: yaml.MappingNode, loc: Loc, copied: bool) -> dict[Any, Any]:
        """Return a mapping's plain dict; keys must be plain scalars, each used once."""
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Located(key_node.start_mark, loc, "a key must be a plain word or number, "
                               f"found a {'list' if isinstance(key_node, yaml.SequenceNode) else 'mapping'}")
            if key_node.tag == _YAML + "merge":
                raise _Located(key_node.start_mark, loc, "YAML merge keys (<<) are not supported; "
                               "write the keys out")
            key = self.scalar(key_node, loc, key_node.start_mark)
            where = (*loc, str(key))
            if key in out:
                raise _Located(key_node.start_mark, where, f"duplicate key '{key}'; each key may appear once")
            out[key] = self.value(value_node, where, self.written(value_node, key_node.start_mark, copied), copied)
        return out

    def scalar(self, node: yaml.ScalarNode, loc: Loc, mark: yaml.Mark) -> Any:
        """Construct one scalar; a bad tag or value (date, huge number) is a located problem."""
        if node.tag not in _SCALAR_TAGS:
            raise _Located(mark, loc, f"unknown tag '{_short_tag(node.tag)}'; use plain YAML values without tags")
        try:
            return self.constructor.construct_object(node)
        except Exception as exc:  # PyYAML raises anything from ValueError to KeyError here
            kind = node.tag.removeprefix(_YAML)
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if kind == "int" and "digits" in reason:
                reason = "more than 4300 digits"
            elif kind == "timestamp" and "offset" in reason:
                reason = "the time zone offset must be less than 24 hours"
            elif kind in ("bool", "timestamp") and isinstance(exc, (KeyError, AttributeError)):
                reason = {"bool": "expected true or false", "timestamp": "expected a date like 2026-11-20"}[kind]
            return _raise(mark, loc, f"not a valid {kind} {_kind(node.value)}: {reason}")
        finally:
            self.constructor.constructed_objects.clear()


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_YAML) if tag.startswith(_YAML) else tag


def _raise(mark: yaml.Mark, loc: Loc, message: str) -> Any:
    raise _Located(mark, loc, message)


# libyaml's parser when PyYAML was built with it: ten times faster than the pure-Python one
# (the built-in questionnaire composes in 0.05 s instead of 0.5 s), with the same marks.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _line_col(text: str, index: int) -> tuple[int, int]:
    """Return the 1-based line and column of character ``index`` in ``text``."""
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def parse_yaml(text: str, path: str) -> Source:
    """Parse YAML text into a ``Source``; every problem becomes one located ``ValueError`` line."""
    try:
        return _parse(text, path)
    except ValueError as exc:
        # Keys and values quoted in a message may hold line breaks or escapes: keep it one safe line.
        raise ValueError(terminal_text(str(exc))) from None


def _parse(text: str, path: str) -> Source:
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write first
    if len(text) > MAX_FILE_BYTES:
        raise ValueError(f"{path}:1:1: file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
                         "crmcheck files are far smaller (is this the right file?)")
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or str(exc).splitlines()[0]
        if "maximum nesting depth" in problem:
            raise ValueError(f"{path}:{line}:{col}: invalid YAML: nested too deeply; crmcheck files need "
                             f"at most {MAX_DEPTH} levels") from None
        if problem == "second occurrence" and exc.context_mark is not None:
            raise ValueError(f"{path}:{line}:{col}: invalid YAML: anchor used twice (first on line "
                             f"{exc.context_mark.line + 1}); give each anchor its own name") from None
        if problem == "but found another document":
            raise ValueError(f"{path}:{line}:{col}: invalid YAML: a second document starts here (---); "
                             "a crmcheck file holds one document") from None
        if problem == "found undefined alias":
            raise ValueError(f"{path}:{line}:{col}: invalid YAML: alias of an anchor that is not defined above it; "
                             "define it first (&name) or write the value out") from None
        # libyaml and the pure-Python parser word a few problems differently; say them one way.
        problem = problem.replace("not allowed in this context", "not allowed here")
        what = problem + " (check the indentation and quoting on this line or the one above)"
        raise ValueError(f"{path}:{line}:{col}: invalid YAML: {what}") from None
    except yaml.reader.ReaderError as exc:
        # libyaml counts the position in UTF-8 bytes, the pure-Python reader in characters.
        index = exc.position
        if _COMPOSER is not yaml.SafeLoader:
            index = len(text.encode("utf-8", "surrogatepass")[: exc.position].decode("utf-8", "replace"))
        line, col = _line_col(text, index)
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        raise ValueError(f"{path}:{line}:{col}: invalid YAML: control character U+{code:04X} is not allowed; "
                         "remove it or write it as an escape in double quotes") from None
    except (yaml.YAMLError, UnicodeError, RecursionError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"{path}:1:1: invalid YAML: {first}") from None
    if node is None:
        raise ValueError(f"{path}:1:1: the file is empty; expected a YAML mapping")
    positions: dict[Loc, tuple[int, int]] = {}
    walk = _Walk(positions, yaml.SafeLoader(""))
    try:
        data = walk.value(node, (), node.start_mark)
    except _Located as bad:
        where = format_loc(bad.loc)
        raise ValueError(f"{path}:{bad.mark.line + 1}:{bad.mark.column + 1}: "
                         f"{where + ': ' if where else ''}{bad.message}") from None
    if not isinstance(data, dict):
        line, col = positions[()]
        raise ValueError(
            f"{path}:{line}:{col}: expected a YAML mapping at the top level, "
            f"found {_kind(data)}"
        )
    return Source(path=path, data=data, positions=positions)


def _decode(data: bytes, path: Path) -> str:
    """Decode a file's bytes as UTF-8 (UTF-16 with a byte-order mark too); say where it is not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}:1:1: not valid UTF-16 text (byte {exc.start}); save it as UTF-8") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", "replace")
        line, col = _line_col(before, len(before))
        raise ValueError(f"{path}:{line}:{col}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                         "save the file as UTF-8") from None


def load_yaml(path: Path | str) -> Source:
    """Read and parse a YAML file; an unreadable, oversized or undecodable file becomes a ``ValueError``."""
    p = Path(path)
    try:
        info = p.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{p}: not a regular file; expected a YAML file")
        if info.st_size > MAX_FILE_BYTES:
            raise ValueError(f"{p}:1:1: file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
                             "crmcheck files are far smaller (is this the right file?)")
        with p.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)  # the file may grow between stat and read
    except FileNotFoundError:
        raise ValueError(f"{p}: no such file; check the path") from None
    except IsADirectoryError:
        raise ValueError(f"{p}: is a folder; expected a YAML file") from None
    except OSError as exc:
        raise ValueError(f"{p}: cannot read: {exc.strerror}") from None
    try:
        text = _decode(data, p)
    except ValueError as exc:
        raise ValueError(terminal_text(str(exc))) from None
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
        "finite_number": "expected a finite number",
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
