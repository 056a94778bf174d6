#!/bin/sh
# The CME tracker's two database roles, made once when the postgres image first creates its
# data volume (it runs every script in /docker-entrypoint-initdb.d). See the README, "Database
# roles": cme_owner owns the schema and runs migrations; cme_app is what the web server, worker
# and beat connect as, and owns nothing.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v owner_password="$CME_OWNER_DB_PASSWORD" -v app_password="$CME_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE cme_owner LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD :'owner_password';
CREATE ROLE cme_app LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD :'app_password';
CREATE DATABASE cme OWNER cme_owner;
REVOKE ALL ON DATABASE cme FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE cme TO cme_app;
SQL
