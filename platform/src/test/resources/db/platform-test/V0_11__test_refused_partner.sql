-- Test only: partners whose events RecordingConsumer refuses (a failure of the event's own, until the row is deleted).
CREATE TABLE test_refused_partner (partner_id TEXT PRIMARY KEY);
