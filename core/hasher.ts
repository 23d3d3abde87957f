/**
 * Password hashes (scrypt) computed in worker threads of the lowest CPU priority. A hash is
 * ~0.3 s of one core and 32 MiB; computed on libuv's pool it also takes one of the four threads
 * that read footage from disk. In a worker of its own, the pool stays free for files, and at
 * nice 19 (Linux: the worker lowers its own thread's priority, found through /proc/thread-self)
 * a flood of logins gets only the CPU that signed-in users' requests leave over. Elsewhere the
 * worker keeps the normal priority and only the first benefit remains.
 *
 * How many hashes run at once is decided by the caller (the hashing slots of
 * core/login-gate.ts); this module keeps one worker per concurrent hash, started on first use
 * and not keeping the process alive while idle.
 */
import { Worker } from 'node:worker_threads';
import type { ScryptOptions } from 'node:crypto';

// Plain CommonJS, evaluated as the worker's source: no file to find next to the compiled code.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
const { setPriority } = require('node:os');
const { readlinkSync } = require('node:fs');
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0) setPriority(tid, 19);
} catch {}
parentPort.on('message', (m) => {
  try {
    const key = scryptSync(m.password, Buffer.from(m.salt), m.keyLen, m.options);
    parentPort.postMessage({ id: m.id, key });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

interface Job {
  resolve(key: Buffer): void;
  reject(e: Error): void;
}

interface HashWorker {
  worker: Worker;
  jobs: Map<number, Job>;
  dead: boolean;
}

const idle: HashWorker[] = [];
let nextId = 1;

function startWorker(): HashWorker {
  // No inherited flags: `--input-type=module` of a parent would make this CommonJS source ESM.
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
  const hw: HashWorker = { worker, jobs: new Map(), dead: false };
  worker.on('message', (m: { id: number; key?: Uint8Array; error?: string }) => {
    const job = hw.jobs.get(m.id);
    if (!job) return;
    hw.jobs.delete(m.id);
    if (m.key) job.resolve(Buffer.from(m.key));
    else job.reject(new Error(m.error ?? 'scrypt failed'));
  });
  const fail = (e: Error): void => {
    hw.dead = true;
    for (const job of hw.jobs.values()) job.reject(e);
    hw.jobs.clear();
    const i = idle.indexOf(hw);
    if (i >= 0) idle.splice(i, 1);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the hashing worker stopped (${code})`)));
  return hw;
}

/** scrypt of `password` (NFC) in a low-priority worker; the caller bounds how many run at once. */
export function scryptInWorker(password: string, salt: Buffer, keyLen: number, options: ScryptOptions): Promise<Buffer> {
  const hw = idle.pop() ?? startWorker();
  const id = nextId++;
  hw.worker.ref(); // a hash in progress keeps the process alive (a CLI waiting for it)
  return new Promise<Buffer>((resolve, reject) => {
    hw.jobs.set(id, { resolve, reject });
    hw.worker.postMessage({ id, password: password.normalize('NFC'), salt, keyLen, options });
  }).finally(() => {
    if (hw.jobs.size === 0 && !hw.dead) {
      hw.worker.unref();
      if (!idle.includes(hw)) idle.push(hw);
    }
  });
}
