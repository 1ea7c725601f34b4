// What Golive answers at `/`: a short page saying what this address is, so a person who opens it in a browser
// knows where they are, and the `compression` check has a real HTML answer to judge. It names no version
// (that is /health/status's business) and links nothing a stranger could use.
import type { ServerResponse } from 'node:http';

export const HOME_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Golive</title>
</head>
<body>
<h1>Golive</h1>
<p>Golive is a Slack bot that runs a production go-live as a shared, auditable checklist: one person types
<code>/golive start</code>, the bot opens a thread with the go-live checklist section by section, the team ticks
items, the automatic checks run on demand, the approvers sign off, and the first 24 hours after go-live are
watched with check-ins and escalations.</p>
<p>This address is where Slack delivers the workspace's requests (<code>/slack/events</code>); there is nothing to
do here in a browser. Use <code>/golive help</code> in Slack.</p>
<p>Operators: the health endpoints are <code>/health/ping</code>, <code>/health/live</code>,
<code>/health/ready</code>, <code>/health/status</code> and <code>/health/metrics</code>.</p>
</body>
</html>
`;

export function sendHomePage(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
  res.end(HOME_PAGE);
}
