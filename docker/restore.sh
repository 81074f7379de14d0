#!/bin/sh
# Restore a backup made by backup.sh into an EMPTY database and attachments folder:
#   DATABASE_URL=postgresql://... REVIEW_ATTACHMENTS_DIR=/data/attachments restore.sh BACKUP_DIR
# Stop the web nodes and workers first. The migrations are not run: the dump carries the schema
# and its Alembic revision; run the migrate step afterwards when the image is newer than the backup.
set -eu
backup="${1:?usage: restore.sh BACKUP_DIR}"
url="${DATABASE_URL:?DATABASE_URL is not set}"
url="$(printf '%s' "$url" | sed 's#^postgresql+psycopg://#postgresql://#; s#^postgres://#postgresql://#')"
attachments="${REVIEW_ATTACHMENTS_DIR:?REVIEW_ATTACHMENTS_DIR is not set}"
[ -f "$backup/database.dump" ] && [ -f "$backup/attachments.tar.gz" ] || { echo "not a backup: $backup" >&2; exit 1; }
pg_restore --exit-on-error --no-owner --no-privileges --single-transaction --dbname="$url" "$backup/database.dump"
mkdir -p "$attachments"
tar -C "$attachments" -xzf "$backup/attachments.tar.gz"
echo "restored $backup"
