#!/usr/bin/env node
// `npm start`: build, make the demo recorder once (in .demo/), then start Custodian on it.
// Until the desktop app lands, Custodian runs as the service in the foreground and prints what
// it indexed and what is due when. Ctrl-C stops it.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const top = path.resolve(here, '..');
const cli = path.join(top, 'bin', 'custodian.js');
const demo = path.join(top, '.demo');
const data = path.join(demo, 'data');

function run(args, opts = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', cwd: top, ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

console.log('Building Custodian …');
const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit', cwd: top, shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(build.status ?? 1);

if (!existsSync(path.join(data, 'custodian.db'))) {
  run(['demo', '--out', demo]);
} else {
  console.log(`Using the demo made earlier in ${demo} (delete that folder to make a new one).`);
}
run(['--data', data, 'status']);
console.log('\nStarting the service on the demo recorder (Ctrl-C stops it) …');
const child = spawn(process.execPath, [cli, '--data', data, 'run'], { stdio: 'inherit', cwd: top });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
