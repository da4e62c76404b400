"""Corpora as streamed shards: passage text, row order, missing shards, duplicate ids, hub layout."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from harness.data.corpus import BEIR_FIELDS, Corpus, CorpusShard, duplicate_ids, memory_shard, passage_text
from harness.data.hub_corpus import HubCorpus
from harness.errors import HarnessError


def _jsonl(path: Path, rows: list[dict], gz: bool = False) -> Path:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_passage_text_joins_title_and_text() -> None:
    assert passage_text("Nairobi", " Kitangulizi ") == "Nairobi Kitangulizi"
    assert passage_text(None, "body") == "body" and passage_text(" ", "body") == "body"


def test_shards_stream_rows_in_order_across_files(tmp_path: Path) -> None:
    a = _jsonl(tmp_path / "a.jsonl", [{"docid": "1#0", "title": "T", "text": "x"}])
    b = _jsonl(tmp_path / "b.jsonl.gz", [{"_id": "n1", "title": "", "text": "y"}, {"_id": 7, "text": "z"}], gz=True)
    corpus = Corpus(
        "c", (CorpusShard("a", "sw", "sha-a", path=a), CorpusShard("b", "en", "sha-b", path=b, fields=BEIR_FIELDS))
    )
    assert list(corpus.passages()) == [("1#0", "T x", "sw"), ("n1", "y", "en"), ("7", "z", "en")]
    assert corpus.texts_at([2, 0]) == {0: "T x", 2: "z"}
    assert corpus.languages == ["sw", "en"]


def test_fingerprint_follows_shard_identity() -> None:
    one = Corpus("c", (memory_shard("s", "en", ["1"], ["a"]),))
    same = Corpus("c", (memory_shard("s", "en", ["1"], ["a"]),))
    other = Corpus("c", (memory_shard("s", "en", ["1"], ["b"]),))
    assert one.fingerprint == same.fingerprint != other.fingerprint


def test_missing_shard_is_a_one_line_error(tmp_path: Path) -> None:
    corpus = Corpus("en", (CorpusShard("docs-0.jsonl.gz", "en", "x", path=tmp_path / "docs-0.jsonl.gz"),))
    with pytest.raises(HarnessError, match=r"^corpus en: missing corpus shard docs-0.jsonl.gz \("):
        corpus.check_present()
    with pytest.raises(HarnessError, match="missing corpus shard"):
        list(corpus.passages())


@pytest.mark.parametrize("line", ['{"docid": "1"}', "not json", '["a"]', '{"docid": "1", "text": 5}'])
def test_malformed_rows_name_file_and_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"docid": "0", "text": "ok"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(HarnessError, match=r"p.jsonl:2: "):
        list(CorpusShard("p", "en", "x", path=path).passages())


def test_duplicate_ids_are_found_exactly() -> None:
    ids = [f"{i}#0" for i in range(5000)] + ["17#0", "4999#0", "17#0"]
    assert duplicate_ids(ids) == ["17#0", "4999#0"]
    assert duplicate_ids(["a", "b"]) == []


def test_hub_corpus_layout_and_unavailable_reasons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("HARNESS_DATA_MIRROR", raising=False)
    hub = HubCorpus(
        hub="miracl/miracl-corpus",
        revision="d921ec7e349ce0d28daf30b2da9da5ee698bef0d",
        mirror="miracl-corpus",
        shard_pattern="miracl-corpus-v1.0-{lang}/docs-{shard}.jsonl.gz",
        shards={"sw": 2},
    )
    assert hub.shard_names("sw") == ["miracl-corpus-v1.0-sw/docs-0.jsonl.gz", "miracl-corpus-v1.0-sw/docs-1.jsonl.gz"]
    reason = hub.unavailable_reason(["sw"])
    assert reason is not None and "2 of 2 shards not here" in reason and "\n" not in reason
    folder = tmp_path / "cache" / "data" / "miracl-corpus" / "miracl-corpus-v1.0-sw"
    folder.mkdir(parents=True)
    _jsonl(folder / "docs-0.jsonl.gz", [{"docid": "1#0", "title": "", "text": "a"}], gz=True)
    assert "1 of 2 shards not here" in (hub.unavailable_reason(["sw"]) or "")
    with pytest.raises(HarnessError, match=r"missing corpus shard miracl-corpus-v1\.0-sw/docs-1\.jsonl\.gz"):
        Corpus("sw", tuple(hub.corpus_shards("sw"))).check_present()
    unpinned = hub.model_copy(update={"revision": None})
    assert "not pinned to a revision" in (unpinned.unavailable_reason(["sw"]) or "")


def test_hub_revision_must_be_a_commit_id() -> None:
    with pytest.raises(ValueError, match="40-hex commit"):
        HubCorpus(hub="x/y", revision="main", mirror="m", shard_pattern="{lang}", shards={})
