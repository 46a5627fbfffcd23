"""Random streams: ``SeedSequence(seed, spawn_key=(r, stream[, key]))``, nothing else.

Two runs that agree on (seed, replication, stream, entity) must draw the same
numbers; any difference in one of them must give another generator.  The
engine's draws are checked against generators built here by hand, so a
variant compared on replication ``r`` faces the same shock (common random
numbers).
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from scenario_factory import ban, base_dict, build

from simulator.engine import Stream, Streams, simulate
from simulator.engine.seeds import SeedPool
from simulator.engine.streams import stable_key


def _state(generator: np.random.Generator) -> Mapping[str, Any]:
    return generator.bit_generator.state


def _by_hand(seed: int, *spawn_key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=spawn_key)))


def test_same_arguments_same_generator() -> None:
    for stream in Stream:
        a = Streams(11, 3).generator(stream, "CHN->KOR")
        b = Streams(11, 3).generator(stream, "CHN->KOR")
        assert _state(a) == _state(b)
        np.testing.assert_array_equal(a.random(8), b.random(8))


def test_any_difference_gives_another_generator() -> None:
    """Seeds, replications, streams and names each change the generator."""
    cases = list(itertools.product([0, 1, 2**40], [0, 1, 7], list(Stream), [None, "ctrl", "ctrl2"]))
    first_draws = {
        case: Streams(case[0], case[1]).generator(case[2], case[3]).random() for case in cases
    }
    assert len(set(first_draws.values())) == len(cases)


def test_stream_is_the_documented_seed_sequence() -> None:
    """``generator(stream)`` is ``SeedSequence(seed, spawn_key=(r, stream))``; a name appends
    its CRC-32."""
    for seed, r, stream in itertools.product([0, 5, 123456789], [0, 4], list(Stream)):
        plain = Streams(seed, r).generator(stream)
        assert _state(plain) == _state(_by_hand(seed, r, int(stream)))
        named = Streams(seed, r).generator(stream, "kj-transfer:JPN")
        assert _state(named) == _state(_by_hand(seed, r, int(stream), 317790712))


@pytest.mark.parametrize(
    "seed", [0, 1, 2**32 - 1, 2**32, 2**64 + 3, 2**128 - 1, 2**128, 2**160 + 7]
)
def test_compiled_seeding_is_seed_sequence(seed: int) -> None:
    """SeedPool hashes as SeedSequence: same bit-generator state and state words, any size of
    seed, prefix and key (words of 32 bits and more)."""
    for prefix in [(), (0,), (3,), (2**32 + 5,), (0, 2)]:
        pool = SeedPool(seed, prefix)
        for key in [(0,), (8,), (2, 0), (1, 2**32 - 1), (7, 2**33), (0, 0, 0)]:
            made = pool.generator(key)
            sequence = np.random.SeedSequence(seed, spawn_key=prefix + key)
            assert _state(made) == _state(np.random.Generator(np.random.PCG64(sequence)))
            hashed = made.bit_generator.seed_seq
            for n_words, dtype in itertools.product([1, 3, 8], [np.uint32, np.uint64]):
                expected = sequence.generate_state(n_words, dtype)
                found = hashed.generate_state(n_words, dtype)
                assert found.dtype == expected.dtype
                np.testing.assert_array_equal(found, expected)


def test_stable_key_is_crc32_of_utf8() -> None:
    """The entity key must not depend on the process (no ``hash()``, which is salted)."""
    assert stable_key("ctrl") == 35811706
    assert stable_key("kj-transfer:JPN") == zlib.crc32(b"kj-transfer:JPN")
    assert stable_key("Ölfeld") == zlib.crc32(b"\xc3\x96lfeld")  # UTF-8 bytes of "Ölfeld"


def test_stream_values_are_distinct_spawn_keys() -> None:
    values = [int(s) for s in Stream]
    assert len(set(values)) == len(values)
    assert int(Stream.SHOCK_TIMING) == 0


@pytest.mark.parametrize(("seed", "replication"), [(-1, 0), (0, -1)])
def test_negative_seed_or_replication_is_refused(seed: int, replication: int) -> None:
    with pytest.raises(ValueError, match="seed >= 0"):
        Streams(seed, replication)


def _uncertain_ban(**extra: Any) -> dict[str, Any]:
    control = ban(
        effective_day={"dist": "uniform", "low": 30, "high": 90},
        duration_days={"dist": "uniform", "low": 20, "high": 60},
        **extra,
    )
    return base_dict(shocks=[control], horizon_days=120)


def test_engine_draws_shock_timing_from_its_stream() -> None:
    """Shock ``ctrl``'s effective day, then duration, come from (r, SHOCK_TIMING, crc32("ctrl"))."""
    scenario = build(_uncertain_ban())
    for r in range(5):
        result = simulate(scenario, r, seed=99)
        rng = _by_hand(99, r, int(Stream.SHOCK_TIMING), zlib.crc32(b"ctrl"))
        effective = round(rng.uniform(30, 90))
        duration = round(rng.uniform(20, 60))
        assert result.drawn["shocks.ctrl.effective_day"] == effective
        assert result.drawn["shocks.ctrl.duration_days"] == duration
        assert result.shock_start_day["widget"] == effective
        assert result.seed == 99
        assert result.replication == r


def test_variants_share_the_shock_of_a_replication() -> None:
    """Adding a policy does not shift the shock's draws (common random numbers)."""
    plain = build(_uncertain_ban())
    with_reserve = _uncertain_ban()
    with_reserve["policies"] = {
        "stockpiles": [
            {
                "id": "kor-reserve",
                "country": "KOR",
                "commodity": "widget",
                "size_days": 10,
                "trigger_coverage_days": 5,
                "decision_delay_days": {"dist": "uniform", "low": 0, "high": 10},
            }
        ]
    }
    variant = build(with_reserve)
    for r in range(5):
        a, b = simulate(plain, r), simulate(variant, r)
        assert a.drawn["shocks.ctrl.effective_day"] == b.drawn["shocks.ctrl.effective_day"]
        assert a.drawn["shocks.ctrl.duration_days"] == b.drawn["shocks.ctrl.duration_days"]
    days = {simulate(plain, r).drawn["shocks.ctrl.effective_day"] for r in range(5)}
    assert len(days) > 1
