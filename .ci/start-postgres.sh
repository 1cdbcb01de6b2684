#!/usr/bin/env bash
# Installs (Debian package) and starts a PostgreSQL server for the storage and workflow tests, and
# prints the SQLAlchemy URL of a role that may create databases. Idempotent.
set -euo pipefail

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
read -r version cluster port _ <<<"$(pg_lsclusters -h | head -n 1)"
pg_ctlcluster "$version" "$cluster" start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
su postgres -c "psql -q -p $port" >&2 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'footprint') THEN
    CREATE ROLE footprint LOGIN CREATEDB PASSWORD 'footprint';
  END IF;
END $$;
SQL
echo "postgresql+psycopg://footprint:footprint@127.0.0.1:${port}/postgres"
