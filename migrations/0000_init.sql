CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`go_live_id` text NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`subject` text NOT NULL,
	`before` text,
	`after` text,
	FOREIGN KEY (`go_live_id`) REFERENCES `go_lives`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_events_go_live` ON `audit_events` (`go_live_id`,`id`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`key` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deliveries_at` ON `deliveries` (`at`);--> statement-breakpoint
CREATE TABLE `go_lives` (
	`id` text PRIMARY KEY NOT NULL,
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`url` text,
	`http_url` text,
	`channel_id` text NOT NULL,
	`root_ts` text,
	`started_by` text NOT NULL,
	`started_at` integer NOT NULL,
	`status` text NOT NULL,
	`roles` text NOT NULL,
	`template` text NOT NULL,
	`version` integer NOT NULL,
	`ended_at` integer,
	`end_reason` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `go_lives_active_lock` ON `go_lives` (`service`,`environment`) WHERE status in ('preparing', 'live');--> statement-breakpoint
CREATE INDEX `go_lives_status` ON `go_lives` (`status`);--> statement-breakpoint
CREATE TABLE `items` (
	`go_live_id` text NOT NULL,
	`item_id` text NOT NULL,
	`state` text NOT NULL,
	`by` text NOT NULL,
	`at` integer NOT NULL,
	`reason` text,
	`evidence` text,
	PRIMARY KEY(`go_live_id`, `item_id`),
	FOREIGN KEY (`go_live_id`) REFERENCES `go_lives`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`go_live_id` text NOT NULL,
	`key` text NOT NULL,
	`ts` text,
	`rendered_version` integer NOT NULL,
	PRIMARY KEY(`go_live_id`, `key`),
	FOREIGN KEY (`go_live_id`) REFERENCES `go_lives`(`id`) ON UPDATE no action ON DELETE no action
);
