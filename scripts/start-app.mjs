#!/usr/bin/env node
// `npm start`: build Custodian (core and the React UI), make the demo once in .demo/, then open
// the desktop app on it — or, where the Electron binary is not installed (it is downloaded on
// first use, which needs the network), say so in one line and start browser mode instead:
// `custodian serve` on the demo plus the retention service (`custodian run`), printing the URL
// and the demo logins. Ctrl-C stops everything this script started.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const top = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(top, 'bin', 'custodian.js');
const demo = path.join(top, '.demo');
const data = path.join(demo, 'data');
const loginsFile = path.join(demo, 'logins.json');
const ROLES = ['officer', 'hr', 'dpo', 'admin'];
const port = process.env.CUSTODIAN_PORT ?? '4780';

function step(cmd, args, what) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: top, shell: process.platform === 'win32' && cmd === 'npm' });
  if (r.status !== 0) {
    console.error(`${what} failed.`);
    process.exit(r.status ?? 1);
  }
}

function custodian(args, opts = {}) {
  return spawnSync(process.execPath, [cli, '--data', data, ...args], { cwd: top, encoding: 'utf8', ...opts });
}

/** The Electron binary, if installed — found without requiring `electron` (which would try to download it). */
function electronBinary() {
  const pkg = path.join(top, 'node_modules', 'electron');
  const pathTxt = path.join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const rel = readFileSync(pathTxt, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(pkg, 'dist');
  const bin = path.join(dist, rel);
  return existsSync(bin) ? bin : null;
}

/** One user per role on the demo; passwords made here are kept in .demo/logins.json (0600). */
function demoLogins() {
  let logins = {};
  try {
    logins = JSON.parse(readFileSync(loginsFile, 'utf8'));
  } catch {
    // none yet
  }
  const listed = custodian(['--json', 'user', 'list']);
  const users = listed.status === 0 ? JSON.parse(listed.stdout).users : [];
  for (const role of ROLES) {
    if (users.some((u) => u.name === role)) continue;
    const password = `demo-${role}-${randomBytes(4).toString('hex')}`;
    const r = custodian(['user', 'add', role, '--role', role, '--password-stdin'], { input: `${password}\n` });
    if (r.status !== 0) {
      console.error(r.stderr.trim());
      continue;
    }
    logins[role] = password;
  }
  writeFileSync(loginsFile, `${JSON.stringify(logins, null, 2)}\n`, { mode: 0o600 });
  chmodSync(loginsFile, 0o600);
  return ROLES.map((role) => ({ role, password: logins[role] ?? '(the password printed when the demo users were made)' }));
}

console.log('Building Custodian (core and the user interface) …');
// `npm run build` builds both: the core (dist/) and the user interface (dist-renderer/).
step('npm', ['run', '--silent', 'build'], 'Building the core and the user interface');

if (!existsSync(path.join(data, 'custodian.db'))) {
  step(process.execPath, [cli, 'demo', '--out', demo], 'Making the demo');
} else {
  console.log(`Using the demo made earlier in ${demo} (delete that folder to make a new one).`);
}
const logins = demoLogins();
const children = [];
// The demo recorder keeps recording while the demo runs (a demo made yesterday would otherwise
// look like a site whose recorders stopped, and Custodian would rightly pause deletion).
const recorder = spawn(process.execPath, [cli, 'demo', '--out', demo, '--live'], { stdio: ['ignore', 'ignore', 'inherit'], cwd: top });
children.push(recorder);
const stopAll = (sig) => {
  for (const c of children) if (c.exitCode === null) c.kill(sig);
};
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stopAll(sig));

const electron = electronBinary();
if (electron) {
  console.log('Opening the Custodian desktop app on the demo …');
  const app = spawn(electron, [top, '--data', data], { stdio: 'inherit', cwd: top });
  children.push(app);
  app.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('The Electron binary is not installed here (it is downloaded on first use, which needs the network), so Custodian starts in browser mode instead.');
  const service = spawn(process.execPath, [cli, '--data', data, 'run'], { stdio: ['ignore', 'pipe', 'inherit'], cwd: top });
  children.push(service);
  service.stdout.on('data', (d) => process.stdout.write(d.toString().replace(/^(?=.)/gm, '[service] ')));
  const server = spawn(process.execPath, [cli, '--data', data, '--json', 'serve', '--port', port], { stdio: ['ignore', 'pipe', 'inherit'], cwd: top });
  children.push(server);
  let buf = '';
  server.stdout.on('data', (d) => {
    buf += d.toString();
    const line = buf.split('\n').find((l) => l.startsWith('{'));
    if (!line) return;
    buf = '';
    const { url } = JSON.parse(line);
    console.log(`\nCustodian is open in browser mode: ${url}`);
    console.log('Demo logins (user / password):');
    for (const l of logins) console.log(`  ${l.role.padEnd(8)} ${l.password}`);
    console.log('The retention service runs beside it. Ctrl-C stops both.\n');
  });
  server.on('exit', (code) => {
    stopAll('SIGTERM');
    process.exit(code ?? 0);
  });
}
