"""Where the packaged questionnaires and report templates live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    # In a wheel the folders are force-included under crmcheck/_data; in a checkout
    # (editable install or tests) they sit beside the package.
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def questionnaires_dir() -> Path:
    """Return the folder of built-in questionnaires."""
    return _data_dir("questionnaires")


def templates_dir() -> Path:
    """Return the folder of built-in report templates, stylesheet, fonts and images."""
    return _data_dir("report_templates")


def builtin_questionnaires() -> list[Path]:
    """Return every built-in questionnaire file, sorted by name."""
    return sorted(questionnaires_dir().glob("*.yaml"))


def default_questionnaire() -> Path:
    """Return the built-in CRM readiness questionnaire."""
    return questionnaires_dir() / "crm-readiness.yaml"


def sample_answers() -> Path:
    """Return the sample answers file shipped with the questionnaires."""
    return questionnaires_dir() / "samples" / "northwind-2026-Q4.yaml"
