"""xling-harness: benchmark harness for mono-, cross- and multilingual retrieval."""

__version__ = "0.1.0"
