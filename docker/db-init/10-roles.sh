#!/bin/sh
# First start of the database container only (docker-entrypoint-initdb.d): the two roles of the service.
#   review_owner  owns the database and every table; the `migrate` step (and restore) connect as it.
#   review_app    the web nodes and workers: reads and writes rows, owns nothing, so it can neither
#                 ALTER TABLE ... DISABLE TRIGGER nor DROP TRIGGER (owner only), nor SET
#                 session_replication_role (superuser only), nor TRUNCATE (not granted): the history's
#                 append-only triggers stay on whatever the service's credentials are used for.
# The superuser (POSTGRES_USER) is used for nothing else.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v owner_password="$REVIEW_DB_OWNER_PASSWORD" -v app_password="$REVIEW_DB_APP_PASSWORD" <<'SQL'
CREATE ROLE review_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'owner_password';
CREATE ROLE review_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_password';
CREATE DATABASE review OWNER review_owner;
\connect review
REVOKE ALL ON DATABASE review FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE review TO review_app;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO review_owner;
GRANT USAGE ON SCHEMA public TO review_app;
-- every table and sequence the owner creates later (the migrations, a restore) is usable by the app:
ALTER DEFAULT PRIVILEGES FOR ROLE review_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO review_app;
ALTER DEFAULT PRIVILEGES FOR ROLE review_owner IN SCHEMA public
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO review_app;
SQL
