"""The audit trail (see DESIGN.md, "Audit trail")."""
