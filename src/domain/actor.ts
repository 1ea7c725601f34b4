// Who did something: a Slack user id (`U…`), or `golive` for the bot's own automatic checks. A leaf of the
// domain, so that every record type can name its author without importing the go-live.
export type Actor = string;
export const GOLIVE_ACTOR: Actor = 'golive';
