-- Each dispatch round takes the first due delivery of every webhook before the second of any
-- (WebhookRepository.claim): it reads each enabled webhook's pending deliveries in seq order, which
-- this index gives without passing the week of finished ones the delivery log keeps.
CREATE INDEX webhook_delivery_pending ON webhook_delivery (webhook_id, seq) WHERE status = 'PENDING';
