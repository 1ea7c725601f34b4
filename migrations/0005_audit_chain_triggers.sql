-- The audit trail stays append-only, with one exception that can be used once per event: filling in the hash
-- and prev_hash of an event written before migration 0004 added them. SQL cannot compute SHA-256, so the store chains
-- those events in JavaScript right after migrating (SqliteStore.chainUnhashedEvents, idempotent). New events
-- must arrive with their hash, so once that backfill has run no event can ever match the exception again.
DROP TRIGGER `audit_events_no_update`;
--> statement-breakpoint
CREATE TRIGGER `audit_events_no_update` BEFORE UPDATE ON `audit_events`
WHEN NOT (
	OLD.`hash` IS NULL AND OLD.`prev_hash` IS NULL AND NEW.`hash` IS NOT NULL
	AND NEW.`id` IS OLD.`id` AND NEW.`go_live_id` IS OLD.`go_live_id` AND NEW.`at` IS OLD.`at`
	AND NEW.`actor` IS OLD.`actor` AND NEW.`action` IS OLD.`action` AND NEW.`subject` IS OLD.`subject`
	AND NEW.`before` IS OLD.`before` AND NEW.`after` IS OLD.`after`
)
BEGIN
	SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_events_hashed` BEFORE INSERT ON `audit_events`
WHEN NEW.`hash` IS NULL
BEGIN
	SELECT RAISE(ABORT, 'audit events are appended by the store, with their hash');
END;
