#!/usr/bin/env bash
# Start a local PostgreSQL for wirebrief (integration tests, or a server-backed store).
#
# Installs PostgreSQL from the Debian packages when it is missing, starts a cluster listening on
# 127.0.0.1:5432, makes sure the login role `wirebrief` (password `wirebrief`) and the database
# `wirebrief` exist, and prints the SQLAlchemy URL as the last line on stdout, so that
#
#     export WIREBRIEF_TEST_POSTGRES_URL="$(scripts/start-postgres.sh)"
#
# works. Idempotent: running it again on a started cluster changes nothing. Needs root (apt, and
# switching to the `postgres` system user). Progress goes to stderr.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT="${WIREBRIEF_PG_PORT:-5432}"
PG_USER=wirebrief
PG_PASSWORD=wirebrief
PG_DATABASE=wirebrief
CLUSTER=main

say() { echo "start-postgres: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    say "must run as root (installs packages and runs commands as the postgres user)"
    exit 1
fi

# 1. Install the server from Debian packages when it is not there (apt-get needs the network, so a
#    machine that already has it is never asked to fetch anything).
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
    say "installing PostgreSQL (apt-get)"
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
fi
PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"

# 2. A cluster on 127.0.0.1:$PG_PORT.
if ! pg_lsclusters --no-header | awk '{print $1, $2}' | grep -qx "$PG_VERSION $CLUSTER"; then
    say "creating cluster $PG_VERSION/$CLUSTER"
    pg_createcluster --port "$PG_PORT" --encoding UTF8 --locale C.UTF-8 "$PG_VERSION" "$CLUSTER" >&2
fi
# A drop-in file of our own (postgresql.conf reads conf.d last) rather than edits to the packaged file.
CONF_DIR="/etc/postgresql/$PG_VERSION/$CLUSTER/conf.d"
install -d -o postgres -g postgres "$CONF_DIR"
printf "listen_addresses = '%s'\nport = %s\n" "$PG_HOST" "$PG_PORT" >"$CONF_DIR/wirebrief.conf"
chown postgres:postgres "$CONF_DIR/wirebrief.conf"
# The socket directory lives on a tmpfs in containers and may be missing after a restart.
install -d -m 2775 -o postgres -g postgres /var/run/postgresql

status="$(pg_lsclusters --no-header | awk -v v="$PG_VERSION" -v c="$CLUSTER" '$1 == v && $2 == c {print $4}')"
if [ "$status" != "online" ]; then
    say "starting cluster $PG_VERSION/$CLUSTER on $PG_HOST:$PG_PORT"
    pg_ctlcluster "$PG_VERSION" "$CLUSTER" start >&2
fi
for _ in $(seq 1 60); do
    if pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then break; fi
    sleep 0.5
done
if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
    say "the server did not become ready on $PG_HOST:$PG_PORT"
    exit 1
fi

# 3. Role and database (created once; the password is (re)set so a changed one is repaired).
as_postgres() { runuser -u postgres -- "$@"; }
as_postgres psql -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres >&2 <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
        CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD';
    ELSE
        ALTER ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD';
    END IF;
END
\$\$;
SQL
if [ "$(as_postgres psql -tA -p "$PG_PORT" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" != "1" ]; then
    say "creating database $PG_DATABASE"
    as_postgres createdb -p "$PG_PORT" -O "$PG_USER" -E UTF8 -T template0 "$PG_DATABASE"
fi

echo "postgresql+psycopg://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/$PG_DATABASE"
