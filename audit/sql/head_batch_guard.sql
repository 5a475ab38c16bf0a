-- A chain head may only move forward, on the same chain, over the events appended
-- after it (one or several, as record_many writes them in one INSERT): each one must
-- exist at the next sequence number, link to the one before (the first to the old
-- head) and hash to what it claims (sha256(prev_hash || body)); the new head is the
-- hash of the last. Replaces key_guards.sql's one-event rule: the same check, per event.
CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  expected text := OLD.head_hash;
  walked bigint := 0;
  event record;
BEGIN
  IF NEW.chain_key <> OLD.chain_key OR NEW.seq <= OLD.seq THEN
    RAISE EXCEPTION 'audit chain head % may only advance, over appended events', OLD.chain_key
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  FOR event IN
    SELECT e.seq, e.prev_hash, e.hash, e.body FROM audit_auditevent e
    WHERE e.chain_key = NEW.chain_key AND e.seq > OLD.seq AND e.seq <= NEW.seq
    ORDER BY e.seq
  LOOP
    walked := walked + 1;
    IF event.seq <> OLD.seq + walked OR event.prev_hash <> expected
       OR event.hash <> encode(sha256(decode(event.prev_hash, 'hex')
                                      || convert_to(event.body, 'UTF8')), 'hex') THEN
      RAISE EXCEPTION 'audit chain head % refused: hash does not match the appended event', OLD.chain_key
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    expected := event.hash;
  END LOOP;
  IF walked <> NEW.seq - OLD.seq OR expected <> NEW.head_hash THEN
    RAISE EXCEPTION 'audit chain head % refused: hash does not match the appended event', OLD.chain_key
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
