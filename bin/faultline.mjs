#!/usr/bin/env node
// The `faultline` command: runs the compiled CLI (npm run build puts it in dist/).
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'faultline: dist/ is missing; run `npm run build` first (or: node --import tsx src/cli/main.ts)\n',
  );
  process.exit(2);
}
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
