// The frontend's own sources (TypeScript and Svelte, tests and fixtures
// aside), for the tests that check rules about the source itself.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The src folder. */
export const srcRoot = join(__dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|svelte)$/.test(name) && !/\.test\.ts$/.test(name) && !p.includes('/tests/') ? [p] : [];
  });
}

/** sourceFiles lists every source with its path relative to src and its text. */
export function sourceFiles(): { path: string; text: string }[] {
  return files(srcRoot).map((p) => ({ path: relative(srcRoot, p), text: readFileSync(p, 'utf8') }));
}
