#!/usr/bin/env bash
# The hybrid batch training experiment: X-X-mono, X-Y and hybrid (alpha 0.5) recipes of me5-small,
# 3 seeds each, identical budgets, evaluated on xquad-r (zero-shot) and mlqa-r (in-domain) next to
# the untrained model. Results go to results/; the table to stdout (experiments/hybrid_table.py).
# Usage: HARNESS_DATA_MIRROR=../shared/data experiments/hybrid_batch_training.sh [train|eval|table|all]
set -euo pipefail
cd "$(dirname "$0")/.."
XQUAD_LIMIT="${XQUAD_LIMIT:-200}"  # N question ids (harness/tasks/subset.py; CPU budget); pool: their paragraphs
MLQA_LIMIT="${MLQA_LIMIT:-50}"
HARNESS="${HARNESS:-.venv/bin/harness}"
RECIPES=(me5-small-xx me5-small-xy me5-small-hybrid)
step="${1:-all}"

evaluate() {  # model, extra options
  "$HARNESS" run --model "$1" --tasks xquad-r --limit "$XQUAD_LIMIT" "${@:2}"
  "$HARNESS" run --model "$1" --tasks mlqa-r --limit "$MLQA_LIMIT" "${@:2}"
}

if [[ "$step" == train || "$step" == all ]]; then
  for recipe in "${RECIPES[@]}"; do "$HARNESS" train --model "$recipe" --seeds 3; done
fi
if [[ "$step" == eval || "$step" == all ]]; then
  evaluate me5-small-torch
  for recipe in "${RECIPES[@]}"; do evaluate "$recipe" --seeds 3; done
fi
if [[ "$step" == table || "$step" == all ]]; then
  .venv/bin/python experiments/hybrid_table.py --results results --xquad-limit "$XQUAD_LIMIT" --mlqa-limit "$MLQA_LIMIT"
fi
