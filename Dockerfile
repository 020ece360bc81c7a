# The service as the README runs it: npm ci (which builds), then npm start.
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY sql ./sql
COPY data/data.parquet.gzip ./data/data.parquet.gzip
RUN npm ci --no-audit --no-fund && npm run build
ENV HOST=0.0.0.0 PORT=5000 NODE_ENV=production
EXPOSE 5000
CMD ["npm", "start"]
