"""The seeds' Flask producer (004_*): POST /start enqueues a task and answers its id."""
import sys

from flask import Flask, jsonify
from redis import Redis
from rq import Queue

import tasks

queue = Queue("default", connection=Redis.from_url(sys.argv[1]))
app = Flask(__name__)


@app.post("/start")
def start():
    job = queue.enqueue(tasks.noop, 1)
    return jsonify(id=job.id), 202


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[2]), threaded=True)
