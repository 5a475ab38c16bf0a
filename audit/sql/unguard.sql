DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_checkpoint_append_only ON audit_checkpoint;
DROP TRIGGER IF EXISTS audit_checkpoint_no_truncate ON audit_checkpoint;
DROP TRIGGER IF EXISTS audit_chainhead_no_delete ON audit_chainhead;
DROP TRIGGER IF EXISTS audit_chainhead_forward_only ON audit_chainhead;
DROP TRIGGER IF EXISTS audit_chainhead_no_truncate ON audit_chainhead;
DROP FUNCTION IF EXISTS audit_refuse_change();
DROP FUNCTION IF EXISTS audit_head_forward_only();
