"""A small error hierarchy whose messages name the file, row, column or bad value.

The CLI maps these to exit codes: `UnusableInputError` -> 2, `UsageError` -> 2,
`NotBuiltYetError` -> 2, any other `GeoToolError` -> 1.
"""

from __future__ import annotations


class GeoToolError(Exception):
    """Base class for every error geo_tool raises on purpose (never a bug)."""

    exit_code = 1


class UsageError(GeoToolError):
    """A command-line or parameter value is not allowed; the message names it and the allowed ones."""

    exit_code = 2


class UnusableInputError(GeoToolError):
    """A dataset (or one required file in it) cannot be used at all: exit status 2.

    The message always names the file and the cause.
    """

    exit_code = 2

    def __init__(self, file: str, cause: str):
        self.file = file
        self.cause = cause
        super().__init__(f"{file}: {cause}")


class NotBuiltYetError(GeoToolError):
    """A subcommand that a later issue fills in."""

    exit_code = 2


class OfflineError(GeoToolError):
    """A download was needed but the network cannot be reached."""

    exit_code = 1
