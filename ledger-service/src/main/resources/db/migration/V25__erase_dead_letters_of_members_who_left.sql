-- D5 (platform V0_4) for the members who left before it: their member events' dead letters lose their payloads now,
-- and a tombstone erases any collected later (all but member.left itself, as DeadLetters.eraseLeftMember does).
INSERT INTO dead_letter_erasure (channel, event_key, keep_types)
SELECT 'member-events', member_id, ARRAY['member.left'] FROM member_directory WHERE status = 'LEFT'
ON CONFLICT DO NOTHING;
UPDATE dead_letter d SET payload = '\x'::bytea, erased_at = now()
FROM member_directory m
WHERE m.status = 'LEFT' AND d.channel = 'member-events' AND d.event_key = m.member_id AND d.erased_at IS NULL
  AND d.event_type IS DISTINCT FROM 'member.left';
