-- siks schema, version 21 (PostgreSQL): the audit log by account and by address in time, for breach
-- scoping (issue 19, ADR 0019): `siks audit scope` reads one credential's or one address's
-- entries of a period without reading a year of everyone's. Keep in step with
-- ../sqlite/0021_audit_scope_index.sql.

CREATE INDEX audit_log_actor_at ON audit_log (actor_username, at, seq);
CREATE INDEX audit_log_origin_at ON audit_log (origin, at, seq);
