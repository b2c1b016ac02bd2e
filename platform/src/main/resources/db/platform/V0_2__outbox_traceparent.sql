-- The W3C trace context of the request that wrote each event (null outside a trace): the relay
-- sends it on with the Kafka record, so a trace runs from a POS request through the outbox to the
-- consumers (docs/events.md, "Trace context").
ALTER TABLE outbox_event ADD COLUMN traceparent TEXT;
