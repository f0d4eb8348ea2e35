"""Write output files whole or not at all: the one way crmcheck replaces a file it produces.

Reports (PDF, HTML, Markdown, JSON) and exported answers files are written to a temporary file
in the target's folder, flushed to disk (fsync) and renamed over the target (``os.replace``), so
a full disk, an error or a kill leaves the old file as it was, or the new one whole.

On Linux the temporary file is anonymous (``O_TMPFILE``): it has no name until its content is
on disk, so even ``kill -9`` mid-write leaves nothing behind. Where the target does not exist
yet it is linked straight to it. Replacing an existing file needs a name for the moment between
``link`` and ``rename`` (two system calls; Linux cannot replace a file by a descriptor), so a
kill -9 landing exactly there leaves one hidden ``.NAME.XXXXXXXX.tmp``. Elsewhere (another OS,
or a filesystem without ``O_TMPFILE``) the temporary file is such a hidden file for the whole
write, removed on any error, so only a kill -9 during the write can leave it. Either way the
next write of the same file removes such leftovers once they are a minute old.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".tmp"


def write_file(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) so no reader ever sees half of it."""
    with replacing(path) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


@contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """Yield a binary file that replaces ``path`` when the block ends cleanly and vanishes otherwise."""
    target = path.expanduser()
    folder = target.parent
    fd, name = _open_temp(folder, target.name)
    _sweep(folder, target.name)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
            if name is None:
                _publish_anonymous(fh.fileno(), target)
            else:
                os.replace(name, target)
                name = None
        _sync_folder(folder)
    finally:
        if name is not None:
            with suppress(OSError):
                os.unlink(name)


def _open_temp(folder: Path, stem: str) -> tuple[int, str | None]:
    """Open an anonymous file in ``folder`` if the system can, else a hidden named one; return (fd, name)."""
    mode = 0o666 & ~_umask()
    flag = getattr(os, "O_TMPFILE", None)
    if flag is not None and Path("/proc/self/fd").is_dir():
        try:
            return os.open(folder, flag | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), mode), None
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOTSUP):
                raise  # no such folder, no permission, a full disk: the same with a named file
    fd, name = tempfile.mkstemp(prefix=f".{stem}.", suffix=TEMP_SUFFIX, dir=folder)
    os.fchmod(fd, mode)  # mkstemp makes it private; a report is shared like any file the user writes
    return fd, name


def _publish_anonymous(fd: int, target: Path) -> None:
    """Give an anonymous file the target's name: directly if it is free, else by a brief name and a rename."""
    source = f"/proc/self/fd/{fd}"
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        # A folder descriptor makes os.link call linkat(AT_SYMLINK_FOLLOW), which links the file the
        # /proc entry stands for (plain link() would try to link the /proc entry itself).
        try:
            os.link(source, target.name, dst_dir_fd=folder, follow_symlinks=True)
            return  # atomic, and there was no file to replace
        except FileExistsError:
            pass
        while True:
            brief = f".{target.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
            try:
                os.link(source, brief, dst_dir_fd=folder, follow_symlinks=True)
                break
            except FileExistsError:
                continue
        try:
            os.replace(brief, target.name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with suppress(OSError):
                os.unlink(brief, dir_fd=folder)
            raise
    finally:
        os.close(folder)


STALE_SECONDS = 60


def _sweep(folder: Path, stem: str) -> None:
    """Remove temporary files a killed run left for this target (a live writer's are seconds old at most)."""
    pattern = re.compile(rf"\.{re.escape(stem)}\.[A-Za-z0-9_]{{8}}{re.escape(TEMP_SUFFIX)}")
    cutoff = time.time() - STALE_SECONDS
    with suppress(OSError):
        for entry in os.scandir(folder):
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                        os.unlink(entry.path)


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the renamed file too, where the system allows it (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def why_not_written(path: Path, exc: OSError) -> str:
    """Return the one line saying why ``path`` could not be written and what to do."""
    folder = path.expanduser().parent
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        kept = "the old file is unchanged" if path.expanduser().exists() else "nothing was written"
        return f"{path}: the disk is full; free some space in {folder} and run it again ({kept})"
    if exc.errno == errno.ENOENT:
        return f"{path}: folder {folder} does not exist; create it or choose another path"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{path}: cannot write in {folder} ({exc.strerror}); choose a folder you can write to"
    if exc.errno == errno.EISDIR:
        return f"{path}: is a folder; give a file name"
    return f"{path}: cannot write the file: {exc.strerror or exc}; check that the folder exists and is writable"
