"""Fuzzing the three file formats: every example loads or gets located one-line errors, fast and small.

The CI-sized run (every commit) draws a few hundred files; the long run (``pytest -m fuzz -s``)
draws 10,000 in-process plus 600 through the CLI and prints its figures. Strategies and the check
are in tests/fuzzing.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzzing import KINDS, Stats, check, check_cli, yaml_bytes
from hypothesis import HealthCheck, given, settings

CI = {"questionnaire": 250, "answers": 250, "brand": 120}
LONG = {"questionnaire": 4000, "answers": 4000, "brand": 2000}
CI_CLI, LONG_CLI = 30, 200
STATS = Stats()
HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
          HealthCheck.function_scoped_fixture]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _in_process(kind: str, n: int, work: Path, stats: Stats) -> None:
    @settings(max_examples=n, deadline=None, suppress_health_check=HEALTH, database=None)
    @given(content=yaml_bytes(kind))
    def run(content: bytes) -> None:
        check(kind, content, work, stats)

    run()


def _through_cli(kind: str, n: int, work: Path) -> None:
    @settings(max_examples=n, deadline=None, suppress_health_check=HEALTH, database=None)
    @given(content=yaml_bytes(kind))
    def run(content: bytes) -> None:
        check_cli(kind, content, work)

    run()


@pytest.mark.parametrize("kind", KINDS)
def test_fuzzed_files_load_or_get_located_lines(kind: str, work: Path) -> None:
    _in_process(kind, CI[kind], work, STATS)


@pytest.mark.parametrize("kind", KINDS)
def test_fuzzed_files_through_the_cli_exit_0_or_2_with_located_lines(kind: str, work: Path) -> None:
    _through_cli(kind, CI_CLI, work)


@pytest.mark.fuzz
def test_long_fuzz_run(work: Path, request: pytest.FixtureRequest) -> None:
    if "fuzz" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("the long fuzz run: pytest -m fuzz -s tests/test_fuzz.py")
    import resource
    import time

    stats = Stats()
    start = time.perf_counter()
    for kind in KINDS:
        _in_process(kind, LONG[kind], work, stats)
        _through_cli(kind, LONG_CLI, work)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nlong fuzz run: {stats.line()}; plus {LONG_CLI * len(KINDS)} through the CLI (exit 0 or 2, "
          f"located lines, no traceback); {time.perf_counter() - start:.0f} s, peak RSS of the run {rss:.0f} MB")
    assert stats.examples >= 10_000
