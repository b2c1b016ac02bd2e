-- bench --history: one chunk of the history seed (bench/lib.sh, bench_history, runs it per chunk).
-- Members hist-m-<lo>..hist-m-<hi> of a history partner (hist-partner, store H001, 1 %), each with
-- <per> earnings spread over the last 700 days: per earning an EARN transfer (partner issuance to
-- the member), its lot (matured, expiring 60 months after it was earned, nothing spent) and its
-- earning row; per member the directory row, a card hist-c-<i>, the account and the balance row
-- (balance = available = lifetime earned = the sum of its lots); the partner's issuance shards move
-- by minus the points issued. Everything is derived from the earning's number n, so a chunk is the
-- same whenever it runs, and one transaction: a chunk is there whole or not at all (its last
-- member's balance row says which), so an interrupted seed resumes where it stopped.
--
-- psql variables: lo, hi (member numbers), per (earnings per member), triggers (on: the ledger's own
-- triggers post the balances and shards, checked at commit; off: this session skips them,
-- session_replication_role = replica, and writes the same balances itself, set-based).
SELECT EXISTS (SELECT 1 FROM member_balance WHERE member_id = 'hist-m-' || :hi) AS chunk_done \gset
\if :chunk_done
\echo '    members' :lo '-' :hi 'already seeded'
\else
BEGIN;
SET LOCAL work_mem = '256MB';
\if :triggers
\else
SET LOCAL session_replication_role = replica;
\endif
CREATE TEMP TABLE hist_earning ON COMMIT DROP AS
SELECT n, i, md5('hist-e-' || n)::uuid AS id, amount, amount / 100 AS points,
       date_trunc('second', now()) - ((n * 104729) % (700 * 86400)) * interval '1 second' AS earned_at
  FROM generate_series(:lo, :hi) i, generate_series(1, :per) j,
       LATERAL (SELECT (i::bigint - 1) * :per + j AS n) x, LATERAL (SELECT 1000 + (n * 7919) % 199000 AS amount) a;

INSERT INTO member_directory (member_id, status, joined_at, first_earning_id)
SELECT 'hist-m-' || i, 'ACTIVE', now() - interval '800 days', md5('hist-e-' || ((i::bigint - 1) * :per + 1))::uuid
  FROM generate_series(:lo, :hi) i;
INSERT INTO card (card_number, member_id, status) SELECT 'hist-c-' || i, 'hist-m-' || i, 'ACTIVE' FROM generate_series(:lo, :hi) i;
INSERT INTO account (id, kind, owner_id, created_at)
SELECT 'member:hist-m-' || i, 'MEMBER', 'hist-m-' || i, now() - interval '800 days' FROM generate_series(:lo, :hi) i;
-- with the triggers on, each transfer adds its points to balance (transfer_post_member) and each
-- lot to the lot sums (lot_sums, V8)
INSERT INTO member_balance (member_id, account_id, balance, available, lifetime_earned, updated_at, lots_matured)
SELECT 'hist-m-' || i, 'member:hist-m-' || i, CASE WHEN :'triggers' = 'on' THEN 0 ELSE sum(points) END, sum(points), sum(points),
       max(earned_at), CASE WHEN :'triggers' = 'on' THEN 0 ELSE sum(points) END
  FROM hist_earning GROUP BY i ORDER BY i;

WITH lots AS (
  INSERT INTO lot (member_id, source, ref, points, remaining, earned_at, available_at, expires_at, matured)
  SELECT 'hist-m-' || i, 'EARN', id, points, points, earned_at, earned_at, earned_at + interval '60 months', true
    FROM hist_earning ORDER BY earned_at, n
  RETURNING id, ref)
INSERT INTO earning (id, partner_id, partner_tx_id, request_hash, member_id, store_code, amount, currency, occurred_at,
                     points, base_points, partner_points, network_points, bonuses, grade_multiplier, available_at,
                     expires_at, lot_id, posted_at)
SELECT e.id, 'hist-partner', 'hist-' || n, encode(sha256(('hist-' || n)::bytea), 'hex'), 'hist-m-' || i, 'H001', amount,
       'KRW', earned_at, points, points, points, 0, '', 1.0, earned_at, earned_at + interval '60 months', lots.id,
       earned_at
  FROM hist_earning e JOIN lots ON lots.ref = e.id;

INSERT INTO transfer (debit_account, credit_account, amount, kind, ref, partner_id, shard, posted_at)
SELECT 'partner:hist-partner:issuance', 'member:hist-m-' || i, points, 'EARN', id, 'hist-partner', i % 16, earned_at
  FROM hist_earning ORDER BY earned_at, n;
-- with the triggers on, transfer_post_shard does this at commit
\if :triggers
\else
INSERT INTO account_shard AS s (account_id, shard, balance)
SELECT 'partner:hist-partner:issuance', i % 16, -sum(points) FROM hist_earning GROUP BY i % 16
ON CONFLICT (account_id, shard) DO UPDATE SET balance = s.balance + excluded.balance;
\endif
COMMIT;
\echo '    members' :lo '-' :hi 'seeded'
\endif
