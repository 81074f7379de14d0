#!/bin/sh
# Back up the database and the attachments together:
#   backup.sh DIR   writes DIR/database.dump, DIR/attachments.tar.gz and DIR/MANIFEST (DIR must not exist yet
#                   or be empty);
#   backup.sh -     writes the same three files as one tar stream to stdout (for `docker compose run -T`:
#                   the file is written by the operator's shell, so no folder has to be shared with the container).
# Reads DATABASE_URL and REVIEW_ATTACHMENTS_DIR. Safe while the service runs: pg_dump takes one consistent
# snapshot first; an attachment's file is written before the row that names it is committed and is never
# changed or removed, so every attachment in the dump has its file in the tar (newer files are orphans).
# MANIFEST holds the sha256 of both parts; restore.sh checks them before it changes anything.
set -eu
. "$(dirname "$0")/log.sh"
target="${1:?usage: backup.sh DIR|-}"
url="${DATABASE_URL:?DATABASE_URL is not set}"
url="$(printf '%s' "$url" | sed 's#^postgresql+psycopg://#postgresql://#; s#^postgres://#postgresql://#')"
attachments="${REVIEW_ATTACHMENTS_DIR:?REVIEW_ATTACHMENTS_DIR is not set}"
if [ "$target" = "-" ]; then
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
else
    out="$target"
    if [ -d "$out" ] && [ -n "$(ls -A "$out")" ]; then log ERROR "$out is not empty; give a new folder"; exit 1; fi
    mkdir -p "$out"
fi
pg_dump --format=custom --no-owner --no-privileges --file="$out/database.dump" "$url"
mkdir -p "$attachments"
tar -C "$attachments" -czf "$out/attachments.tar.gz" .
{
    echo "created_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "database_dump_sha256=$(sha256sum "$out/database.dump" | cut -d' ' -f1)"
    echo "attachments_tar_sha256=$(sha256sum "$out/attachments.tar.gz" | cut -d' ' -f1)"
    echo "attachment_files=$(find "$attachments" -type f | wc -l)"
} > "$out/MANIFEST"
if [ "$target" = "-" ]; then
    tar -C "$out" -cf - MANIFEST database.dump attachments.tar.gz
    log INFO "backup written to stdout"
else
    log INFO "backup written to $out"
fi
