-- Guards for the trail's keys and chain heads (PostgreSQL), on top of guards.sql.
-- Triggers are ENABLE ALWAYS, so they also fire under session_replication_role = replica.

-- A chain head may only move forward by one event, on the same chain, to the hash of
-- the event just appended after it: that event must exist at the new sequence number,
-- link to the old head and hash to what it claims (sha256(prev_hash || body)).
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

-- A new chain starts at its genesis: sequence 0 and sha256('ventanilla-audit-v1|' || key).
CREATE OR REPLACE FUNCTION audit_head_starts_at_genesis() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  IF NEW.seq <> 0 OR NEW.head_hash IS DISTINCT FROM
      encode(sha256(convert_to('ventanilla-audit-v1|' || NEW.chain_key, 'UTF8')), 'hex') THEN
    RAISE EXCEPTION 'audit chain head % refused: a new chain starts at its genesis', NEW.chain_key
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;

-- A person's data key is never deleted and never changed, except:
--   shredding: the wrapped key emptied and shredded_at set, nothing else changed (a
--     deferred check below insists that the audit.data_shredded event naming the key
--     is committed with it);
--   re-keying after shredding: an emptied key replaced by a new key under a new id.
CREATE OR REPLACE FUNCTION audit_key_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.subject = OLD.subject
     AND NEW.created_at = OLD.created_at AND (
       (OLD.wrapped IS NOT NULL AND NEW.wrapped IS NULL AND NEW.key_id = OLD.key_id
        AND NEW.shredded_at IS NOT NULL)
       OR
       (OLD.wrapped IS NULL AND NEW.wrapped IS NOT NULL AND NEW.key_id <> OLD.key_id
        AND NEW.shredded_at IS NULL)
     ) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit data key: % on % refused (only shredding may destroy a key)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION audit_key_shred_recorded() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM audit_auditevent e
    WHERE e.action = 'audit.data_shredded'
      AND (e.body::jsonb #>> '{details,key_id}') = NEW.key_id
  ) THEN
    RAISE EXCEPTION 'audit data key % destroyed without its audit.data_shredded event', NEW.key_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER audit_chainhead_starts_at_genesis BEFORE INSERT ON audit_chainhead
  FOR EACH ROW EXECUTE FUNCTION audit_head_starts_at_genesis();
CREATE TRIGGER audit_key_guard BEFORE UPDATE OR DELETE ON audit_datasubjectkey
  FOR EACH ROW EXECUTE FUNCTION audit_key_guard();
CREATE TRIGGER audit_key_no_truncate BEFORE TRUNCATE ON audit_datasubjectkey
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE CONSTRAINT TRIGGER audit_key_shred_recorded AFTER UPDATE ON audit_datasubjectkey
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.wrapped IS NOT NULL AND NEW.wrapped IS NULL)
  EXECUTE FUNCTION audit_key_shred_recorded();

ALTER TABLE audit_chainhead ENABLE ALWAYS TRIGGER audit_chainhead_starts_at_genesis;
ALTER TABLE audit_datasubjectkey ENABLE ALWAYS TRIGGER audit_key_guard;
ALTER TABLE audit_datasubjectkey ENABLE ALWAYS TRIGGER audit_key_no_truncate;
ALTER TABLE audit_datasubjectkey ENABLE ALWAYS TRIGGER audit_key_shred_recorded;
