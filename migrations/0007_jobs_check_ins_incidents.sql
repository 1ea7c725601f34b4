CREATE TABLE `check_ins` (
	`id` text PRIMARY KEY NOT NULL,
	`go_live_id` text NOT NULL,
	`text` text NOT NULL,
	`due_at` integer NOT NULL,
	`posted_at` integer NOT NULL,
	`late_ms` integer,
	`channel_id` text NOT NULL,
	`ts` text NOT NULL,
	`results` text NOT NULL,
	`level` integer NOT NULL,
	`acked_by` text,
	`acked_at` integer,
	FOREIGN KEY (`go_live_id`) REFERENCES `go_lives`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `check_ins_go_live` ON `check_ins` (`go_live_id`,`posted_at`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`go_live_id` text NOT NULL,
	`kind` text NOT NULL,
	`summary` text NOT NULL,
	`failed_at` integer NOT NULL,
	`pinged_at` integer,
	`recovered_at` integer,
	`recovery_summary` text,
	`recovery_posted_at` integer,
	FOREIGN KEY (`go_live_id`) REFERENCES `go_lives`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_open` ON `incidents` (`go_live_id`,`kind`) WHERE recovered_at is null;--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`go_live_id` text NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`series` text NOT NULL,
	`due_at` integer NOT NULL,
	`priority` integer NOT NULL,
	`payload` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`progress` text NOT NULL,
	`last_error` text,
	`note` text,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`go_live_id`) REFERENCES `go_lives`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_go_live_key` ON `jobs` (`go_live_id`,`key`);--> statement-breakpoint
CREATE INDEX `jobs_state_due` ON `jobs` (`state`,`due_at`);--> statement-breakpoint
CREATE INDEX `jobs_go_live_state` ON `jobs` (`go_live_id`,`state`);