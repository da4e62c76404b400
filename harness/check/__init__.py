"""Regression checks: compare results with committed baselines (OK / OKish / FAIL), Pyserini-2CR style."""
