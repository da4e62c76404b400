"""Evaluation engine: encode each unique text once, score every setting as a view, compute exact metrics."""
