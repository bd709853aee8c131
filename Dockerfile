# syntax=docker/dockerfile:1
# One image for both processes; docker-compose.yml picks the command:
#   api:    node dist/apps/api/src/main.js
#   worker: node dist/apps/worker/src/main.js

FROM node:20-bookworm AS build
WORKDIR /app
# Same npm major as development (package-lock.json is written by npm 11).
RUN npm install -g npm@11
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build \
 && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/scripts ./scripts
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
