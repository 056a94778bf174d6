#!/bin/sh
# A role a streaming replica connects as, made once when the primary first creates its data
# volume, only when CME_REPLICATION_PASSWORD is set (docker-compose.replica.yml, docs/replica.md).
set -eu
[ -n "${CME_REPLICATION_PASSWORD:-}" ] || exit 0
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v password="$CME_REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE cme_replicator LOGIN REPLICATION PASSWORD :'password';
SQL
echo "host replication cme_replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
