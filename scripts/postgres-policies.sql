-- MELLM Workstation: a PostgreSQL server for a team, step 2 of 2 (run in the workspace's
-- database as its owner or a superuser, after the schema exists; again after an upgrade
-- that adds tables):
--
--   psql "$WORKSPACE_URL" -v ON_ERROR_STOP=1 -f scripts/postgres-policies.sql
--
-- What the server enforces for the members of `annotator` and `reviewer`, whatever
-- client they use (the app, psql, a script):
--   * a coder reads only their own labels and their audit rows until a reviewer has
--     decided on any label of that event; a reviewer reads all;
--   * everyone writes labels, audit rows, decisions and deletions only under their own
--     name (the login role: `annotators.name = current_user`);
--   * nobody decides on their own label, and a coder cannot set a decision's status;
--   * the audit trail, the decisions and the deletion trail are append-only (no UPDATE
--     or DELETE is granted; the tables' triggers refuse them too).
-- What it cannot: the owner and superusers bypass row-level security and read everything.

\set ON_ERROR_STOP on
BEGIN;

-- Which profile row is the connected person (null until their first save enrols them).
CREATE OR REPLACE FUNCTION mellm_me() RETURNS bigint LANGUAGE sql STABLE
  SET search_path = public, pg_temp
  AS $$ SELECT id FROM annotators WHERE name = current_user $$;

-- Whether a reviewer has decided on any label of the event: blind labelling ends there.
-- SECURITY DEFINER: it reads every label of the event, which the policy on annotations
-- would otherwise hide from the coder asking (and would recurse into itself).
CREATE OR REPLACE FUNCTION mellm_event_decided(event bigint) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$ SELECT EXISTS (SELECT 1 FROM reviews r JOIN annotations a ON a.id = r.annotation_id WHERE a.event_id = event) $$;

-- The role a person enrols with: reviewer when they are a member of it.
CREATE OR REPLACE FUNCTION mellm_my_role() RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT CASE WHEN pg_has_role(current_user, 'reviewer', 'MEMBER') THEN 'reviewer' ELSE 'annotator' END $$;

REVOKE ALL ON FUNCTION mellm_event_decided(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mellm_me(), mellm_event_decided(bigint), mellm_my_role() TO annotator, reviewer;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, annotator, reviewer;
GRANT USAGE ON SCHEMA public TO annotator, reviewer;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO annotator, reviewer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO annotator, reviewer;
-- The corpus: clips and events are added, edited and soft-deleted (never removed).
GRANT INSERT, UPDATE ON clips, events TO annotator, reviewer;
-- Analyses and their per-frame motion, and the claims that split "Analyse all".
GRANT INSERT ON analyses TO annotator, reviewer;
GRANT INSERT, UPDATE, DELETE ON frame_motion TO annotator, reviewer;
GRANT INSERT, UPDATE ON job_claims TO annotator, reviewer;
-- Labels and their trails.
GRANT INSERT, UPDATE ON annotators TO annotator, reviewer;
GRANT INSERT, UPDATE ON annotations TO annotator, reviewer;
GRANT INSERT ON annotation_events, deletions TO annotator, reviewer;
GRANT INSERT ON reviews TO reviewer;

ALTER TABLE annotators ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS team_read ON annotators;
DROP POLICY IF EXISTS enrol_self ON annotators;
DROP POLICY IF EXISTS own_role ON annotators;
-- Profiles mirror the database: one's own, named after one's login, with the team role one
-- holds (an annotator's profile is always harmless to ask for). Roles are granted in the
-- database, not edited in the app.
CREATE POLICY team_read ON annotators FOR SELECT TO annotator, reviewer USING (true);
CREATE POLICY enrol_self ON annotators FOR INSERT TO annotator, reviewer WITH CHECK (name = current_user AND role IN ('annotator', mellm_my_role()));
CREATE POLICY own_role ON annotators FOR UPDATE TO annotator, reviewer USING (name = current_user) WITH CHECK (name = current_user AND role = mellm_my_role());

ALTER TABLE annotations ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS coder_read ON annotations;
DROP POLICY IF EXISTS coder_insert ON annotations;
DROP POLICY IF EXISTS coder_update ON annotations;
DROP POLICY IF EXISTS reviewer_read ON annotations;
DROP POLICY IF EXISTS reviewer_insert ON annotations;
DROP POLICY IF EXISTS reviewer_update ON annotations;
CREATE POLICY coder_read ON annotations FOR SELECT TO annotator USING (annotator_id = mellm_me() OR mellm_event_decided(event_id));
CREATE POLICY coder_insert ON annotations FOR INSERT TO annotator WITH CHECK (annotator_id = mellm_me() AND status IN ('draft', 'submitted') AND locked = 0);
CREATE POLICY coder_update ON annotations FOR UPDATE TO annotator
  USING (annotator_id = mellm_me()) WITH CHECK (annotator_id = mellm_me() AND status IN ('draft', 'submitted') AND locked = 0);
CREATE POLICY reviewer_read ON annotations FOR SELECT TO reviewer USING (true);
CREATE POLICY reviewer_insert ON annotations FOR INSERT TO reviewer WITH CHECK (annotator_id = mellm_me() AND status IN ('draft', 'submitted') AND locked = 0);
-- A reviewer decides on others' labels; their own they edit like a coder.
CREATE POLICY reviewer_update ON annotations FOR UPDATE TO reviewer USING (true)
  WITH CHECK (annotator_id <> mellm_me() OR (status IN ('draft', 'submitted') AND locked = 0));

ALTER TABLE annotation_events ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS read_visible ON annotation_events;
DROP POLICY IF EXISTS append_as_self ON annotation_events;
-- The audit rows of the labels one may read (the policy on annotations applies inside).
CREATE POLICY read_visible ON annotation_events FOR SELECT TO annotator, reviewer USING (EXISTS (SELECT 1 FROM annotations a WHERE a.id = annotation_id));
CREATE POLICY append_as_self ON annotation_events FOR INSERT TO annotator, reviewer WITH CHECK (annotator_id = mellm_me());

ALTER TABLE reviews ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS team_read ON reviews;
DROP POLICY IF EXISTS decide_on_others ON reviews;
CREATE POLICY team_read ON reviews FOR SELECT TO annotator, reviewer USING (true);
CREATE POLICY decide_on_others ON reviews FOR INSERT TO reviewer
  WITH CHECK (reviewer_id = mellm_me() AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.id = annotation_id AND a.annotator_id = mellm_me()));

ALTER TABLE deletions ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS team_read ON deletions;
DROP POLICY IF EXISTS append_as_self ON deletions;
CREATE POLICY team_read ON deletions FOR SELECT TO annotator, reviewer USING (true);
CREATE POLICY append_as_self ON deletions FOR INSERT TO annotator, reviewer WITH CHECK (actor_id = mellm_me());

COMMIT;
