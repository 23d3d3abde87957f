import type { Command } from 'commander';
import type { GlobalOptions } from '../context.js';
import type { Io } from '../io.js';

export interface CliContext {
  readonly io: Io;
  setExit(code: number): void;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`"${value}" is not a whole number`);
  return Number(value);
}
