# Deepr in a container: `deepr serve` (the app in a browser) with the poller,
# its data folder as a volume. See README.md, "Deepr in a browser".
#
#   docker build -t deepr .
#   docker run -d --name deepr -p 127.0.0.1:8710:8710 -v deepr-data:/data \
#     -e DEEPR_SERVE_TOKEN="$(openssl rand -hex 32)" -e OPENAI_API_KEY=sk-... deepr
#
# A test runs the binary the way this image does (serve_container_test.go
# reads the ENV, USER and CMD lines below): keep them simple.

FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=frontend /src/frontend/dist ./frontend/dist
# No desktop tag: the binary has no window and needs no GTK or WebKit.
RUN CGO_ENABLED=1 go build -tags sqlite_fts5 -trimpath \
    -ldflags "-w -s -X main.version=$(cat VERSION)" -o /out/deepr .

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin deepr \
    && mkdir -p /data && chown deepr:deepr /data
COPY --from=build /out/deepr /usr/local/bin/deepr
ENV DEEPR_DATA_DIR=/data DEEPR_CONFIG_DIR=/data/config HOME=/data DEEPR_NOTIFICATIONS=false DBUS_SESSION_BUS_ADDRESS=disabled:
VOLUME /data
USER 10001
EXPOSE 8710
# 0.0.0.0 inside the container; what reaches it is what `docker run -p`
# publishes (127.0.0.1 above). Put a TLS reverse proxy in front for other
# computers (and add --host NAME), or mount a certificate and use
# --tls-cert/--tls-key instead of --insecure-http.
ENTRYPOINT ["deepr"]
CMD ["serve", "--listen", "0.0.0.0:8710", "--insecure-http"]
