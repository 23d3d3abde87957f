// A flood of logins for names that are not users, as a hostile program on the same machine sends
// them: CONNECTIONS keep-alive connections to 127.0.0.1:PORT, each sending the next login as soon
// as the last is answered (ignoring Retry-After), for DURATION_MS at most or until stdin closes.
// Plain Node (no tsx) so it can run as another OS user. Prints one JSON line at the end:
// {"sent":n,"byStatus":{"401":n,"429":n,…},"retryAfter":true|false}.
//
//   node bench/login-flood-client.mjs PORT CONNECTIONS DURATION_MS
import http from 'node:http';

const [port, connections, durationMs] = process.argv.slice(2).map(Number);
if (!port || !connections || !durationMs) {
  process.stderr.write('usage: node bench/login-flood-client.mjs PORT CONNECTIONS DURATION_MS\n');
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const deadline = Date.now() + durationMs;
let stop = false;
let sent = 0;
let retryAfter = false;
const byStatus = {};
process.stdin.on('end', () => (stop = true));
process.stdin.on('data', () => undefined);
process.stdin.resume();

function one(i) {
  return new Promise((resolve) => {
    const body = JSON.stringify({ name: `nobody-${process.pid}-${i}-${sent}`, password: 'a guess at the password' });
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/auth.login', agent, headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
        if (res.statusCode === 429 && res.headers['retry-after']) retryAfter = true;
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', () => {
      byStatus.error = (byStatus.error ?? 0) + 1;
      resolve();
    });
    sent++;
    req.end(body);
  });
}

async function loop(i) {
  while (!stop && Date.now() < deadline) await one(i);
}

process.stdout.write('flooding\n');
await Promise.all(Array.from({ length: connections }, (_, i) => loop(i)));
agent.destroy();
process.stdout.write(`${JSON.stringify({ sent, byStatus, retryAfter })}\n`);
process.exit(0);
