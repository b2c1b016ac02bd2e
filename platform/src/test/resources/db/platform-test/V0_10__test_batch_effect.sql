-- Test only: the effect of the batch consumer (RecordingBatchConsumer), apart from the one-record consumer's.
CREATE TABLE test_batch_effect (event_id TEXT NOT NULL, partner_id TEXT NOT NULL);
