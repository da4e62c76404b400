"""xling-harness: benchmark harness for mono-, cross- and multilingual retrieval.

`harness.evaluation(model, tasks, ...)` is the Python API (harness/api.py), imported on first use so that
`import harness` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "evaluate"]


def __getattr__(name: str) -> Any:
    if name == "evaluate":
        return importlib.import_module("harness.api").evaluate
    raise AttributeError(f"module 'harness' has no attribute {name!r}")
