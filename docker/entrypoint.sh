#!/bin/sh
# The image's entry point: one command per role. Configuration only through environment variables
# (README, "Settings"). REVIEW_ENTRYPOINT_DRY_RUN=1 prints the command instead of running it (tests).
set -eu
export FLASK_APP=review_service

run() {
    if [ "${REVIEW_ENTRYPOINT_DRY_RUN:-0}" = "1" ]; then echo "$*"; exit 0; fi
    exec "$@"
}

command="${1:-help}"
[ $# -gt 0 ] && shift
case "$command" in
    web)      # a web node; migrations are NOT run here (see "migrate")
        if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ] && [ "${REVIEW_ENTRYPOINT_DRY_RUN:-0}" != "1" ]; then
            rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
        fi
        run gunicorn -c docker/gunicorn.conf.py "review_service:create_app()" "$@" ;;
    worker)   # due jobs: timers, reminders, deadline breaches
        run flask review worker "$@" ;;
    migrate)  # one-shot: bring the database schema to the head revision, publish the default process
        if [ "${REVIEW_ENTRYPOINT_DRY_RUN:-0}" = "1" ]; then echo "flask db upgrade && flask review publish-defaults"; exit 0; fi
        flask db upgrade
        run flask review publish-defaults ;;
    ready)    # exit 0 when the database answers, is migrated and has this year's calendar
        run flask review ready "$@" ;;
    backup)   # backup.sh DIR, or `backup -`: one tar stream on stdout
        run sh docker/backup.sh "$@" ;;
    restore)  # restore.sh DIR, or `restore -`: the tar stream on stdin (into an empty database)
        run sh docker/restore.sh "$@" ;;
    verify)   # every case's history chain and every attachment's checksum (exit 1 names what is broken)
        if [ "${REVIEW_ENTRYPOINT_DRY_RUN:-0}" = "1" ]; then echo "flask review verify-history && flask review verify-attachments"; exit 0; fi
        status=0
        flask review verify-history || status=1
        flask review verify-attachments || status=1
        exit $status ;;
    flask)    # any other management command, e.g. `flask review seed-demo`
        run flask "$@" ;;
    help|*)
        echo "usage: entrypoint.sh web|worker|migrate|ready|backup DIR|-|restore DIR|-|verify|flask ARGS..." >&2
        [ "$command" = "help" ] && exit 0 || exit 2 ;;
esac
