import { defineConfig } from 'vite';

// Built into dist/ by `npm run build`; the API serves it at /console (apps/api/src/routes/console.ts).
export default defineConfig({
  base: '/console/',
  // No inline module-preload polyfill: the page's policy allows scripts from the service only.
  build: { outDir: 'dist', emptyOutDir: true, modulePreload: { polyfill: false }, target: 'es2022' },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
