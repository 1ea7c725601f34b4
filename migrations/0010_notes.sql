CREATE TABLE `notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`go_live_id` text NOT NULL,
	`item_id` text,
	`by` text NOT NULL,
	`at` integer NOT NULL,
	`fields` text NOT NULL,
	`text` text NOT NULL,
	FOREIGN KEY (`go_live_id`) REFERENCES `go_lives`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notes_go_live` ON `notes` (`go_live_id`,`id`);