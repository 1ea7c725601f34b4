CREATE TABLE `sign_offs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`go_live_id` text NOT NULL,
	`kind` text NOT NULL,
	`round` integer NOT NULL,
	`section_id` text,
	`by` text NOT NULL,
	`at` integer NOT NULL,
	`comment` text,
	`justification` text,
	`exceptions` text,
	`revoked_at` integer,
	`revoked_by` text,
	`revoked_reason` text,
	FOREIGN KEY (`go_live_id`) REFERENCES `go_lives`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sign_offs_go_live` ON `sign_offs` (`go_live_id`,`kind`,`round`);--> statement-breakpoint
CREATE UNIQUE INDEX `sign_offs_one_approval` ON `sign_offs` (`go_live_id`,`round`,`by`) WHERE kind = 'approval';--> statement-breakpoint
CREATE UNIQUE INDEX `sign_offs_one_section` ON `sign_offs` (`go_live_id`,`section_id`,`by`) WHERE kind = 'section' and revoked_at is null;--> statement-breakpoint
ALTER TABLE `go_lives` ADD `approval_round` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `go_lives` ADD `live_at` integer;