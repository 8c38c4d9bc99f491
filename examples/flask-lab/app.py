"""The seeds' Flask lab on jobq: RQ's ``queue.enqueue`` becomes the typed Python client.

Routes (the lab's JSON, unchanged for its callers):

- ``GET /start[?ms=N]`` enqueues ``demo.sleep`` (the lab's ``save_to_file``) with a random delay
  of 20-30 s, or ``ms``: ``{ jobId, timeOfEnqueue, message }``.
- ``GET /status/<id>``: ``{ result }``, null until the job has completed.
- ``GET /list``: ``{ jobs }``, the ids of the jobs running now (RQ's ``StartedJobRegistry``).
- ``GET /task?n=N`` (seed 000): N ``demo.echo`` jobs on ``default`` in one request: ``{ jobIds }``.
- ``GET /tasks?n=N`` and ``GET /init_model`` (seed 000): ``demo.big-file`` jobs on ``big_file``.
- ``GET /healthz``: the app answers (the compose health check).

API errors answer as jobq's problem document with its status (a bad ``n``: 400).

Run: ``JOBQ_URL=http://localhost:3000 JOBQ_TOKEN=<optional> PORT=5000 python examples/flask-lab/app.py``
"""
from __future__ import annotations

import os
import random
from typing import Any, Dict, Tuple

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from jobq_client import JobqApiError, JobqClient
from jobq_client.models import DemoSleepInput

Problem = Tuple[Dict[str, Any], int]


def bad_request(detail: str) -> Problem:
    return {"type": "/problems/validation", "title": "Bad Request", "status": 400, "detail": detail}, 400


def count_arg() -> int:
    """``?n=`` as a positive int; ValueError otherwise."""
    n = request.args.get("n", type=int)
    if n is None or n < 1:
        raise ValueError("n must be a positive integer, e.g. /task?n=5")
    return n


def create_app(jobq: JobqClient) -> Flask:
    """The lab's app over one client (tests and ``main`` each pass theirs)."""
    app = Flask(__name__)

    @app.get("/start")
    def start() -> ResponseReturnValue:
        # The lab slept 20-30 s; ?ms= makes a demo (or a test) quicker.
        ms = request.args.get("ms", type=int) or random.randint(20, 30) * 1000
        msg = f"generating task with delay: {ms} ms"
        job = jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=ms, message=msg))
        return {
            "jobId": job.id,
            "timeOfEnqueue": job.enqueued_at,
            "message": f"{msg} with id: {job.id} added to queue at {job.enqueued_at}",
        }

    @app.get("/status/<job_id>")
    def status(job_id: str) -> ResponseReturnValue:
        return {"result": jobq.get(job_id).result}

    @app.get("/list")
    def running() -> ResponseReturnValue:
        return {"jobs": [job.id for job in jobq.list_jobs("default", state="active", limit=1000)]}

    @app.get("/task")
    def task() -> ResponseReturnValue:
        try:
            n = count_arg()
        except ValueError as err:
            return bad_request(str(err))
        return {"jobIds": jobq.jobs.demo_echo.enqueue_count(n, {"task": "simple"}).ids}

    @app.get("/tasks")
    def tasks() -> ResponseReturnValue:
        try:
            n = count_arg()
        except ValueError as err:
            return bad_request(str(err))
        return {"jobIds": jobq.jobs.demo_big_file.enqueue_count(n, {}).ids}

    @app.get("/init_model")
    def init_model() -> ResponseReturnValue:
        return {"jobId": jobq.jobs.demo_big_file.enqueue({}).id}

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        return {"ok": True}

    @app.errorhandler(JobqApiError)
    def api_error(err: JobqApiError) -> ResponseReturnValue:
        # jobq's own answer (404 unknown job, 401 bad token, 503 Redis away) reaches the caller.
        response = jsonify(err.problem.raw or {"status": err.status, "detail": str(err)})
        response.content_type = "application/problem+json"
        return response, err.status

    return app


def main() -> None:
    jobq = JobqClient(
        os.environ.get("JOBQ_URL", "http://localhost:3000"), os.environ.get("JOBQ_TOKEN") or None
    )
    create_app(jobq).run(host=os.environ.get("HOST", "0.0.0.0"), port=int(os.environ.get("PORT", "5000")))


if __name__ == "__main__":
    main()
