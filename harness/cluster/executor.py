"""`harness run --executor ray`: every (model, task, seed) job as a Ray task, training as a task it waits on.

The driver checks stored results first (a job whose result is stored with the same identity is never
sent), then sends each training seed that is missing as one task and each evaluation as one task with
the model's declared resources, spread over the nodes; a dense model's corpus task first has its corpora
encoded by Ray Data actors (harness.cluster.corpus_encoding), so the job itself only searches.
Workers write results through the atomic result store under the run's (absolute) results folder, so
that folder (and the cache) must be shared by every node; the driver then checks each file is there.
A worker that dies mid-job is retried by Ray (the result lock is released by the kernel, and encoding
resumes from its checkpoints); a job that raises is reported with its one-line reason while the others
go on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from harness.cluster.corpus_encoding import encode_corpus_with_ray
from harness.cluster.jobs import EvalJob, ModelJob, evaluate_job, train_job
from harness.cluster.threads import use_assigned_cpus
from harness.errors import HarnessError
from harness.evaluation.embedding_blocks import CorpusEmbeddings
from harness.evaluation.task_kinds import task_kind
from harness.model_ref import ModelRef
from harness.run import RunOptions, TaskOutcome, aggregate_task_seeds, stored_outcome
from harness.tasks.kinds import KINDS
from harness.tasks.task_spec import TaskSpec

RETRIES = 3  # times Ray reruns a job whose worker process died (not one that raised)


@dataclass
class JobOutcome:
    """What became of one job, and the Ray node that ran it (None: not sent, it was stored)."""

    job: EvalJob
    outcome: TaskOutcome
    node: str | None = None


@dataclass
class ClusterRun:
    """Every job's outcome, in plan order."""

    jobs: list[JobOutcome] = field(default_factory=list)

    def failed(self) -> list[JobOutcome]:
        return [j for j in self.jobs if j.outcome.status == "failed"]

    def nodes(self) -> dict[str, int]:
        """Jobs run per node id."""
        counts: dict[str, int] = {}
        for j in self.jobs:
            if j.node is not None:
                counts[j.node] = counts.get(j.node, 0) + 1
        return counts


def evaluate_on_node(job: EvalJob, options: RunOptions, trained: object = None) -> tuple[TaskOutcome, str]:
    """The Ray task of one evaluation (`trained` is the training task it waits for); outcome and node id."""
    import ray

    use_assigned_cpus()
    return evaluate_job(job, options), ray.get_runtime_context().get_node_id()


def train_on_node(job: ModelJob, device: str | None) -> dict:
    """The Ray task of one training seed: its training.json."""
    use_assigned_cpus()
    return train_job(job, device)


def one_line(error: BaseException) -> str:
    """The reason a job failed, in one line: the worker's own error when Ray carries it."""
    cause = getattr(error, "cause", None)
    while cause is not None and getattr(cause, "cause", None) is not None:  # a failed training it waited for
        cause = cause.cause
    error = cause if isinstance(cause, BaseException) else error
    text = (str(error).strip().splitlines() or [""])[0]
    return text if isinstance(error, HarnessError) else f"{type(error).__name__}: {text}"[:300]


def encode_task_corpora(
    job: EvalJob,
    spec: TaskSpec,
    options: RunOptions,
    identity: str,
    resources: dict[str, float],
    report: Callable[[str], None],
) -> None:
    """Every corpus of a corpus task encoded into the shared block store by Ray Data actors."""
    for corpus in task_kind(spec).load(spec, options.limit).corpus().corpora.values():
        store = CorpusEmbeddings.of_fingerprint(identity, corpus, spec.search.block_passages)
        encoded = encode_corpus_with_ray(store, job.model, options.device, options.batch_size, resources, None, report)
        report(f"corpus {corpus.name}: {encoded} block(s) encoded with Ray Data for {job.model.label}")


def job_resources(ref: ModelRef, gpus_per_worker: float | None) -> dict[str, float]:
    """What each job of the model asks Ray for (a loader that cannot use a GPU never takes one)."""
    return ref.spec.resources.ray_options(gpus_per_worker if ref.uses_gpu else None)


def check_fits(refs: list[ModelRef], gpus_per_worker: float | None, nodes: list[dict]) -> None:
    """A job no node can hold would wait forever: say so in one line before anything is sent."""
    alive = [n.get("Resources", {}) for n in nodes if n.get("Alive", True)]
    for ref in refs:
        wants = job_resources(ref, gpus_per_worker)
        for key, resource in (("num_cpus", "CPU"), ("num_gpus", "GPU")):
            most = max((node.get(resource, 0.0) for node in alive), default=0.0)
            if wants[key] > most:
                raise HarnessError(
                    f"model {ref.name}: each job asks for {wants[key]:g} {resource}(s) but the largest Ray node has "
                    f"{most:g} (models.yaml resources, --gpus-per-worker)"
                )


@dataclass
class Sending:
    """The jobs of a run being sent: Ray's remote functions, the evaluations in flight, and the corpus
    evaluations that wait for their corpora to be encoded first."""

    train_remote: Any
    eval_remote: Any
    run: ClusterRun = field(default_factory=ClusterRun)
    waiting: dict[Any, JobOutcome] = field(default_factory=dict)
    later: list[tuple[JobOutcome, TaskSpec, Any, RunOptions, dict, dict, str]] = field(default_factory=list)


def send_model(
    sending: Sending,
    ref: ModelRef,
    tasks: list[TaskSpec],
    options: RunOptions,
    gpus_per_worker: float | None,
    report: Callable[[str], None],
) -> None:
    """Every job of one model that is not stored: a training task per missing seed, an evaluation per task."""
    resources = job_resources(ref, gpus_per_worker)
    device = options.device or ("cuda" if resources["num_gpus"] else None)
    ref = ref.on(device)
    job_options = replace(options, device=device, backend=ref.backend)
    send = {**resources, "max_retries": RETRIES, "retry_exceptions": False, "scheduling_strategy": "SPREAD"}
    for seed in ref.runs:
        model = ModelJob(ref, seed)
        identity = ref.fingerprint(seed)
        training = None
        for spec in tasks:
            job = EvalJob(model, spec.name)
            stored = stored_outcome(ref.stored_as, identity, spec, replace(job_options, seed=seed))
            if stored is not None:
                sending.run.jobs.append(JobOutcome(job, stored))
                continue
            if seed is not None and training is None and not ref.trained(seed).is_trained():
                training = sending.train_remote.options(**send).remote(model, device)
                report(f"sent: training {model.label}")
            entry = JobOutcome(job, TaskOutcome(spec.name, "failed", "not finished"))
            sending.run.jobs.append(entry)
            if KINDS[spec.kind].corpus and not ref.lexical:  # its corpora first, with Ray Data
                sending.later.append((entry, spec, training, job_options, send, resources, identity))
                continue
            sending.waiting[sending.eval_remote.options(**send).remote(job, job_options, training)] = entry
            report(f"sent: {job.label}")


def send_corpus_jobs(sending: Sending, report: Callable[[str], None]) -> None:
    """Each corpus evaluation once its corpora are encoded by Ray Data actors (after its training)."""
    import ray

    for entry, spec, training, job_options, send, resources, identity in sending.later:
        try:
            if training is not None:
                ray.get(training)
            encode_task_corpora(entry.job, spec, job_options, identity, resources, report)
        except Exception as exc:  # this job fails; the others go on
            entry.outcome = TaskOutcome(spec.name, "failed", one_line(exc))
            report(f"failed: {entry.job.label}: {entry.outcome.reason}")
            continue
        sending.waiting[sending.eval_remote.options(**send).remote(entry.job, job_options, training)] = entry
        report(f"sent: {entry.job.label}")


def collect_outcomes(sending: Sending, report: Callable[[str], None]) -> None:
    """Each evaluation's outcome as it finishes; a failed job is reported with its reason, the others go on."""
    import ray

    while sending.waiting:
        done, _ = ray.wait(list(sending.waiting), num_returns=1)
        entry = sending.waiting.pop(done[0])
        try:
            outcome, entry.node = ray.get(done[0])
        except Exception as exc:  # any job error is reported and the others go on
            entry.outcome = TaskOutcome(entry.job.task, "failed", one_line(exc))
            report(f"failed: {entry.job.label}: {entry.outcome.reason}")
            continue
        if outcome.path is None or not outcome.path.is_file():
            outcome = TaskOutcome(
                entry.job.task,
                "failed",
                f"the worker wrote {outcome.path}, which the driver does "
                "not see: --results-dir must be on storage every node shares",
            )
        entry.outcome = outcome
        report(f"{outcome.status}: {entry.job.label} (node {entry.node[:8]})")


def run_on_ray(
    refs: list[ModelRef],
    tasks: list[TaskSpec],
    options: RunOptions,
    gpus_per_worker: float | None = None,
    report: Callable[[str], None] = lambda line: None,
) -> ClusterRun:
    """Send every job that is not stored, wait for all of them, then write the seed aggregates."""
    import ray

    check_fits(refs, gpus_per_worker, ray.nodes())
    options = replace(options, results_dir=options.results_dir.resolve())
    sending = Sending(ray.remote(train_on_node), ray.remote(evaluate_on_node))
    for ref in refs:
        send_model(sending, ref, tasks, options, gpus_per_worker, report)
    send_corpus_jobs(sending, report)
    collect_outcomes(sending, report)
    for ref in refs:  # mean ± std over the seeds of each trained model and task whose every seed finished
        for spec in tasks if ref.is_trained else []:
            mine = [j.outcome for j in sending.run.jobs if j.job.model.ref.name == ref.name and j.job.task == spec.name]
            if not any(o.status == "failed" for o in mine):
                aggregate_task_seeds(options, ref, spec.name, mine)
    return sending.run
