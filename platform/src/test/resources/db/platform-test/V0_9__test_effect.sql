-- Test only: an effect with no unique key, so applying an event twice would show as two rows.
CREATE TABLE test_effect (event_id TEXT NOT NULL, partner_id TEXT NOT NULL);
