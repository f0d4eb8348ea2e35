"""One exception family for crmcheck, each carrying the exit code the CLI should use."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, the same for every command."""

    OK = 0
    FAILURE = 1
    BAD_INPUT = 2
    INTERRUPTED = 130


class CrmcheckError(Exception):
    """Base of every expected error; the CLI prints the message and exits with ``exit_code``."""

    exit_code: ExitCode = ExitCode.FAILURE


class BadInputError(CrmcheckError):
    """Input the user can fix: a file, an argument, a reference."""

    exit_code = ExitCode.BAD_INPUT


class FileFormatError(BadInputError):
    """A YAML file (questionnaire, answers, brand) with one or more located problems."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class QuestionnaireError(FileFormatError):
    """A questionnaire file that does not load or does not make sense."""


class AnswersError(FileFormatError):
    """An answers file that does not load or does not match its questionnaire."""


class BrandError(FileFormatError):
    """A brand file, or its logo, that cannot be used."""


class StoreError(CrmcheckError):
    """The assessment store cannot be opened, read or written."""


class StoreAccessError(StoreError):
    """A store that cannot be reached as given: no driver, no server, wrong password, no database.

    The user fixes these by correcting ``--db`` / ``CRMCHECK_DB`` or installing a driver, so they
    exit as bad input (2), like any other wrong argument.
    """

    exit_code = ExitCode.BAD_INPUT


class NotFoundError(BadInputError):
    """A reference (assessment, client) that names nothing in the store."""


class ReportError(CrmcheckError):
    """A report that cannot be rendered."""


class InterruptedByUser(CrmcheckError):
    """The user pressed Ctrl-C; whatever was confirmed is already saved."""

    exit_code = ExitCode.INTERRUPTED


class ThresholdNotMet(CrmcheckError):
    """A score below the ``--fail-under`` threshold."""

    exit_code = ExitCode.FAILURE
