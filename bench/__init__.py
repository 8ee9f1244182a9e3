"""Benchmarks for gradscape: ``python -m bench fields``, ``python -m bench all [--quick]``."""
