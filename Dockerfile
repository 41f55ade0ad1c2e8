# Multi-stage image for both apps: `node apps/api/dist/main.js` or `node apps/worker/dist/main.js`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json turbo.json tsconfig.json prisma.config.ts ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY apps/console/package.json apps/console/
COPY packages/shared/package.json packages/shared/
# No install scripts: nothing here needs one, and Prisma's would download engines it does not use.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# deploy/runtime-env.json: a heap of 128 MB (V8 would otherwise let garbage pile up
# toward gigabytes before collecting) and two malloc arenas (fewer, fuller arenas:
# about 50 MB less resident memory under load). Raise the heap for very large bursts.
ENV NODE_OPTIONS=--max-old-space-size=128 MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/packages/shared/package.json packages/shared/
COPY --from=build /app/packages/shared/dist packages/shared/dist
COPY --from=build /app/apps/api/package.json apps/api/
COPY --from=build /app/apps/api/dist apps/api/dist
COPY --from=build /app/apps/worker/package.json apps/worker/
COPY --from=build /app/apps/worker/dist apps/worker/dist
# The console's static build, served by the API at /console.
COPY --from=build /app/apps/console/dist apps/console/dist
COPY prisma prisma
COPY docs docs
USER node
EXPOSE 5160 5161 5162 5163
# node is PID 1's child only through tini-free exec form: it receives SIGTERM itself.
CMD ["node", "apps/api/dist/main.js"]
