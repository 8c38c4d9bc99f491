"""CI's Python test run: one live stack (stack.py) for every test of the client and the Flask
lab, then the closing line CI reads: ``Tests: N passed, N failed, N skipped``. Exit 1 on any
failure. With ``JOBQ_TEST_TOTALS_FILE`` set (as ``npm test`` sets it for its vitest runs, see
scripts/summary-reporter.ts) the line adds this run to the totals found there and writes them back,
so the last line of the whole command counts every test.

    python clients/python/tests/run.py     (from the repository root, jobq_client installed)
"""
from __future__ import annotations

import json
import os
import sys
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SUITES = [(ROOT / "clients/python", "tests"), (ROOT / "examples/flask-lab", None)]


def main() -> int:
    # Imported before discovery puts clients/python on sys.path: the tests then use the
    # installed package (what pip made of the repository), not the source tree beside them.
    import jobq_client

    print(f"jobq_client {jobq_client.__version__} from {Path(jobq_client.__file__).parent}")
    if os.environ.get("JOBQ_CLIENT_INSTALLED") and "site-packages" not in jobq_client.__file__:
        print("jobq_client was not imported from the installed package")
        return 1
    sys.path.insert(0, str(ROOT / "clients/python"))
    from tests.stack import start_stack  # noqa: E402 - needs the path above

    stack = start_stack()
    os.environ.update(stack.env())
    try:
        suite = unittest.TestSuite()
        loader = unittest.TestLoader()
        for top, package in SUITES:
            start = top / package if package else top
            suite.addTests(loader.discover(str(start), pattern="test_*.py", top_level_dir=str(top)))
        result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    finally:
        stack.stop()
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped - len(result.expectedFailures)
    print(f"\npython: {passed} passed, {failed} failed, {skipped} skipped")
    totals = add_to_totals({"passed": passed, "failed": failed, "skipped": skipped})
    print(f"Tests: {totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return 1 if failed or result.testsRun == 0 else 0


def add_to_totals(run: dict[str, int]) -> dict[str, int]:
    """This run plus the totals in JOBQ_TEST_TOTALS_FILE (written back); just this run without it."""
    path = os.environ.get("JOBQ_TEST_TOTALS_FILE")
    if not path:
        return run
    try:
        before = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        before = {}
    totals = {key: run[key] + int(before.get(key, 0)) for key in run}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(totals))
    return totals


if __name__ == "__main__":
    sys.exit(main())
