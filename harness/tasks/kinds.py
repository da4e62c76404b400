"""What each task kind declares: its settings, whether its data is a corpus, and (from the metric
registry) its metrics. The object that also holds a kind's evaluator is harness.evaluation.task_kinds."""

from __future__ import annotations

from dataclasses import dataclass

from harness.metrics import declarable
from harness.vocabulary import CROSS, MONO, MULTI, REVERSE, TRANSLATED


@dataclass(frozen=True)
class KindDeclaration:
    """One task kind as a task file sees it."""

    name: str
    settings: tuple[str, ...]  # settings a task of this kind may declare
    corpus: bool  # data is a corpus with query sets (harness/tasks/corpus_loaders.py), else per-language files
    description: str
    cross_with_pivot_only: bool = False  # cross views pair X with its pivot only (else with every task language)

    @property
    def metrics(self) -> set[str]:
        """Metrics a task of this kind may list (harness/metrics.py)."""
        return declarable(self.name)


KINDS: dict[str, KindDeclaration] = {
    k.name: k
    for k in (
        KindDeclaration(
            "parallel-qa-retrieval",
            (MONO, CROSS, MULTI),
            False,
            "LAReQA protocol: parallel questions against candidate sentences of every language",
        ),
        KindDeclaration("monolingual-retrieval", (MONO,), False, "queries against their own language's corpus"),
        KindDeclaration(
            "corpus-retrieval",
            (MONO, CROSS, TRANSLATED),
            True,
            "query sets against a (hub) corpus, judged by qrels",
        ),
        KindDeclaration(
            "language-pair-retrieval",
            (MONO, CROSS),
            False,
            "MTEB MLQARetrieval: per language pair, questions in one language against the other's paragraphs (qrels)",
        ),
        KindDeclaration(
            "bitext-retrieval",
            (CROSS, REVERSE),
            False,
            "MTEB bitext mining: each sentence against the pool of its pairs' translations, top-1",
            cross_with_pivot_only=True,
        ),
        KindDeclaration("answer-retrieval", (CROSS,), True, "query sets against a corpus, judged by answer strings"),
    )
}
