"""Benchmarks behind `make bench`: each prints tiaoma's time, its peer's, and the ratio."""
