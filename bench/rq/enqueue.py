"""Enqueues COUNT no-op tasks on RQ's default queue, the way the seeds' producer.py does."""
import sys

from redis import Redis
from rq import Queue

import tasks

url, count = sys.argv[1], int(sys.argv[2])
queue = Queue("default", connection=Redis.from_url(url))
for n in range(count):
    queue.enqueue(tasks.noop, n)
