"""Hostile YAML gets one located line and exit 2, fast: alias bombs, deep nesting, bad tags and values.

Each case starts from a working answers file (tests/data/mini-answers.yaml) or questionnaire
(tests/data/mini.yaml) and changes one thing; ``{path}`` stands for the file's path.
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmcheck.cli import cli
from crmcheck.located import MAX_ALIASED_VALUES, MAX_DEPTH, MAX_FILE_BYTES, load_yaml, parse_yaml

DATA = Path(__file__).parent / "data"
ANSWERS = (DATA / "mini-answers.yaml").read_text(encoding="utf-8")
QUESTIONNAIRE = (DATA / "mini.yaml").read_text(encoding="utf-8")

# 9 aliases of 9 aliases ... 9 levels deep: 387,420,489 strings once expanded (issue 13: 13 GB).
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))


def answers_with(old: str, new: str) -> str:
    assert old in ANSWERS
    return ANSWERS.replace(old, new, 1)


ANSWER_CASES: dict[str, tuple[str | bytes, str]] = {
    "alias-bomb": (ANSWERS + "notes:\n" + "".join("  " + line + "\n" for line in BOMB.splitlines()),
                   f"{{path}}:29:6: notes.e[0][2][0][6][7]: aliases expand to more than {MAX_ALIASED_VALUES:,} "
                   "values; write the repeated values out or use fewer aliases"),
    "recursive-alias": (answers_with("client: Acme Ltd", "client: &x [*x]"),
                        "{path}:1:9: client[0]: recursive alias: an anchor refers to itself; write the value out"),
    "deep-nesting": (answers_with("client: Acme Ltd", "client: " + "[" * 600 + "]" * 600),
                     f"{{path}}:1:73: client{'[0]' * MAX_DEPTH}: nested more than {MAX_DEPTH} levels deep; "
                     "crmcheck files need far fewer"),
    "deeper-than-libyaml-allows": (answers_with("client: Acme Ltd", "client: " + "[" * 1200 + "]" * 1200),
                                   "{path}:1:1008: invalid YAML: nested too deeply; crmcheck files need at most "
                                   "64 levels"),
    "deep-block-nesting": (answers_with("client: Acme Ltd", "client:\n" + "".join(
        "  " * i + f"k{i}:\n" for i in range(1, 80)) + "  " * 80 + "end: 1"),
        "{path}:66:131: client." + ".".join(f"k{i}" for i in range(1, MAX_DEPTH + 1))
        + f": nested more than {MAX_DEPTH} levels deep; crmcheck files need far fewer"),
    "complex-key": (answers_with("client: Acme Ltd", "client: Acme Ltd\n[a, b]: 1"),
                    "{path}:2:1: a key must be a plain word or number, found a list"),
    "timestamp-tag": (answers_with("date: 2026-11-20", "date: !!timestamp nope"),
                      "{path}:3:7: date: not a valid timestamp 'nope': expected a date like 2026-11-20"),
    "bool-tag": (answers_with("client: Acme Ltd", "client: !!bool maybe"),
                 "{path}:1:9: client: not a valid bool 'maybe': expected true or false"),
    "unknown-tag": (answers_with("client: Acme Ltd", "client: !python/name:os.system x"),
                    "{path}:1:9: client: unknown tag '!python/name:os.system'; use plain YAML values without tags"),
    "invalid-date": (answers_with("date: 2026-11-20", "date: 2026-13-45"),
                     "{path}:3:7: date: not a valid timestamp '2026-13-45': month must be in 1..12"),
    "bad-offset": (answers_with("date: 2026-11-20", "date: 2026-11-20 10:00:00+99:00"),
                   "{path}:3:7: date: not a valid timestamp '2026-11-20 10:00:00+99:00': "
                   "the time zone offset must be less than 24 hours"),
    "huge-integer": (answers_with("{id: sales, importance: 5}", "{id: sales, importance: " + "9" * 5000 + "}"),
                     "{path}:7:29: processes[1].importance: not a valid int '9999999999999999999999999999999999999...': "
                     "more than 4300 digits"),
    "control-character": (answers_with("role: Marketing lead", "role: Marketing\x1b[2J lead"),
                          "{path}:19:20: invalid YAML: control character U+001B is not allowed; "
                          "remove it or write it as an escape in double quotes"),
    "not-utf8": (answers_with("Head of Sales", "Head of Sal\u00e9s").encode("utf-8").replace(b"\xc3\xa9", b"\xe9"),
                 "{path}:11:22: not UTF-8 text (byte 0xe9); save the file as UTF-8"),
    "key-with-line-break": (answers_with("client: Acme Ltd", 'client: Acme Ltd\n"x\\ny\\u001b]0;pwned\\u0007": 1'),
                            "{path}:2:29: x\\ny\\x1b]0;pwned\\x07: unknown field 'x\\ny\\x1b]0;pwned\\x07'; check its spelling against the "
                            "format in the README"),
    "nan-target": (ANSWERS + "targets: {index: .nan}\n",
                   "{path}:24:18: targets.index: expected a finite number, got nan"),
    "inf-target": (ANSWERS + "targets: {index: .inf}\n",
                   "{path}:24:18: targets.index: expected a finite number, got inf"),
}


def run(args: list[str]) -> tuple[int, list[str], float]:
    start = time.process_time()
    result = CliRunner().invoke(cli, args, env={"COLUMNS": "100"})
    elapsed = time.process_time() - start
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stderr.splitlines(), elapsed


@pytest.mark.parametrize("name", sorted(ANSWER_CASES), ids=sorted(ANSWER_CASES))
def test_hostile_answers_file_gets_one_located_line(tmp_path: Path, name: str) -> None:
    content, expected = ANSWER_CASES[name]
    path = tmp_path / "answers.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    code, lines, elapsed = run(["score", "-q", str(DATA / "mini.yaml"), str(path)])
    assert (code, lines) == (2, [expected.replace("{path}", str(path))])
    assert elapsed < 1.0


QUESTIONNAIRE_CASES: dict[str, tuple[str, str]] = {
    "infinite-weight": (QUESTIONNAIRE.replace("    weight: 2\n", "    weight: .inf\n", 1),
                        "{path}:18:13: criteria[0].weight: expected a finite number, got inf"),
    "nan-weight": (QUESTIONNAIRE.replace("        weight: 2\n", "        weight: .nan\n", 1),
                   "{path}:36:17: criteria[1].questions[0].weight: expected a finite number, got nan"),
    "overflowing-weight": (QUESTIONNAIRE.replace("    weight: 2\n", "    weight: 1.0e+308\n", 1),
                           "{path}:18:13: criteria[0].weight: expected a number <= 1e+06, got 1e+308"),
}


@pytest.mark.parametrize("name", sorted(QUESTIONNAIRE_CASES), ids=sorted(QUESTIONNAIRE_CASES))
def test_hostile_questionnaire_gets_one_located_line(tmp_path: Path, name: str) -> None:
    content, expected = QUESTIONNAIRE_CASES[name]
    path = tmp_path / "q.yaml"
    path.write_text(content, encoding="utf-8")
    code, lines, _ = run(["questionnaire", "validate", str(path)])
    assert (code, lines) == (2, [expected.replace("{path}", str(path))])


def test_infinite_weight_cannot_pass_as_ready(tmp_path: Path) -> None:
    # Issue 13: `weight: .inf` made the index NaN, the band "Ready" and --fail-under 99 exit 0.
    q = tmp_path / "q.yaml"
    q.write_text(QUESTIONNAIRE.replace("    weight: 2\n", "    weight: .inf\n", 1), encoding="utf-8")
    answers = tmp_path / "a.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    code, lines, _ = run(["score", "-q", str(q), str(answers), "--fail-under", "99"])
    assert code == 2 and lines == [f"{q}:18:13: criteria[0].weight: expected a finite number, got inf"]


def test_alias_bomb_is_refused_in_little_time_and_memory() -> None:
    tracemalloc.start()
    start = time.process_time()  # CPU time: the machine may be busy with other work
    with pytest.raises(ValueError, match="aliases expand to more than"):
        parse_yaml(BOMB, "bomb.yaml")
    elapsed = time.process_time() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 20 * 1024 * 1024


def test_a_few_aliases_still_load() -> None:
    source = parse_yaml("a: &d {label: Ad hoc}\nb: *d\nc: [*d, *d]\n", "ok.yaml")
    assert source.data == {"a": {"label": "Ad hoc"}, "b": {"label": "Ad hoc"}, "c": [{"label": "Ad hoc"}] * 2}
    assert source.where(("b",)) == (2, 1)  # where the alias is written, not the anchor


def test_byte_order_marks_are_read(tmp_path: Path) -> None:
    utf8 = tmp_path / "utf8.yaml"
    utf8.write_bytes(b"\xef\xbb\xbfclient: Acme\n")
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes("client: Acme\n".encode("utf-16"))
    assert load_yaml(utf8).data == load_yaml(utf16).data == {"client": "Acme"}


def test_oversized_and_special_files_are_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ValueError) as exc:
        load_yaml(big)
    assert str(exc.value) == f"{big}:1:1: file is larger than 5 MB; crmcheck files are far smaller (is this the right file?)"
    with pytest.raises(ValueError) as exc:
        load_yaml("/dev/zero")
    assert str(exc.value) == "/dev/zero: not a regular file; expected a YAML file"


@pytest.mark.parametrize(("text", "expected"), [
    ("a: &x 1\nb: &x 2\n", "f.yaml:2:4: invalid YAML: anchor used twice (first on line 1); give each anchor its own name"),
    ("a: *y\n", "f.yaml:1:4: invalid YAML: alias of an anchor that is not defined above it; define it first (&name) or write the value out"),
    ("a: 1\n---\nb: 2\n", "f.yaml:2:1: invalid YAML: a second document starts here (---); a crmcheck file holds one document"),
], ids=["duplicate-anchor", "undefined-alias", "two-documents"])
def test_anchor_and_document_problems_are_one_located_line(text: str, expected: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_yaml(text, "f.yaml")
    assert str(exc.value) == expected


def test_fail_under_nan_is_refused() -> None:
    # click's FloatRange lets nan through, and no index is ever below nan: the check would always pass.
    result = CliRunner().invoke(cli, ["score", "-q", str(DATA / "mini.yaml"), str(DATA / "mini-answers.yaml"),
                                      "--fail-under", "nan"])
    assert result.exit_code == 2
    assert "Invalid value for '--fail-under': expected a number 0-100, got nan" in result.output
