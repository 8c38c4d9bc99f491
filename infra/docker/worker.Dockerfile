# syntax=docker/dockerfile:1
# The worker (one image for every queue group: the queue is the command's argument) and, once
# apps/cli exists, the `jobq` CLI beside it. Build from the repository root:
#   docker build -f infra/docker/worker.Dockerfile -t jobq-worker .
#   docker run jobq-worker node dist/main.js big_file
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
RUN npm install --global pnpm@12.21.0
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
^ && pnpm build \
 && node scripts/deploy-folder.mjs worker /out/worker
# Hook for the CLI (apps/cli, built separately): deployed beside the worker when it exists.
RUN if [ -f apps/cli/package.json ]; then node scripts/deploy-folder.mjs cli /out/cli; \
    else mkdir -p /out/cli; fi

FROM ${NODE_IMAGE}
ENV NODE_ENV=production WORKER_HTTP_PORT=9464
WORKDIR /app
COPY --from=build --chown=node:node /out/worker ./
COPY --from=build --chown=node:node /out/cli /opt/jobq-cli
# `jobq …` inside the container (docker compose exec worker-default jobq info), once the CLI ships.
RUN printf '#!/bin/sh\nexec node /opt/jobq-cli/dist/main.js "$@"\n' > /usr/local/bin/jobq \
 && chmod 755 /usr/local/bin/jobq \
 && mkdir -p /app/.jobq && chown node:node /app/.jobq
USER node
EXPOSE 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.WORKER_HTTP_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
