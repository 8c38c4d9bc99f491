# syntax=docker/dockerfile:1
# The producer (HTTP API). Build from the repository root:
#   docker build -f infra/docker/producer.Dockerfile -t jobq-producer .
ARG NODE_IMAGE=node:20.20-bookworm-slim

# Build stage: the whole workspace, dev tools included, then the app's deploy folder.
FROM ${NODE_IMAGE} AS build
RUN npm install --global pnpm@12.21.0
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm turbo run build --filter=@jobq/producer... \
 && node scripts/deploy-folder.mjs producer /out

# Runtime stage: the deploy folder only (dist + production node_modules), as the `node` user.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /out ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
