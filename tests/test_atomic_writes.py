"""Reports and exported answers replace their file whole or not at all (issue 13, item 9).

A write that fails part-way — a full disk, a file-size limit, an error — must leave the old file
exactly as it was and no temporary file beside it.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from crmcheck import atomic
from crmcheck.atomic import replacing, why_not_written, write_file

DATA = Path(__file__).parent / "data"
MINI = ["--answers", str(DATA / "mini-answers.yaml"), "-q", str(DATA / "mini.yaml")]
OLD = "the previous report, which must survive\n"


def _limited(max_bytes: int) -> None:
    """Let the child write files of at most ``max_bytes``: a disk that fills up mid-write."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so the write fails (EFBIG) instead of killing the child
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))


def crmcheck(*args: str, max_bytes: int, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run crmcheck in a child process whose file writes stop at ``max_bytes``."""
    full = {**os.environ, "NO_COLOR": "1", "XDG_CONFIG_HOME": "/nonexistent-crmcheck-test", **(env or {})}
    return subprocess.run([sys.executable, "-m", "crmcheck", *args], capture_output=True, text=True, env=full,
                          preexec_fn=lambda: _limited(max_bytes), timeout=120)


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_a_report_that_cannot_be_written_whole_leaves_the_old_one(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    out.write_text(OLD, encoding="utf-8")
    result = crmcheck("report", *MINI, "-o", str(out), max_bytes=2_000)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().endswith("check that the folder exists and is writable"), result.stderr
    assert out.read_text(encoding="utf-8") == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_answers_export_on_a_full_disk_keeps_the_old_file_and_says_so(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from crmcheck.cli import cli

    env = {"CRMCHECK_DB": str(tmp_path / "store.db"), "NO_COLOR": "1"}
    imported = CliRunner().invoke(cli, ["answers", "import", str(DATA / "mini-answers.yaml"), "-q",
                                        str(DATA / "mini.yaml")], env=env)
    assert imported.exit_code == 0, imported.output
    out = tmp_path / "out" / "acme.yaml"
    out.parent.mkdir()
    out.write_text(OLD, encoding="utf-8")

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)  # the disk fills up as the new file takes its place
    result = CliRunner().invoke(cli, ["answers", "export", "acme/2026-Q4", "-o", str(out)], env=env)
    assert result.exit_code == 2, result.output
    assert result.output == (f"Error: {out}: the disk is full; free some space in {out.parent} and run it again "
                             "(the old file is unchanged)\n")
    assert out.read_text(encoding="utf-8") == OLD
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]


def test_a_full_disk_says_so_and_what_to_do(tmp_path: Path) -> None:
    message = why_not_written(tmp_path / "r.pdf", OSError(errno.ENOSPC, "No space left on device"))
    assert message == (f"{tmp_path / 'r.pdf'}: the disk is full; free some space in {tmp_path} and run it again "
                       "(nothing was written)")


def test_an_error_while_writing_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    out.write_text(OLD, encoding="utf-8")
    with pytest.raises(RuntimeError), replacing(out) as fh:
        fh.write(b"half of the new")
        raise RuntimeError("interrupted")
    assert out.read_text(encoding="utf-8") == OLD
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


@pytest.mark.parametrize("anonymous", [True, False], ids=["o_tmpfile", "named-temp"])
def test_the_new_file_replaces_the_old_one_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  anonymous: bool) -> None:
    if not anonymous:
        monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    out = tmp_path / "r.json"
    write_file(out, "first")
    write_file(out, "second, longer")
    assert out.read_text(encoding="utf-8") == "second, longer"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def test_the_named_temp_file_goes_when_the_write_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    with pytest.raises(OSError), replacing(tmp_path / "r.md") as fh:
        fh.write(b"x")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="Linux only")
def test_while_the_file_is_written_it_has_no_name(tmp_path: Path) -> None:
    with replacing(tmp_path / "r.pdf") as fh:
        fh.write(b"%PDF-")
        assert list(tmp_path.iterdir()) == []  # a kill -9 now leaves nothing behind
    assert (tmp_path / "r.pdf").read_bytes() == b"%PDF-"
    assert atomic.TEMP_SUFFIX == ".tmp"


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_a_temporary_file_left_by_a_killed_run_goes_with_the_next_write(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    out.write_bytes(b"old")
    left = tmp_path / ".r.pdf.1a2b3c4d.tmp"  # what a kill -9 between link and rename leaves
    left.write_bytes(b"new")
    fresh = tmp_path / ".r.pdf.5e6f7a8b.tmp"  # another writer's, a moment old: not touched
    fresh.write_bytes(b"")
    other = tmp_path / ".other.pdf.1a2b3c4d.tmp"
    other.write_bytes(b"")
    old = os.stat(left).st_mtime - atomic.STALE_SECONDS - 1
    os.utime(left, (old, old))
    os.utime(other, (old, old))
    write_file(out, "newer")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.pdf.1a2b3c4d.tmp", ".r.pdf.5e6f7a8b.tmp", "r.pdf"]
