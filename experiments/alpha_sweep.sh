#!/usr/bin/env bash
# The study (docs/HYBRID_BATCH_TRAINING.md): every member of the me5-small-sweep (alpha 0, 0.25, 0.5,
# 0.75, 1; models.yaml) trained per seed and evaluated at full size on xquad-r, afriqa and tatoeba
# (zero-shot) and mlqa-mteb and mlqa-r (in-domain) with the openvino backend (float32, like the training: every
# run shares one precision on any CPU; within 0.000001 mAP of torch float32 on xquad-r, docs/BENCHMARKS.md).
# Seed-major, so that a stopped study still holds whole alpha curves;
# each (alpha, seed) is one `harness run`, and a rerun skips what is stored. `run` refuses a tree with
# uncommitted changes to tracked files outside results/: every result of the study is made from a commit.
# `report` then writes the seed aggregates of the stored seeds (nothing is trained or evaluated), the study
# section of docs/HYBRID_BATCH_TRAINING.md, and the site with its Claims and Research question pages.
# One (alpha, seed) takes about an hour on 2 cores of an AVX2-only AMD EPYC, 60% of it evaluation
# (docs/BENCHMARKS.md, "Training the study's recipe in float32").
# Usage: HARNESS_DATA_MIRROR=../shared/data experiments/alpha_sweep.sh [run [SEEDS] | report | all]
set -euo pipefail
cd "$(dirname "$0")/.."
HARNESS="${HARNESS:-.venv/bin/harness}"
STEP="${1:-all}"
SEEDS="${2:-5}"
TASKS=xquad-r,afriqa,tatoeba,mlqa-mteb,mlqa-r
BACKEND="${BACKEND:-openvino}"
ALPHAS=(0 1 0.5 0.25 0.75)  # the two pure samplers first, then hybrid

if [[ "$STEP" == run || "$STEP" == all ]]; then
  if [[ -n "$(git status --porcelain --untracked-files=no -- . ':(exclude)results')" ]]; then
    echo "alpha_sweep.sh: the tree has uncommitted changes (git status): commit them first, results record the commit" >&2
    exit 2
  fi
  for ((seed = 0; seed < SEEDS; seed++)); do
    for alpha in "${ALPHAS[@]}"; do
      "$HARNESS" run --model "me5-small-sweep-alpha$alpha" --seed "$seed" --tasks "$TASKS" --backend "$BACKEND"
    done
  done
fi
if [[ "$STEP" == report || "$STEP" == all ]]; then
  .venv/bin/python experiments/study_report.py  # seed aggregates of the stored seeds, then the write-up
  "$HARNESS" render --claims experiments/claims_preregistered.yaml
fi
