"""A PostgreSQL server for the tests: an existing one named by CRMCHECK_TEST_PG, or a throwaway one.

The store runs on SQLite and on PostgreSQL, so the store tests run on both. With
``CRMCHECK_TEST_PG=postgresql://user:password@127.0.0.1:5432/postgres`` they use that server (the
user must be allowed to create databases). Otherwise, when the machine has PostgreSQL's server
programs (Debian: ``apt-get install postgresql``; ``.ci/run`` installs them), a cluster is created
in a temporary folder and started on a free loopback port for the test session, then removed.
Each test gets a database of its own. Where neither is possible the PostgreSQL cases are skipped,
and the reason is printed in pytest's summary.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ENV = "CRMCHECK_TEST_PG"
USER = "crmcheck"
PASSWORD = "s3cret-Pw-9f2"  # the tests check this string never appears in any output


@dataclass
class Server:
    """A reachable server: an admin URL and how to make and drop databases on it."""

    admin_url: str  # postgresql://user:password@host:port/postgres
    password: str
    _proc_dir: Path | None = None

    def url(self, database: str) -> str:
        """Return the URL of ``database`` on this server."""
        base, _, _ = self.admin_url.rpartition("/")
        return f"{base}/{database}"

    def create_database(self) -> str:
        """Create an empty database and return its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by ``create_database`` (closing whatever still uses it)."""
        name = url.rpartition("/")[2]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as con:
            con.execute(sql)  # type: ignore[arg-type]

    def stop(self) -> None:
        """Stop and remove a server this module started (an existing one is left alone)."""
        if self._proc_dir is None:
            return
        data = self._proc_dir / "data"
        _as_owner(self._proc_dir, [_binary("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                  check=False)
        shutil.rmtree(self._proc_dir, ignore_errors=True)


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise FileNotFoundError(name)
    return candidates[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(folder: Path, cmd: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
    # PostgreSQL refuses to run as root: run its programs as the folder's owner (postgres).
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=check, capture_output=True, text=True, cwd=folder, timeout=120)


def start() -> Server:
    """Return a server to test against, starting one if needed; raise RuntimeError saying why not."""
    existing = os.environ.get(ENV)
    if existing:
        from sqlalchemy.engine import make_url

        url = make_url(existing)
        return Server(existing, url.password or "")
    try:
        initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    except FileNotFoundError:
        raise RuntimeError(f"no PostgreSQL server programs (initdb, pg_ctl) on this machine and {ENV} is not set; "
                           "install them (Debian: apt-get install postgresql) or point "
                           f"{ENV} at a server") from None
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        raise RuntimeError("running as root without runuser: cannot start PostgreSQL as another user")
    folder = Path(tempfile.mkdtemp(prefix="crmcheck-pg-"))
    data, pwfile = folder / "data", folder / "pw"
    pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(pwfile, "postgres", "postgres")
    port = _free_port()
    try:
        _as_owner(folder, [initdb, "-D", str(data), "-U", USER, "--pwfile", str(pwfile), "--auth=scram-sha-256",
                           "-E", "UTF8", "--locale=C", "--no-sync"])
        conf = (f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{folder}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n")
        with open(data / "postgresql.conf", "a", encoding="utf-8") as f:
            f.write(conf)
        _as_owner(folder, [pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60", "start"])
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"could not start a PostgreSQL server: {detail.strip().splitlines()[-1:]}") from None
    server = Server(f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{port}/postgres", PASSWORD, folder)
    _wait(server)
    return server


def _wait(server: Server) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            psycopg.connect(server.admin_url).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
