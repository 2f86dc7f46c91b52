"""Measurements of the status board: throughput, latency and their limits."""
