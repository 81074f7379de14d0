#!/bin/sh
# Back up the database (pg_dump custom format) and the attachments folder into OUTPUT_DIR:
#   OUTPUT_DIR/database.dump  OUTPUT_DIR/attachments.tar.gz  OUTPUT_DIR/MANIFEST
# Reads DATABASE_URL and REVIEW_ATTACHMENTS_DIR. Safe while the service runs: pg_dump takes one
# consistent snapshot; files are written before the row that names them is committed, so a file
# newer than the dump is at worst an orphan, never a missing attachment of a backed-up case.
set -eu
out="${1:?usage: backup.sh OUTPUT_DIR}"
url="${DATABASE_URL:?DATABASE_URL is not set}"
url="$(printf '%s' "$url" | sed 's#^postgresql+psycopg://#postgresql://#; s#^postgres://#postgresql://#')"
attachments="${REVIEW_ATTACHMENTS_DIR:?REVIEW_ATTACHMENTS_DIR is not set}"
mkdir -p "$out"
pg_dump --format=custom --no-owner --no-privileges --file="$out/database.dump" "$url"
mkdir -p "$attachments"
tar -C "$attachments" -czf "$out/attachments.tar.gz" .
{
    echo "created_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "database_dump_bytes=$(wc -c < "$out/database.dump")"
    echo "attachment_files=$(find "$attachments" -type f | wc -l)"
} > "$out/MANIFEST"
echo "backup written to $out"
