-- Role model for the audit trail (PostgreSQL). Run as the database owner, e.g.
--   python manage.py audit_db_roles --app-role ventanilla_app
-- %(app_role)s logs in for the web app, the workers and beat; it is not the owner of
-- any table, not a superuser, and cannot set session_replication_role. It may read
-- and write the application's tables, but on the audit tables only INSERT and
-- SELECT (and move a chain head forward to the event just appended, and empty a
-- person's data key together with its audit.data_shredded event, which triggers enforce).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%(app_role)s') THEN
    CREATE ROLE %(app_role)s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
  END IF;
END $$;
GRANT CONNECT ON DATABASE %(database)s TO %(app_role)s;
GRANT USAGE ON SCHEMA public TO %(app_role)s;
REVOKE CREATE ON SCHEMA public FROM %(app_role)s;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %(app_role)s;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %(app_role)s;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent, audit_checkpoint FROM %(app_role)s;
REVOKE DELETE, TRUNCATE ON audit_chainhead, audit_datasubjectkey FROM %(app_role)s;
REVOKE ALL ON FUNCTION audit_refuse_change(), audit_head_forward_only(),
  audit_head_starts_at_genesis(), audit_key_guard(), audit_key_shred_recorded() FROM PUBLIC;
