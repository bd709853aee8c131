#!/bin/sh
# Mounted into the postgres:16 container as /docker-entrypoint-initdb.d/10-baton.sh by
# docker-compose.yml: on the first initialisation of the data volume, create Baton's own
# role and database next to Temporal's (Temporal's schemas are created by temporal-schema).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set=pw="${BATON_DB_PASSWORD:-baton}" <<'SQL'
CREATE ROLE baton LOGIN PASSWORD :'pw';
CREATE DATABASE baton OWNER baton;
SQL
