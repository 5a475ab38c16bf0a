-- Append-only audit tables (PostgreSQL). Triggers are ENABLE ALWAYS, so they also
-- fire under session_replication_role = replica.
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

-- A chain head may only move forward by one event, on the same chain.
CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.chain_key <> OLD.chain_key OR NEW.seq <> OLD.seq + 1 THEN
    RAISE EXCEPTION 'audit chain head % may only advance by one event', OLD.chain_key
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chainhead_no_delete BEFORE DELETE ON audit_chainhead
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chainhead_forward_only BEFORE UPDATE ON audit_chainhead
  FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
CREATE TRIGGER audit_chainhead_no_truncate BEFORE TRUNCATE ON audit_chainhead
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_event_append_only;
ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_event_no_truncate;
ALTER TABLE audit_checkpoint ENABLE ALWAYS TRIGGER audit_checkpoint_append_only;
ALTER TABLE audit_checkpoint ENABLE ALWAYS TRIGGER audit_checkpoint_no_truncate;
ALTER TABLE audit_chainhead ENABLE ALWAYS TRIGGER audit_chainhead_no_delete;
ALTER TABLE audit_chainhead ENABLE ALWAYS TRIGGER audit_chainhead_forward_only;
ALTER TABLE audit_chainhead ENABLE ALWAYS TRIGGER audit_chainhead_no_truncate;
