#!/usr/bin/env bash
# Set up and run the whole test suite on PostgreSQL (the machine's server at 127.0.0.1:5432).
# pytest-django creates its own database (test_<name>) and drops it at the end.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh tests/workflow -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/services.sh
. .venv/bin/activate
export DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/zhifa_ci_$$}"
exec python -m pytest -p no:cacheprovider "$@"
