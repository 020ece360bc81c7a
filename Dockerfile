# The service as the README runs it: npm ci (which builds, through the prepare script), then npm start.
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY sql ./sql
COPY data/data.parquet.gzip data/sample-events.json ./data/
RUN npm ci --no-audit --no-fund
ENV HOST=0.0.0.0 PORT=5000 NODE_ENV=production
# Accepted events must outlive the container: mount the event store.
VOLUME /app/data/events
EXPOSE 5000
CMD ["npm", "start"]
