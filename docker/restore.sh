#!/bin/sh
# Restore a backup made by backup.sh into an EMPTY database and attachments folder:
#   DATABASE_URL=postgresql://... REVIEW_ATTACHMENTS_DIR=/data/attachments restore.sh DIR   (or `-`: the tar
#   stream of `backup.sh -` on stdin)
# Stop the web nodes and workers first. Refuses a database that has any table (a migrated database
# included: restore into an empty one, see the README's runbook) and a backup whose checksums do not match
# its MANIFEST. The migrations are not run: the dump carries the schema and its Alembic revision; the
# migrate step afterwards brings it to the image's head. Verify afterwards with
# `flask review verify-history` and `flask review verify-attachments`.
set -eu
. "$(dirname "$0")/log.sh"
source="${1:?usage: restore.sh DIR|-}"
url="${DATABASE_URL:?DATABASE_URL is not set}"
url="$(printf '%s' "$url" | sed 's#^postgresql+psycopg://#postgresql://#; s#^postgres://#postgresql://#')"
attachments="${REVIEW_ATTACHMENTS_DIR:?REVIEW_ATTACHMENTS_DIR is not set}"
if [ "$source" = "-" ]; then
    backup="$(mktemp -d)"
    trap 'rm -rf "$backup"' EXIT
    tar -C "$backup" -xf -
else
    backup="$source"
fi
for part in MANIFEST database.dump attachments.tar.gz; do
    [ -f "$backup/$part" ] || { log ERROR "not a backup (no $part): $source"; exit 1; }
done
expect() { sed -n "s/^$1=//p" "$backup/MANIFEST"; }
for pair in "database.dump database_dump_sha256" "attachments.tar.gz attachments_tar_sha256"; do
    set -- $pair
    wanted="$(expect "$2")"
    if [ -n "$wanted" ] && [ "$(sha256sum "$backup/$1" | cut -d' ' -f1)" != "$wanted" ]; then
        log ERROR "$1 does not match its checksum in MANIFEST: the backup is damaged"; exit 1
    fi
done
tables="$(psql --no-psqlrc -X -At -d "$url" -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"
if [ "$tables" != "0" ]; then
    log ERROR "the database is not empty ($tables tables); restore only into an empty database (README, \"Backup and restore\")"
    exit 1
fi
pg_restore --exit-on-error --no-owner --no-privileges --single-transaction --dbname="$url" "$backup/database.dump"
mkdir -p "$attachments"
tar -C "$attachments" -xzf "$backup/attachments.tar.gz"
log INFO "restored $source; next: verify it (flask review verify-history and verify-attachments)"
