"""Tests of `harness check` and `harness baseline`."""
