import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{common,db,native,core,cli,server,electron,fixtures,test}/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
