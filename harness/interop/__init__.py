"""Interop at the edge: MTEB's result format in and out, parity with published numbers."""
