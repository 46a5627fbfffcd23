"""How the daily step is compiled: numba, cached on disk, without reference counts.

Every function of the daily step (:mod:`~simulator.engine.kernel`,
:mod:`~simulator.engine.rerouting`, :mod:`~simulator.engine.shipping`,
:mod:`~simulator.engine.rows`, :mod:`~simulator.engine.span`,
:mod:`~simulator.engine.pricing`, the policies of
:mod:`~simulator.engine.policy_kernel` and :mod:`~simulator.engine.transfer_kernel`)
is compiled with :func:`daily`.

numba's runtime counts the references to an array each time a compiled
function passes it to another, inlined or not, and each count is an atomic
operation.  On a day of a few dozen countries these counts, not the
arithmetic, were most of the cost of the policies: the daily check of five
national reserves took 0.35 µs with them and 0.02 µs without
(``benchmarks/README.md``).  :func:`daily` compiles without numba's runtime
(its ``_nrt`` option), so no count is taken.

What that asks of the code: a function so compiled cannot allocate an array,
nor can anything it calls (a callee is compiled with its caller's options).
numba refuses to compile one that tries (``np.zeros`` is a typing error, not
a silent fault), so work space is allocated once per replication:
:class:`~simulator.engine.market.Market`'s work matrices and the policy
book's ``MEMBER_WORK``.  The arrays themselves belong to the Python objects
that pass them in, which hold them for the whole call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from numba import njit

__all__ = ["OPTIONS", "daily"]

F = TypeVar("F", bound=Callable[..., Any])

OPTIONS: dict[str, Any] = {"cache": True, "_nrt": False}
"""The options :func:`daily` gives numba besides its arguments.

``_nrt`` compiles without numba's runtime; it is not in numba's type stubs,
hence a mapping.  ``tests/test_compiled.py`` checks that it still removes the
reference counts."""


def daily(
    *, inline: bool = False, error_model: Literal["numpy", "python"] = "numpy"
) -> Callable[[F], F]:
    """The decorator of a function of the daily step.

    Parameters
    ----------
    inline : bool
        Inline the function into its compiled callers (numba's ``inline="always"``).
    error_model : {"numpy", "python"}
        Division by zero gives ``inf`` or ``nan`` (IEEE, ``"numpy"``) or raises
        ``ZeroDivisionError`` (``"python"``).
    """
    compile_: Callable[[F], F] = njit(
        error_model=error_model, inline="always" if inline else "never", **OPTIONS
    )
    return compile_
