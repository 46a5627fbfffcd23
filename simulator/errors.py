"""Errors that reach the user, each with a location in their input.

A user's mistake is never reported as a traceback: it is an :class:`InputError`
carrying one :class:`Issue` per problem found, each formatted as
``FILE:LINE:COL: dotted.path: message``.  The command line maps an
``InputError`` to exit code 3.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

__all__ = [
    "ConservationError",
    "InputError",
    "Issue",
    "Location",
    "PathPart",
    "did_you_mean",
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


def did_you_mean(word: str, choices: Iterable[object]) -> str:
    """``" (did you mean 'x'?)"`` naming the closest of ``choices`` to ``word``, or ``""``.

    The closeness is :func:`difflib.get_close_matches` (ratio at least 0.6), so
    a one-letter typo always finds its word and an unrelated word finds none.

    Examples
    --------
    >>> did_you_mean("joint_stockpile", ["stockpiles", "joint_stockpiles", "mutual_transfers"])
    " (did you mean 'joint_stockpiles'?)"
    >>> did_you_mean("quux", ["stockpiles"])
    ''
    """
    names = [str(c) for c in choices]
    close = difflib.get_close_matches(word, names, n=1)
    if not close:
        # A case slip (`kor` for `KOR`) scores low on the ratio; compare folded.
        folded = {n.casefold(): n for n in names}
        close = [folded[m] for m in difflib.get_close_matches(word.casefold(), list(folded), n=1)]
    return f" (did you mean {close[0]!r}?)" if close else ""


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
