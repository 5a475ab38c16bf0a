-- Back to key_guards.sql's head rule: forward by exactly one event per UPDATE.
CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  IF NEW.chain_key <> OLD.chain_key OR NEW.seq <> OLD.seq + 1 THEN
    RAISE EXCEPTION 'audit chain head % may only advance by one event', OLD.chain_key
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM audit_auditevent e
    WHERE e.chain_key = NEW.chain_key AND e.seq = NEW.seq
      AND e.hash = NEW.head_hash AND e.prev_hash = OLD.head_hash
      AND e.hash = encode(sha256(decode(e.prev_hash, 'hex') || convert_to(e.body, 'UTF8')), 'hex')
  ) THEN
    RAISE EXCEPTION 'audit chain head % refused: hash does not match the appended event', OLD.chain_key
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
