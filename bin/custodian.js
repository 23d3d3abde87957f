#!/usr/bin/env node
// The `custodian` command. The TypeScript sources are compiled to dist/ by `npm run build`.
import('../dist/cli/main.js')
  .then((m) => m.main())
  .catch((e) => {
    if (e && e.code === 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write('Custodian is not built yet: run "npm run build" first.\n');
    } else {
      process.stderr.write(`${e && e.message ? e.message : String(e)}\n`);
    }
    process.exit(1);
  });
