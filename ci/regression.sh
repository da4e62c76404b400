#!/usr/bin/env bash
# Real-data regression check: me5-small and bm25 on the declared CI subset (tasks/xquad-r-ci.yaml:
# en, de, zh; first 200 questions per language; every setting), then `harness check` against the
# committed baselines/. Exit 1 on a regression, 2 on a user error. Reports: $OUT/junit.xml, check.json.
# Environment: MIRROR (data mirror or a data cache's data/ folder, default ../shared/data), BIN (default .venv/bin), OUT (default build/regression).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
OUT="${OUT:-build/regression}"
LIMIT=200
started=$SECONDS
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
MIRROR="${MIRROR:-../shared/data}"
if [ ! -d "$MIRROR" ]; then
  echo "error: data mirror $MIRROR not found (set MIRROR to a folder laid out like the data cache)" >&2
  exit 2
fi
HARNESS_DATA_MIRROR="$(cd "$MIRROR" && pwd)"
export HARNESS_DATA_MIRROR
export HARNESS_CACHE_DIR="$work/cache"   # fresh: every number is recomputed, no embedding is reused
mkdir -p "$OUT"
for model in me5-small bm25; do
  "$BIN/harness" run --model "$model" --tasks xquad-r-ci --limit "$LIMIT" --results-dir "$work/results"
done
status=0
"$BIN/harness" check --results "$work/results" --baseline baselines \
  --junit "$OUT/junit.xml" --json "$OUT/check.json" || status=$?
echo "regression check: exit $status, $((SECONDS - started)) s wall time"
exit "$status"
