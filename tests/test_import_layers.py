"""The package's import graph: no circles, no arrow back up the flow, no private names across modules.

The flow is data → tasks (and training sets) → models → train → evaluate → results → run →
report / check → cli. Neutral modules (errors, paths, atomic, yaml_io, metrics, stats) sit below
all of it. Every import counts, at module level or inside a function, typing-only ones included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

from harness.paths import REPO_ROOT

LAYERS = {
    "data": 1,
    "tasks": 2,
    "trainsets": 2,
    "leakage": 2,  # training and calibration texts against task texts (reads tasks and training sets)
    "models": 3,
    "train": 4,
    "evaluation": 5,
    "results": 6,
    "run": 7,
    "trained_runs": 7,
    "model_ref": 7,  # a model resolved once for a run (builds trained and untrained models, knows its results)
    "report": 8,
    "check": 8,
    "interop": 8,  # MTEB in and out, parity: adapters at the edge, beside the CLI
    "cluster": 8,  # jobs of a run as Ray tasks (uses run and trained_runs, like report uses results)
    "cli": 9,
    "api": 9,  # the Python API (harness.evaluation), like cli
    "console": 9,
    "name_tables": 9,
    "train_worker": 9,  # the entry of one training rank (the torch launcher runs it), like cli
}  # anything else under harness/ is neutral (0)


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((REPO_ROOT / "harness").rglob("*.py")):
        name = ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


def _resolve(target: str, modules: dict[str, Path]) -> str:
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target


def import_graph() -> tuple[nx.DiGraph, list[tuple[str, str, str]]]:
    """(module → module edges, private imports as (importer, module, name))."""
    modules = _modules()
    graph, private = nx.DiGraph(), []
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [(a.name, None) for a in node.names if a.name.startswith("harness")]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("harness"):
                targets = [(f"{node.module}.{a.name}", a.name) for a in node.names]
            else:
                continue
            for dotted, imported in targets:
                target = _resolve(dotted, modules)
                if target not in (name, "harness"):
                    graph.add_edge(name, target)
                if imported and imported.startswith("_") and not imported.startswith("__") and target != name:
                    private.append((name, target, imported))
    return graph, private


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.get(parts[1], 0) if len(parts) > 1 else 0


@pytest.fixture(scope="module")
def graph() -> tuple[nx.DiGraph, list[tuple[str, str, str]]]:
    return import_graph()


def test_no_import_circles(graph) -> None:
    circles = [sorted(c) for c in nx.strongly_connected_components(graph[0]) if len(c) > 1]
    assert circles == []


def test_no_arrow_runs_back_up_the_flow(graph) -> None:
    back = sorted((a, b) for a, b in graph[0].edges if layer(b) > layer(a))
    assert back == []


def test_report_and_check_do_not_import_each_other(graph) -> None:
    sideways = sorted((a, b) for a, b in graph[0].edges if {a.split(".")[1], b.split(".")[1]} == {"report", "check"})
    assert sideways == []


def test_no_private_name_is_imported_from_another_module(graph) -> None:
    assert graph[1] == []


def test_the_graph_sees_real_imports(graph) -> None:
    """Guards the test itself: known edges (one inside a function) are found."""
    edges = graph[0]
    assert edges.has_edge("harness.run", "harness.results.result_store")
    assert edges.has_edge("harness.cli", "harness.run")  # imported inside the command function
    assert layer("harness.cli") > layer("harness.report.board") > layer("harness.results.result_store")
