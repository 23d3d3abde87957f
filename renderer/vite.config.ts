// Build with `vite build renderer` (renderer/ is the root, so no Node path handling is needed
// here): the page and its assets land in dist-renderer/, which `custodian serve` and the
// Electron window both load. Relative asset URLs, so the same build works from http:// (browser
// mode) and from the app's own protocol (Electron).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  base: './',
  build: {
    outDir: '../dist-renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: { host: '127.0.0.1', strictPort: true },
});
