"""A live jobq for the tests: a private redis-server, the built producer (twice: open, and with
JOBQ_API_TOKENS), and a worker for every queue, on free loopback ports under a fresh prefix.

``shared_stack()`` answers the stack that ``run.py`` started (its URLs are in the environment),
or starts one for this process (stopped at exit) when a test module runs alone:
``python -m unittest tests.test_client`` from clients/python, after ``pnpm build``.
"""
from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "python-client-test-token-0123456789"
START_TIMEOUT_S = 60.0


def free_port() -> int:
    """A port the OS says is free on loopback now (listen on 0, read it, close)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    """URLs of the live stack; ``stop()`` ends the processes this process started."""

    url: str
    auth_url: str
    token: str
    processes: List[subprocess.Popen[bytes]] = field(default_factory=list)
    workdir: Optional[str] = None

    def stop(self) -> None:
        for proc in reversed(self.processes):
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.processes.clear()
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def env(self) -> Dict[str, str]:
        return {"JOBQ_TEST_URL": self.url, "JOBQ_TEST_AUTH_URL": self.auth_url, "JOBQ_TEST_TOKEN": self.token}


def _spawn(args: List[str], env: Dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    base = {k: v for k, v in os.environ.items() if k not in ("JOBQ_API_TOKENS", "NODE_ENV")}
    with open(log, "wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(args, cwd=ROOT, env={**base, **env}, stdout=out, stderr=subprocess.STDOUT)


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    """Asks ``url`` until it answers 200. A process gives no other sign of readiness."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as res:
                if res.status == 200:
                    return
        except OSError:
            pass  # not listening yet, or not ready (503)
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} not ready within {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)


def _redis(stack: Stack, work: Path) -> str:
    port = free_port()
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    log = work / "redis.log"
    proc = _spawn(args, {}, log)
    stack.processes.append(proc)
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:  # PING until it answers; a taken port makes redis-server exit, caught here
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server on {port} exited:\n{log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return f"redis://127.0.0.1:{port}"
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("redis-server did not answer PING")
        time.sleep(0.05)


def _node_app(stack: Stack, work: Path, name: str, app: str, env: Dict[str, str], ready: str) -> None:
    for entry in ("apps/producer/dist/main.js", "apps/worker/dist/main.js"):
        if not (ROOT / entry).exists():
            raise RuntimeError(f"{entry} is missing: run `pnpm build` first")
    log = work / f"{name}.log"
    proc = _spawn(["node", f"apps/{app}/dist/main.js"], env, log)
    stack.processes.append(proc)
    _wait_ready(ready, proc, log)


def start_stack() -> Stack:
    """Starts Redis, the open producer, the token producer and a worker; raises if any fails."""
    work = Path(tempfile.mkdtemp(prefix="jobq-python-"))
    stack = Stack(url="", auth_url="", token=TOKEN, workdir=str(work))
    try:
        common = {
            "REDIS_URL": _redis(stack, work),
            "JOBQ_PREFIX": f"pytest-{uuid.uuid4().hex[:8]}",
            "LOG_LEVEL": "warn",
        }
        ports = {"open": free_port(), "auth": free_port(), "worker": free_port()}
        for name, extra in (("open", {}), ("auth", {"JOBQ_API_TOKENS": TOKEN})):
            url = f"http://127.0.0.1:{ports[name]}"
            env = {**common, **extra, "PORT": str(ports[name]), "HOST": "127.0.0.1"}
            _node_app(stack, work, f"producer-{name}", "producer", env, f"{url}/readyz")
        stack.url, stack.auth_url = f"http://127.0.0.1:{ports['open']}", f"http://127.0.0.1:{ports['auth']}"
        worker_env = {
            **common,
            "WORKER_HTTP_PORT": str(ports["worker"]),
            "WORKER_HTTP_HOST": "127.0.0.1",
            "JOBQ_DEMO_FILE": str(work / "large_file.txt"),
            "JOBQ_DEMO_FILE_MB": "1",
        }
        _node_app(stack, work, "worker", "worker", worker_env, f"http://127.0.0.1:{ports['worker']}/readyz")
    except BaseException:
        stack.stop()
        raise
    return stack


_shared: Optional[Stack] = None


def shared_stack() -> Stack:
    """The run's stack (from the environment), else one started now and stopped at exit."""
    global _shared
    if _shared is None:
        if os.environ.get("JOBQ_TEST_URL"):
            _shared = Stack(
                os.environ["JOBQ_TEST_URL"], os.environ["JOBQ_TEST_AUTH_URL"], os.environ["JOBQ_TEST_TOKEN"]
            )
        else:
            _shared = start_stack()
            atexit.register(_shared.stop)
    return _shared
