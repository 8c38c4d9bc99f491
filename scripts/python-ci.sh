#!/usr/bin/env bash
# The Python client's CI (`pnpm test:python`, after bootstrap --python and the build):
#   1. a fresh virtual environment of Debian's python3-venv, with system site packages (Debian's
#      Flask, httpx, mypy), and the client pip-installed FROM THE REPOSITORY (no index: the
#      build backend is Debian's setuptools, so nothing is fetched);
#   2. the drift check: the checked-in generated code equals a fresh generation;
#   3. the tests, against a live redis-server + producer + worker that they start, ending with
#      the line CI reads: `N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's interpreter, not whichever python3 is first on PATH (pyenv's sees no Debian package).
PYTHON=${JOBQ_PYTHON:-/usr/bin/python3}
[ -x "$PYTHON" ] || PYTHON=python3
VENV=.jobq/python-venv

rm -rf "$VENV" clients/python/build clients/python/*.egg-info
"$PYTHON" -m venv --system-site-packages "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check --no-index --no-build-isolation ./clients/python
# pip builds in the source tree: leave it as it was.
rm -rf clients/python/build clients/python/*.egg-info

pnpm --silent check:python

JOBQ_CLIENT_INSTALLED=1 "$VENV/bin/python" clients/python/tests/run.py
