# The service as the README runs it, in two stages: the build (npm ci, then tsc) and a runtime image with
# only the production dependencies, dist/, sql/ and the sample data, run as the unprivileged `node` user.
# tini is PID 1, so signals reach the server (which shuts down gracefully on SIGTERM) and orphans are reaped.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY src ./src
RUN npm run build

FROM node:20-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=5000
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY sql ./sql
# The dashboard's page, script and styles are served as they are, from the source tree.
COPY src/dashboard/public ./src/dashboard/public
COPY data/data.parquet.gzip data/sample-events.json data/sample-events.ndjson ./data/
RUN chown -R node:node /app/data
USER node
# The warehouse, its run log and the event store: accepted events must outlive the container.
VOLUME /app/data
EXPOSE 5000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/server.js"]
