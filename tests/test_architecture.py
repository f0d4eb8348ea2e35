"""The core is a library: it never imports the presentation or prompt libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "crmcheck.questionnaire", "crmcheck.answers", "crmcheck.scoring", "crmcheck.plan",
    "crmcheck.assess", "crmcheck.serialize", "crmcheck.located", "crmcheck.resources",
]
FORBIDDEN_IN_CORE = ["click", "rich", "questionary", "prompt_toolkit", "weasyprint", "pypdf"]
HEAVY = ["pydantic", "questionary", "sqlalchemy", "weasyprint", "pypdf", "rich", "yaml", "jinja2", "pygal",
         "matplotlib"]


def _loaded_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in out.stdout.split()}


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_presentation(module: str) -> None:
    loaded = _loaded_after(f"import {module}")
    assert not loaded & set(FORBIDDEN_IN_CORE), sorted(loaded & set(FORBIDDEN_IN_CORE))


def test_help_loads_no_heavy_library() -> None:
    code = (
        "from crmcheck.cli import cli\n"
        "try:\n    cli.main(['--help'], prog_name='crmcheck')\nexcept SystemExit:\n    pass"
    )
    loaded = _loaded_after(code)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
