#!/usr/bin/env node
import { createRequire } from 'node:module';
import { mountHelperMain } from '../mountd/mount-helper-main.ts';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

mountHelperMain(process.argv.slice(2), pkg.version).then((code) => {
  if (code >= 0) process.exitCode = code;
});
