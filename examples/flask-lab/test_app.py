"""The lab's flow end to end through Flask: app.py as its own process, over the live stack
(tests/stack.py in clients/python), on a free port. Run by scripts/python-ci.sh."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from jobq_client import JobqClient
from tests.stack import free_port, shared_stack

APP = Path(__file__).with_name("app.py")


def get(url: str) -> Tuple[int, Dict[str, Any]]:
    """GET, answering (status, JSON body), error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


class LabApp:
    """``python app.py`` with JOBQ_URL / JOBQ_TOKEN / PORT, until ``stop()``."""

    def __init__(self, jobq_url: str, token: Optional[str] = None) -> None:
        port = free_port()
        env = {**os.environ, "JOBQ_URL": jobq_url, "PORT": str(port), "HOST": "127.0.0.1"}
        env.pop("JOBQ_TOKEN", None)
        if token:
            env["JOBQ_TOKEN"] = token
        self.url = f"http://127.0.0.1:{port}"
        # A file, not a pipe: the dev server logs every request, and a full pipe would block it.
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, str(APP)], env=env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 30
        while True:  # the app gives no other sign of readiness than answering
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"app.py exited:\n{self.log.read().decode()[-3000:]}")
            try:
                if get(f"{self.url}/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("app.py did not answer /healthz within 30 s")
            time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


class FlaskLabTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.app = LabApp(shared_stack().url)
        cls.jobq = JobqClient(shared_stack().url)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.app.stop()
        cls.jobq.close()

    def test_start_then_list_while_running_then_status_with_the_result(self) -> None:
        status, started = get(f"{self.app.url}/start?ms=2000")
        self.assertEqual(status, 200)
        job_id = started["jobId"]
        self.assertEqual(set(started), {"jobId", "timeOfEnqueue", "message"})
        self.assertIn(job_id, started["message"])
        for event in self.jobq.events(job_id):  # its first progress event: it runs now
            if event.type == "progress":
                break
        self.assertIn(job_id, get(f"{self.app.url}/list")[1]["jobs"])
        self.assertEqual(get(f"{self.app.url}/status/{job_id}"), (200, {"result": None}))
        self.jobq.wait(job_id, timeout=30)
        expected = {"sleptMs": 2000, "message": "generating task with delay: 2000 ms"}
        self.assertEqual(get(f"{self.app.url}/status/{job_id}"), (200, {"result": expected}))
        self.assertNotIn(job_id, get(f"{self.app.url}/list")[1]["jobs"])

    def test_task_n_enqueues_n_simple_jobs(self) -> None:
        status, body = get(f"{self.app.url}/task?n=5")
        self.assertEqual((status, len(set(body["jobIds"]))), (200, 5))
        for job_id in body["jobIds"]:
            self.assertEqual(self.jobq.wait(job_id, timeout=30), {"echo": {"task": "simple"}})
            self.assertEqual(
                get(f"{self.app.url}/status/{job_id}")[1], {"result": {"echo": {"task": "simple"}}}
            )

    def test_tasks_and_init_model_run_on_the_big_file_queue(self) -> None:
        ids = get(f"{self.app.url}/tasks?n=2")[1]["jobIds"] + [get(f"{self.app.url}/init_model")[1]["jobId"]]
        results = [self.jobq.jobs.demo_big_file.wait(i, timeout=30) for i in ids]
        self.assertEqual({r.bytes for r in results}, {1024 * 1024})  # JOBQ_DEMO_FILE_MB=1
        self.assertEqual({self.jobq.get(i).queue for i in ids}, {"big_file"})

    def test_bad_input_and_unknown_jobs_answer_problems(self) -> None:
        for query in ("", "?n=0", "?n=many"):
            status, body = get(f"{self.app.url}/task{query}")
            self.assertEqual((status, body["status"]), (400, 400), query)
        status, body = get(f"{self.app.url}/status/{uuid.uuid4()}")
        self.assertEqual((status, body["status"]), (404, 404))

    def test_a_token_from_the_environment_reaches_a_protected_producer(self) -> None:
        stack = shared_stack()
        with_token, without = LabApp(stack.auth_url, stack.token), LabApp(stack.auth_url)
        self.addCleanup(with_token.stop)
        self.addCleanup(without.stop)
        self.assertEqual(get(f"{with_token.url}/start?ms=10")[0], 200)
        status, body = get(f"{without.url}/start?ms=10")
        self.assertEqual((status, body["status"]), (401, 401))


if __name__ == "__main__":
    unittest.main()
