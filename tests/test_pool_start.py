"""The entry point's early guess of a batch's pool agrees with the backend the command builds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.cli.pool_start import early_pool_workers
from simulator.experiments.executors import ProcessPoolBackend, make_backend


@pytest.mark.parametrize(
    ("args", "cores", "expected"),
    [
        (["batch", "exp.yaml"], 2, 2),  # the default: one worker per core
        (["batch", "exp.yaml"], 1, None),  # one core: in this process
        (["batch", "exp.yaml", "--workers", "2"], 4, 2),
        (["batch", "exp.yaml", "--workers=3", "--out", "r"], 4, 3),
        (["batch", "exp.yaml", "--workers", "1"], 4, None),
        (["batch", "exp.yaml", "--workers", "8"], 4, None),  # refused without --force
        (["batch", "exp.yaml", "--workers", "8", "--force"], 4, 8),
        (["batch", "exp.yaml", "--workers", "two"], 4, None),  # a usage error
        (["batch", "exp.yaml", "--workers"], 4, None),
        (["batch", "exp.yaml", "--dask", "local"], 4, None),
        (["batch", "exp.yaml", "--dask=tcp://h:8786"], 4, None),
        (["batch", "--help"], 4, None),
        (["run", "scenario.yaml", "--workers", "2"], 4, None),
        ([], 4, None),
    ],
)
def test_the_guess(args: list[str], cores: int, expected: int | None) -> None:
    assert early_pool_workers(args, cores) == expected


@given(
    workers=st.none() | st.integers(1, 16),
    cores=st.integers(1, 16),
    force=st.booleans(),
    equals=st.booleans(),
)
def test_a_pool_is_guessed_only_where_the_command_builds_one_of_that_size(
    workers: int | None, cores: int, force: bool, equals: bool
) -> None:
    """Where the guess is a pool, the command (options accepted) builds that pool."""
    args = ["batch", "exp.yaml"]
    if workers is not None:
        args += [f"--workers={workers}"] if equals else ["--workers", str(workers)]
    if force:
        args.append("--force")
    guess = early_pool_workers(args, cores)
    accepted = workers is None or workers <= cores or force  # the command's own check
    backend = make_backend(workers if workers is not None else cores)
    if guess is None:
        assert not accepted or not isinstance(backend, ProcessPoolBackend)
    else:
        assert accepted
        assert isinstance(backend, ProcessPoolBackend)
        assert backend.workers == guess
