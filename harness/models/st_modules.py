"""The sentence-transformers module classes, from whichever package layout is installed."""

from __future__ import annotations


def module_classes() -> tuple[type, type]:
    """Transformer and Pooling from the sentence-transformers layout in use."""
    try:
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:
        from sentence_transformers.models import Pooling, Transformer
    return Transformer, Pooling
