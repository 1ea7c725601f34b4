ALTER TABLE `audit_events` ADD `hash` text;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `prev_hash` text;