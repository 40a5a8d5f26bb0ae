import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig(({ mode }) => ({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // Production builds ship no source maps (the guest page is public to anyone who can reach
    // the host); `vite build --mode development` keeps them for debugging.
    sourcemap: mode === 'development',
    // mediasoup-client + React in one chunk is ~600 kB; served from the LAN host, not the internet.
    chunkSizeWarningLimit: 1024,
  },
  server: { host: '127.0.0.1' },
}));
