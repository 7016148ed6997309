#!/bin/sh
# First start of the primary only (docker-entrypoint-initdb.d): let the standby connect for replication (base backup
# and WAL stream) with the database user's password, and make replication synchronous from the next start on (the
# server the entrypoint starts after initialisation): a commit is acknowledged once the standby has flushed it.
set -e
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -c "ALTER SYSTEM SET synchronous_standby_names = '*'"
