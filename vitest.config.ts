import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{common,db,native,core,cli,server,electron,fixtures,test}/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest runs cpus − 1 files at once: one on a 2-core CI machine. Most files here wait on
    // child processes (the CLI, ffmpeg, Chromium), so two at once is what the machine can take.
    maxWorkers: 2,
  },
});
