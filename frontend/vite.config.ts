/// <reference types="vitest/config" />
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// The Wails build embeds dist/ (//go:embed all:frontend/dist). emptyOutDir wipes
// dist/.gitkeep, which a fresh clone needs for go vet of package main; this
// plugin writes it back after every build, however vite was started.
function keepGitkeep(): Plugin {
  let outDir = 'dist';
  return {
    name: 'deepr-keep-gitkeep',
    apply: 'build',
    configResolved(c) {
      outDir = resolve(c.root, c.build.outDir);
    },
    closeBundle() {
      writeFileSync(resolve(outDir, '.gitkeep'), '');
    },
  };
}

export default defineConfig({
  plugins: [svelte(), svelteTesting(), keepGitkeep()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['./src/tests/setup.ts'],
    restoreMocks: true,
  },
});
