import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // mediasoup-client + React in one chunk is ~600 kB; served from the LAN host, not the internet.
    chunkSizeWarningLimit: 1024,
  },
  server: { host: '127.0.0.1' },
});
