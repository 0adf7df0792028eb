-- MELLM Workstation: a PostgreSQL server for a team, step 1 of 2 (run as a superuser,
-- in any database, with psql):
--
--   psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -v db=mellm -v owner=mellm_owner -f scripts/postgres-setup.sql
--
-- Creates the two group roles people are granted (annotator, reviewer), the role that
-- owns the workspace's tables (it runs the migrations; it is an administrator's account,
-- not a coder's: the owner, like a superuser, reads every label) and the database.
-- Safe to run again. Step 2, once the schema exists (`mellm workspace create <url>` as
-- the owner), is scripts/postgres-policies.sql; scripts/postgres-setup.sh runs all three.

SELECT 'CREATE ROLE annotator NOLOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'annotator') \gexec
SELECT 'CREATE ROLE reviewer NOLOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reviewer') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'owner', 'UTF8')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec

-- Only the team connects.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO annotator, reviewer;
