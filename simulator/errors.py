"""Errors that reach the user, each with a location in their input.

A user's mistake is never reported as a traceback: it is an :class:`InputError`
carrying one :class:`Issue` per problem found, each formatted as
``FILE:LINE:COL: dotted.path: message``.  The command line maps an
``InputError`` to exit code 3.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

__all__ = [
    "ConservationError",
    "InputError",
    "Issue",
    "Location",
    "PathPart",
    "dotted",
]

PathPart = str | int


@dataclass(frozen=True, slots=True)
class Location:
    """A position in a text file; ``line`` and ``column`` count from 1."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def dotted(path: Sequence[PathPart]) -> str:
    """Render a path into the document as ``a.b.3.c`` (``<root>`` when empty)."""
    return ".".join(str(p) for p in path) if path else "<root>"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in a user's input: where it is and what is wrong.

    ``path`` addresses the offending value in the parsed document (keys and
    list indexes); ``message`` says what was expected and what was found.
    """

    path: tuple[PathPart, ...]
    message: str
    location: Location | None = None

    def located(self, location: Location | None) -> Issue:
        """The same issue at ``location``."""
        return replace(self, location=location)

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location is not None else ""
        return f"{where}{dotted(self.path)}: {self.message}"


class InputError(Exception):
    """A user's input is invalid; carries every issue found, not just the first."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: list[Issue] = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))

    @classmethod
    def single(
        cls, message: str, path: Sequence[PathPart] = (), location: Location | None = None
    ) -> InputError:
        """An error with one issue."""
        return cls([Issue(tuple(path), message, location)])


class ConservationError(RuntimeError):
    """The engine's material ledger does not balance: a bug, never a user error."""
