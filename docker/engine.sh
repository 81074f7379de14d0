#!/bin/sh
# The container engine for `make image` / `make image-check`: docker when its daemon answers, else podman.
# For podman on a root host without a daemon (see .ci/run), PODMAN_DIR names the folder whose storage.conf and
# containers.conf the stand-in base images were built with (default /var/tmp/review-podman, used when present).
#   sh docker/engine.sh build ...   sh docker/engine.sh run ...   sh docker/engine.sh name
set -eu
if [ -z "${REVIEW_CONTAINER_ENGINE:-}" ]; then
    if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then REVIEW_CONTAINER_ENGINE=docker
    elif command -v podman >/dev/null 2>&1; then REVIEW_CONTAINER_ENGINE=podman
    else echo "no container engine: install docker (with its daemon running) or podman" >&2; exit 1; fi
fi
if [ "$REVIEW_CONTAINER_ENGINE" = podman ]; then
    dir="${PODMAN_DIR:-/var/tmp/review-podman}"
    if [ -f "$dir/storage.conf" ] && [ -z "${CONTAINERS_STORAGE_CONF:-}" ]; then
        export CONTAINERS_STORAGE_CONF="$dir/storage.conf" CONTAINERS_CONF="$dir/containers.conf"
    fi
fi
[ "${1:-}" = name ] && { echo "$REVIEW_CONTAINER_ENGINE"; exit 0; }
exec "$REVIEW_CONTAINER_ENGINE" "$@"
