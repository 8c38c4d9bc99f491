"""Static typing of the client, checked by mypy (Debian's `mypy`; skipped where it is missing).

Positive: the client, the Flask lab and typing_check.py pass ``mypy --strict``. Negative
control: with typing_check.py's ``# type: ignore[code]`` marks removed, mypy must report
exactly those errors on those lines, so a client that stopped typing payloads would fail here.
"""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
MARK = re.compile(r"\s*# type: ignore\[([a-z-]+)\]$")


def mypy(*paths: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    cache = str(ROOT / ".jobq/mypy-cache")  # shared by both runs: the second takes seconds, not 15
    args = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--cache-dir",
        cache,
        "--python-version",
        "3.11",
        *paths,
    ]
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)


@unittest.skipUnless(importlib.util.find_spec("mypy"), "mypy is not installed (apt-get install mypy)")
class TypingTest(unittest.TestCase):
    def test_client_lab_and_usage_pass_strict_mypy(self) -> None:
        paths = [str(HERE / "typing_check.py"), str(ROOT / "examples/flask-lab/app.py")]
        run = mypy("jobq_client", *paths, cwd=ROOT / "clients/python")
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)

    def test_wrong_payloads_and_results_are_type_errors(self) -> None:
        lines = (HERE / "typing_check.py").read_text().splitlines()
        expected = {(n, m.group(1)) for n, line in enumerate(lines, 1) if (m := MARK.search(line))}
        self.assertGreaterEqual(len(expected), 5)
        with tempfile.TemporaryDirectory() as tmp:
            bare = Path(tmp) / "typing_bare.py"
            bare.write_text("\n".join(MARK.sub("", line) for line in lines) + "\n")
            run = mypy(str(bare), cwd=ROOT / "clients/python")
        found = {
            (int(n), code)
            for n, code in re.findall(r"typing_bare\.py:(\d+): error: .*\[([a-z-]+)\]", run.stdout)
        }
        self.assertEqual(found, expected, run.stdout)


if __name__ == "__main__":
    unittest.main()
