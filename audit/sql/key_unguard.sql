DROP TRIGGER IF EXISTS audit_chainhead_starts_at_genesis ON audit_chainhead;
DROP TRIGGER IF EXISTS audit_key_guard ON audit_datasubjectkey;
DROP TRIGGER IF EXISTS audit_key_no_truncate ON audit_datasubjectkey;
DROP TRIGGER IF EXISTS audit_key_shred_recorded ON audit_datasubjectkey;
DROP FUNCTION IF EXISTS audit_head_starts_at_genesis();
DROP FUNCTION IF EXISTS audit_key_guard();
DROP FUNCTION IF EXISTS audit_key_shred_recorded();
-- Back to guards.sql's head rule (forward by one event, any hash).
CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.chain_key <> OLD.chain_key OR NEW.seq <> OLD.seq + 1 THEN
    RAISE EXCEPTION 'audit chain head % may only advance by one event', OLD.chain_key
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
