# Sourced by backup.sh and restore.sh: log LEVEL MESSAGE writes one line to stderr, a JSON object under
# REVIEW_LOG_FORMAT=json (as every other process of the image logs), plain text otherwise.
log() {
    if [ "${REVIEW_LOG_FORMAT:-text}" = json ]; then
        printf '{"time": "%s", "level": "%s", "logger": "%s", "message": "%s"}\n' \
            "$(date -u +%Y-%m-%dT%H:%M:%S+00:00)" "$1" "docker.$(basename "$0" .sh)" \
            "$(printf '%s' "$2" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr '\n\t' '  ')"
    else
        printf '%s\n' "$2"
    fi >&2
}
