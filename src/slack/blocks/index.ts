// Pure Block Kit builders for every message and view Golive shows, and the limits they are checked against.
export * from './limits.js';
export * from './mrkdwn.js';
export * from './common.js';
export * from './root.js';
export * from './section.js';
export * from './modals.js';
export * from './replies.js';
export * from './check-summary.js';
