#!/usr/bin/env bash
# Every benchmark, one after the other (about 2.5 minutes on a 2-core machine).
# Results and how to read them: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" benchmarks/bench_lsp.py "$@"
echo
"$PY" benchmarks/bench_actions.py --svg docs/benchmarks-actions.svg "$@"
