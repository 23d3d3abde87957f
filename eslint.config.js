// Layer rules: imports only go downwards (see ARCHITECTURE.md). Each folder is a runtime;
// a folder may import only the folders listed for it here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layers = ['common', 'db', 'native', 'core', 'cli', 'server', 'electron', 'renderer'];
const allowed = {
  common: ['common'],
  db: ['common', 'db'],
  native: ['common', 'native'],
  core: ['common', 'db', 'native', 'core'],
  cli: ['common', 'core', 'server', 'cli'],
  server: ['common', 'core', 'server'],
  electron: ['common', 'core', 'electron'],
  renderer: ['common', 'renderer'],
};

function restrictionsFor(layer) {
  const forbidden = layers.filter((l) => !allowed[layer].includes(l));
  const patterns = [
    {
      group: forbidden.flatMap((l) => [`**/${l}/**`, `../${l}/*`, `../../${l}/*`]),
      message: `${layer}/ may import only from ${allowed[layer].join(', ')} (layer rule, see ARCHITECTURE.md).`,
    },
  ];
  const paths = [];
  if (layer !== 'electron') {
    paths.push({ name: 'electron', message: 'Only electron/ may import electron.' });
  }
  if (layer !== 'renderer') {
    patterns.push({ group: ['react', 'react-dom', 'react-dom/*', 'zustand'], message: 'Only renderer/ may import React.' });
  }
  if (layer === 'common' || layer === 'renderer') {
    patterns.push({ group: ['node:*', 'fs', 'path', 'child_process', 'better-sqlite3'], message: `${layer}/ is runtime-neutral: no Node built-ins.` });
  }
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

export default tseslint.config(
  { ignores: ['dist/**', 'dist-renderer/**', 'node_modules/**', '.demo/**', 'test-artifacts/**', 'bench/out/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  ...layers.map((layer) => ({ files: [`${layer}/**/*.{ts,tsx}`], ignores: [`${layer}/**/*.test.{ts,tsx}`], rules: restrictionsFor(layer) })),
);
