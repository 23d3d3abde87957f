/** Progress for long work: a bar on a terminal, JSON lines with --json, a few plain lines otherwise. */
import cliProgress from 'cli-progress';
import type { Io } from './io.js';

export interface Progress {
  update(fraction: number, label: string): void;
  stop(): void;
}

export function progressFor(io: Io, json: boolean, title: string): Progress {
  if (json) {
    let last = -1;
    return {
      update(fraction, label) {
        const pct = Math.floor(fraction * 100);
        if (pct === last) return;
        last = pct;
        io.out(`${JSON.stringify({ progress: { task: title, percent: pct, label } })}\n`);
      },
      stop() {},
    };
  }
  if (io.isTTY) {
    const bar = new cliProgress.SingleBar({ format: `${title} [{bar}] {percentage}% {label}`, hideCursor: true }, cliProgress.Presets.shades_classic);
    bar.start(100, 0, { label: '' });
    return {
      update(fraction, label) {
        bar.update(Math.round(fraction * 100), { label });
      },
      stop() {
        bar.stop();
      },
    };
  }
  let lastTenth = -1;
  return {
    update(fraction, label) {
      const tenth = Math.floor(fraction * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      io.out(`${title}: ${tenth * 10}% ${label}\n`);
    },
    stop() {},
  };
}
