CREATE TABLE `check_runs` (
	`go_live_id` text PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	`by` text NOT NULL,
	`started_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`go_live_id`) REFERENCES `go_lives`(`id`) ON UPDATE no action ON DELETE no action
);
