# syntax=docker/dockerfile:1
# The seeds' Flask lab on jobq (examples/flask-lab/app.py). Build from the repository root:
#   docker build -f infra/docker/flask-lab.Dockerfile -t jobq-flask-lab .
# The Python client is installed from this repository the way CI installs it
# (scripts/python-ci.sh): Debian's Flask and httpx, a venv with system site packages, pip with
# no index, so the image needs Debian's mirrors and nothing from PyPI.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      python3 python3-venv python3-flask python3-httpx python3-setuptools python3-wheel \
 && rm -rf /var/lib/apt/lists/*
COPY clients/python /src/clients/python
RUN python3 -m venv --system-site-packages /venv \
 && /venv/bin/pip install --no-index --no-build-isolation /src/clients/python \
 && rm -rf /src
WORKDIR /app
COPY examples/flask-lab/app.py ./
ENV PATH=/venv/bin:$PATH PORT=5000 PYTHONUNBUFFERED=1
USER nobody
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['PORT'] + '/healthz', timeout=2)"]
CMD ["python", "app.py"]
