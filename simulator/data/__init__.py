"""The embedded default dataset: CSV files and ``SOURCES.md`` (no code).

Read it with :func:`simulator.io.dataset.load_dataset`.
"""
