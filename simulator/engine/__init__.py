"""The engine: one replication of a scenario (SimPy processes over arrays)."""

from simulator.engine.records import DAILY_FIELDS, CommodityRecords, Ledger, RunResult
from simulator.engine.simulation import CONSERVATION_RTOL, simulate
from simulator.engine.streams import Stream, Streams

__all__ = [
    "CONSERVATION_RTOL",
    "DAILY_FIELDS",
    "CommodityRecords",
    "Ledger",
    "RunResult",
    "Stream",
    "Streams",
    "simulate",
]
