"""Build training examples from verified source files: LAReQA (MLQA-R), AfriQA gold passages and
line-aligned bitext (Tatoeba, XOR-TyDi question translations).

Every loader names the files a spec needs (so the registry can check their sha256 is declared)
and turns them into examples plus the ordered list of languages they use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.data.afriqa import read_gold_passages
from harness.data.checksum import sha256_json
from harness.data.corpus_records import Notes
from harness.data.lareqa import load_lareqa
from harness.data.source_files import locate, missing_files, missing_message
from harness.errors import DataMissingError, HarnessError
from harness.trainsets.examples import TrainExample, TrainingSet
from harness.trainsets.training_spec import TrainingSpec

BUILDER_VERSION = 1  # bump when the way examples are built from the same files changes

Built = tuple[list[TrainExample], list[str]]


def file_name(spec: TrainingSpec, lang: str, side: str = "") -> str:
    """A source file of one language: `file_pattern` with {lang}, {pivot} and {side} filled in."""
    try:
        return spec.source.file_pattern.format(lang=lang, pivot=spec.pivot(lang), side=side or lang)
    except (KeyError, IndexError, ValueError) as exc:
        raise HarnessError(
            f"training set {spec.name}: source.file_pattern: {spec.source.file_pattern!r} is not a valid "
            f"pattern over {{lang}}, {{pivot}}, {{side}} ({exc!r})"
        ) from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise HarnessError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _lareqa_files(spec: TrainingSpec, lang: str) -> list[str]:
    return [file_name(spec, lang)]


def _lareqa(spec: TrainingSpec) -> Built:
    """Per question id: the question and its gold sentence per language; negatives = the rest of the paragraph."""
    by_id: dict[str, tuple[dict[str, str], dict[str, str], dict[str, tuple[str, ...]]]] = {}
    for lang in spec.languages:
        records = load_lareqa(locate(spec.source, file_name(spec, lang)), lang)
        paragraphs: dict[int, list[int]] = {}
        for index, paragraph in enumerate(records.candidate_paragraph):
            paragraphs.setdefault(paragraph, []).append(index)
        code = spec.code(lang)
        for qid, question in zip(records.question_ids, records.questions, strict=True):
            gold = records.gold[qid]
            positive = records.candidates[gold]
            same_paragraph = (records.candidates[i] for i in paragraphs[records.candidate_paragraph[gold]])
            queries, passages, negatives = by_id.setdefault(qid, ({}, {}, {}))
            queries[code] = question
            passages[code] = positive
            negatives[code] = tuple(dict.fromkeys(s for s in same_paragraph if s != positive))
    examples = [TrainExample(qid, q, p, n) for qid, (q, p, n) in by_id.items()]
    return examples, [spec.code(lang) for lang in spec.languages]


def _afriqa_files(spec: TrainingSpec, lang: str) -> list[str]:
    return [file_name(spec, lang)]


def _afriqa(spec: TrainingSpec) -> Built:
    """Native question -> pivot passage (X-Y) and translated question -> pivot passage (X-X).

    Files are read by the afriqa task's reader (one parser of the format): records without a
    gold passage (`context` null or empty) or without a question are skipped.
    """
    examples: list[TrainExample] = []
    for lang in spec.languages:
        path = locate(spec.source, file_name(spec, lang))
        code, pivot = spec.code(lang), spec.pivot(lang)
        for record in read_gold_passages(path, lang, Notes()):
            queries = {code: record.question} | ({pivot: record.translated} if record.translated else {})
            examples.append(TrainExample(record.qid, queries, {pivot: record.context}, {pivot: ()}))
    codes = [spec.code(lang) for lang in spec.languages]
    pivots = [p for p in dict.fromkeys(spec.pivot(lang) for lang in spec.languages) if p not in codes]
    return examples, codes + pivots


def _bitext_files(spec: TrainingSpec, lang: str) -> list[str]:
    return [file_name(spec, lang), file_name(spec, lang, side=spec.pivot_file_code)]


def _lines(path: Path) -> list[str]:
    return [line.rstrip("\r") for line in _read_text(path).removesuffix("\n").split("\n")]


def _bitext(spec: TrainingSpec) -> Built:
    """Line-aligned bitext: sentence in X -> its translation in the pivot language (X-Y only).

    Ids are `<file lang>:<line number>`; a pair with an empty side is skipped.
    """
    examples: list[TrainExample] = []
    for lang in spec.languages:
        source_path = locate(spec.source, file_name(spec, lang))
        pivot_path = locate(spec.source, file_name(spec, lang, side=spec.pivot_file_code))
        source, pivot = _lines(source_path), _lines(pivot_path)
        if len(source) != len(pivot):
            raise HarnessError(f"{source_path}: {len(source)} lines but {pivot_path.name} has {len(pivot)}")
        code, pivot_lang = spec.code(lang), spec.pivot(lang)
        for lineno, (text, translation) in enumerate(zip(source, pivot, strict=True), start=1):
            if text.strip() and translation.strip():
                examples.append(
                    TrainExample(f"{lang}:{lineno}", {code: text}, {pivot_lang: translation}, {pivot_lang: ()})
                )
    codes = [spec.code(lang) for lang in spec.languages]
    return examples, codes + [p for p in dict.fromkeys(spec.pivot(lang) for lang in spec.languages) if p not in codes]


@dataclass(frozen=True)
class Loader:
    """The files a loader reads for one language, and how it builds examples from them."""

    files: Callable[[TrainingSpec, str], list[str]]
    build: Callable[[TrainingSpec], Built]


LOADERS: dict[str, Loader] = {
    "lareqa": Loader(_lareqa_files, _lareqa),
    "afriqa": Loader(_afriqa_files, _afriqa),
    "bitext": Loader(_bitext_files, _bitext),
}


def _loader(spec: TrainingSpec) -> Loader:
    if spec.source.loader not in LOADERS:
        raise HarnessError(f"training set {spec.name}: source.loader: unknown training loader {spec.source.loader!r}")
    return LOADERS[spec.source.loader]


def required_files(spec: TrainingSpec) -> list[tuple[str, str]]:
    """(file language, file name) of every file a training set reads."""
    loader = _loader(spec)
    return [(lang, name) for lang in spec.languages for name in loader.files(spec, lang)]


def training_fingerprint(spec: TrainingSpec) -> str:
    """sha256 over the loader, the used files' declared sha256s, language codes and pivots."""
    names = [name for _, name in required_files(spec)]
    return sha256_json(
        {
            "builder": BUILDER_VERSION,
            "loader": spec.source.loader,
            "files": {name: spec.source.files.get(name) for name in names},
            "languages": {lang: spec.code(lang) for lang in spec.languages},
            "pivots": {lang: spec.pivot(lang) for lang in spec.languages},
        }
        | ({"exclude_ids": sorted(spec.exclude_ids)} if spec.exclude_ids else {})
    )


def build_training_set(spec: TrainingSpec) -> TrainingSet:
    """Locate and verify every file of a training set, then build its examples."""
    loader = _loader(spec)
    missing = missing_files(spec.source, [name for _, name in required_files(spec)])
    if missing:
        raise DataMissingError(missing_message(spec.source, missing))
    examples, languages = loader.build(spec)
    if spec.exclude_ids:
        unknown = set(spec.exclude_ids) - {ex.id for ex in examples}
        if unknown:
            raise HarnessError(f"training set {spec.name}: exclude_ids: no example {sorted(unknown)[0]!r}")
        examples = [ex for ex in examples if ex.id not in set(spec.exclude_ids)]
    if not examples:
        raise HarnessError(f"training set {spec.name}: no examples in {spec.source.mirror}")
    return TrainingSet(spec.name, examples, languages, training_fingerprint(spec), tuple(spec.source_tasks))
