-- I3, split in two so that a partner's (or the network's) shard row is locked only while the
-- transaction commits, not from its transfer to its commit. Every posting of one partner writes
-- one of that account's shard rows; with the row written as the transfer is inserted, the lock was
-- held for every statement after it (the earning row, the balance, the outbox row, the commit),
-- and earnings of different members queued on the partner's shards (measured: the transfer insert
-- was the longest wait of an earning, docs/benchmarks.md).
--
-- Member side: unchanged, in the transfer's own statement (the member's row is already locked by
-- the posting; member_balance_consistent checks it at commit).
-- Partner and network side: a deferred constraint trigger, run at commit for each transfer in the
-- order the transfers were inserted (so a posting still takes its shard rows in its fixed order).
-- Every committed state still has balances = sums of entries: the commit applies both sides or
-- fails (and rolls back) as a whole. Nothing reads account_shard inside a posting.
DROP TRIGGER transfer_post ON transfer;
DROP FUNCTION transfer_post();

CREATE FUNCTION transfer_post_member() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF starts_with(NEW.debit_account, 'member:') THEN
        UPDATE member_balance SET balance = balance - NEW.amount WHERE account_id = NEW.debit_account;
        IF NOT FOUND THEN RAISE EXCEPTION 'no member balance for %', NEW.debit_account; END IF;
    END IF;
    IF starts_with(NEW.credit_account, 'member:') THEN
        UPDATE member_balance SET balance = balance + NEW.amount WHERE account_id = NEW.credit_account;
        IF NOT FOUND THEN RAISE EXCEPTION 'no member balance for %', NEW.credit_account; END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER transfer_post_member AFTER INSERT ON transfer FOR EACH ROW EXECUTE FUNCTION transfer_post_member();

CREATE FUNCTION transfer_post_shard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT starts_with(NEW.debit_account, 'member:') THEN
        INSERT INTO account_shard AS s (account_id, shard, balance) VALUES (NEW.debit_account, NEW.shard, -NEW.amount)
        ON CONFLICT (account_id, shard) DO UPDATE SET balance = s.balance - NEW.amount;
    END IF;
    IF NOT starts_with(NEW.credit_account, 'member:') THEN
        INSERT INTO account_shard AS s (account_id, shard, balance) VALUES (NEW.credit_account, NEW.shard, NEW.amount)
        ON CONFLICT (account_id, shard) DO UPDATE SET balance = s.balance + NEW.amount;
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER transfer_post_shard AFTER INSERT ON transfer
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION transfer_post_shard();
