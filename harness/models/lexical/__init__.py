"""Lexical retrieval models: BM25 (bm25s) with per-language tokenizers (Snowball, jieba, PyThaiNLP)."""
