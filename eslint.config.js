// Layer rules: imports only go downwards (see ARCHITECTURE.md). Each folder is a runtime;
// a folder may import only the folders listed for it here. The rules cover static imports,
// `export … from` and dynamic `import()`, in product code, unit tests, fixtures, test/ and bench/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layers = ['common', 'db', 'native', 'core', 'cli', 'server', 'electron', 'renderer', 'fixtures', 'test', 'bench'];
const allowed = {
  common: ['common'],
  db: ['common', 'db'],
  native: ['common', 'native'],
  core: ['common', 'db', 'native', 'core'],
  // `custodian demo` makes the demo recorder with the fixtures' generator.
  cli: ['common', 'core', 'server', 'cli', 'fixtures'],
  server: ['common', 'core', 'server'],
  electron: ['common', 'core', 'electron'],
  renderer: ['common', 'renderer'],
  fixtures: ['common', 'native', 'fixtures'],
  test: ['common', 'db', 'native', 'core', 'cli', 'server', 'fixtures', 'test'],
  bench: ['common', 'db', 'native', 'core', 'cli', 'server', 'fixtures', 'test', 'bench'],
};
/** A unit test may also use the test helpers and fixtures, and read the records (db/) it asserts on. */
const extraForTests = {
  // The browser-mode server is tested against both of its clients: the CLI that starts it and
  // the renderer's HTTP client.
  server: ['cli', 'renderer', 'db'],
  cli: ['db'],
  electron: ['db'],
};

function forbiddenFor(layer, isTest) {
  const ok = new Set([...allowed[layer], ...(isTest ? ['test', 'fixtures', ...(extraForTests[layer] ?? [])] : [])]);
  return layers.filter((l) => !ok.has(l));
}

function pathGroups(forbidden) {
  return forbidden.flatMap((l) => [`**/${l}/**`, `../${l}/*`, `../../${l}/*`, `../../../${l}/*`]);
}

/** Only these modules may remove files: the deletion door's file system, and Custodian's own working files. */
const REMOVERS = ['native/governed-fs.ts', 'native/own-files.ts'];
const FS_REMOVERS = ['unlink', 'unlinkSync', 'rm', 'rmSync', 'rmdir', 'rmdirSync'];
const removalRule = {
  paths: ['node:fs', 'fs', 'node:fs/promises', 'fs/promises'].map((name) => ({
    name,
    importNames: FS_REMOVERS,
    message: 'Only the deletion door (native/governed-fs.ts, through core/deletion/) and native/own-files.ts remove files.',
  })),
};
const removalSyntax = [
  {
    selector: "ImportDeclaration[source.value=/^(node:)?fs(\\/promises)?$/] > :matches(ImportNamespaceSpecifier, ImportDefaultSpecifier)",
    message: 'Import the named fs functions you use (a namespace import would hide an unlink from the removal rule).',
  },
];

function restrictionsFor(layer, isTest) {
  const forbidden = forbiddenFor(layer, isTest);
  const patterns = [{ group: pathGroups(forbidden), message: `${layer}/${isTest ? ' tests' : ''} may import only from ${[...new Set([...allowed[layer], ...(isTest ? ['test', 'fixtures', ...(extraForTests[layer] ?? [])] : [])])].join(', ')} (layer rule, see ARCHITECTURE.md).` }];
  const paths = [];
  if (layer !== 'electron') paths.push({ name: 'electron', message: 'Only electron/ may import electron.' });
  if (layer !== 'renderer' && !(isTest && layer === 'server')) {
    patterns.push({ group: ['react', 'react-dom', 'react-dom/*', 'zustand'], message: 'Only renderer/ may import React.' });
  }
  if ((layer === 'common' || layer === 'renderer') && !isTest) {
    patterns.push({ group: ['node:*', 'fs', 'path', 'child_process', 'better-sqlite3'], message: `${layer}/ is runtime-neutral: no Node built-ins.` });
  }
  const productCode = !isTest && !['fixtures', 'test', 'bench'].includes(layer);
  if (productCode) paths.push(...removalRule.paths);
  // SQL lives in db/: nothing else prepares a statement or takes db/open's statement cache.
  if (productCode && layer !== 'db') patterns.push({ group: ['**/db/open.js'], importNames: ['stmt'], message: 'SQL lives in db/: add a query function there.' });
  // Dynamic import() of a forbidden layer: same rule as a static import.
  const dynamic = forbidden.map((l) => ({
    selector: `ImportExpression > Literal[value=/(^|\\/)${l}\\//]`,
    message: `${layer}/ may not import ${l}/ (layer rule, also for import()).`,
  }));
  const sqlSyntax =
    productCode && layer !== 'db'
      ? [
          { selector: "CallExpression[callee.property.name='prepare']", message: 'SQL lives in db/: add a query function there.' },
          { selector: "CallExpression[callee.property.name='exec'] > :matches(Literal, TemplateLiteral).arguments", message: 'SQL lives in db/: add a query function there.' },
        ]
      : [];
  return {
    'no-restricted-imports': ['error', { paths, patterns }],
    'no-restricted-syntax': ['error', ...dynamic, ...(productCode ? removalSyntax : []), ...sqlSyntax],
  };
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
  ...layers.map((layer) => ({ files: [`${layer}/**/*.{ts,tsx,mjs,js}`], ignores: [`${layer}/**/*.test.{ts,tsx}`, ...REMOVERS], rules: restrictionsFor(layer, false) })),
  ...layers.map((layer) => ({ files: [`${layer}/**/*.test.{ts,tsx}`], rules: restrictionsFor(layer, true) })),
  // The two removers keep the layer rule for native/, without the removal rule.
  { files: REMOVERS, rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only electron/ may import electron.' }], patterns: [{ group: pathGroups(forbiddenFor('native', false)), message: 'native/ may import only from common, native.' }] }] } },
);
