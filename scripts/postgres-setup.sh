#!/bin/sh
# MELLM Workstation: sets up a PostgreSQL database for a team (docs/postgres-team.md).
#
#   scripts/postgres-setup.sh <superuser URL> <database> [owner role]
#
# e.g. scripts/postgres-setup.sh postgresql://postgres@db.lab.example/postgres mellm
# Credentials come from the URL, PGPASSWORD or ~/.pgpass, as for psql. Runs, in order:
#   1. scripts/postgres-setup.sql: the roles annotator, reviewer and the owner; the database;
#   2. `mellm workspace create` in that database, acting as the owner (the schema);
#   3. scripts/postgres-policies.sql there: grants and row-level security.
# Safe to run again (an existing workspace is opened and its policies renewed).
# Then add people: CREATE ROLE ana LOGIN PASSWORD '…' IN ROLE annotator;
set -eu
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 <superuser URL> <database> [owner role, default mellm_owner]" >&2
  exit 2
fi
admin=$1
db=$2
owner=${3:-mellm_owner}
here=$(cd "$(dirname "$0")" && pwd)
# `mellm` when installed, else this checkout's build.
if command -v mellm >/dev/null 2>&1; then mellm=mellm; else mellm="node $here/../out/main/cli.js"; fi

# The same server and credentials, in the workspace's database.
url=$(node -e '
  const u = new URL(process.argv[1]);
  u.pathname = "/" + encodeURIComponent(process.argv[2]);
  process.stdout.write(u.toString());
' "$admin" "$db")

psql "$admin" -X -q -v ON_ERROR_STOP=1 -v db="$db" -v owner="$owner" -f "$here/postgres-setup.sql"
# The superuser acts as the owner (PGOPTIONS, read by psql and node-postgres alike), so the
# tables and functions belong to the owner and nobody needs the owner's password here.
if PGOPTIONS="-c role=$owner" psql "$url" -X -q -t -A -c "SELECT to_regclass('mellm_meta') IS NOT NULL" | grep -q t; then
  PGOPTIONS="-c role=$owner" $mellm workspace info "$url" >/dev/null
else
  PGOPTIONS="-c role=$owner" $mellm workspace create "$url" >/dev/null
fi
PGOPTIONS="-c role=$owner" psql "$url" -X -q -v ON_ERROR_STOP=1 -f "$here/postgres-policies.sql"
echo "MELLM workspace ready in database $db (owner $owner); grant people annotator or reviewer"
