-- An operator reads one member's audit trail, newest first (GET /members/v1/members/{memberId}/audit).
CREATE INDEX member_audit_member ON member_audit (member_id, at DESC, id DESC);
