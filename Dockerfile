# Crier: multi-stage build. The Node major CI tests with is a build argument.
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
# better-sqlite3 is a native module: compilers for node-gyp.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json build.mjs ./
COPY src ./src
COPY adapters ./adapters
RUN npm run build && npm prune --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    CRIER_CONFIG=/config/crier.yaml
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config-example
# Data (the SQLite delivery log) lives in a volume; the config is mounted read-only at /config.
RUN mkdir -p /data /config && chown -R node:node /data
# The CLI's code cache (src/cli/code-cache.ts), made here by a first run of the short commands on a
# copy of the example config, into node_modules/.cache/crier (root's, readable by all: the node user
# reads it and never writes it). Other commands compile as usual; CRIER_CODE_CACHE=/a/volume lets
# them keep a cache too.
RUN cp -r /app/config-example /tmp/warm \
 && sed -i 's|path: ../data/crier.db|path: /tmp/warm/crier.db|' /tmp/warm/crier.yaml \
 && for command in "poll --once" validate deliveries feeds destinations; do \
      CRIER_CONFIG=/tmp/warm/crier.yaml node /app/dist/src/cli.js $command >/dev/null 2>&1 || true; \
    done \
 && rm -rf /tmp/warm && ls /app/node_modules/.cache/crier
USER node
VOLUME ["/data"]
# The WebSub listener, when `websub` is configured (set websub.listen.host to 0.0.0.0 in a container).
EXPOSE 8080
ENTRYPOINT ["node", "/app/dist/src/cli.js"]
CMD ["run"]
