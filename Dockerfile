# Golive in a container: `docker build -t golive .` then see DEPLOYMENT.md ("Docker").
# Two stages: the build stage compiles better-sqlite3 and the TypeScript; the image keeps only what runs.
# The only network the build uses is the npm registry (npm ci): better-sqlite3 is compiled against the Node
# headers already in the image instead of fetching a prebuilt binary or headers from elsewhere.

# Node LTS, pinned; bump deliberately (and run the tests on it) rather than float with a moving tag.
ARG NODE_VERSION=22.21.1

FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
# The full bookworm image carries python3, make and g++ for node-gyp; nodedir points it at the local headers.
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local \
    npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false
COPY package.json package-lock.json ./
# Scripts off for the install itself (`prepare` would build before the sources are here); the one native module
# is then built on its own.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY db ./db
RUN npm run build && npm prune --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim
# Golive's own unprivileged user; the database lives in /data, a volume.
RUN groupadd --system golive \
 && useradd --system --gid golive --home-dir /data --no-create-home --shell /usr/sbin/nologin golive \
 && mkdir /data && chown golive:golive /data && chmod 0750 /data
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    DATABASE_URL=/data/golive.db
# Owned by root, read-only for golive: the running process cannot change its own code.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY templates ./templates
USER golive
VOLUME ["/data"]
EXPOSE 3000
# /health/live: the process answers. Node has fetch; the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form, node as PID 1: SIGTERM from `docker stop` reaches Golive, which stops in order and exits 0 (npm
# start would rebuild and would not pass the signal on).
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
