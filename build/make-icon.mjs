#!/usr/bin/env node
/**
 * Draws the app icon (a round table with six seats) and writes build/icon.png, 1024×1024 RGBA.
 * electron-builder derives the macOS .icns, Windows .ico and Linux sizes from it.
 * No dependencies: a tiny PNG encoder over node:zlib. Run: node build/make-icon.mjs
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 1024;
const pixels = Buffer.alloc(size * size * 4);

/** Signed distance helpers, sampled 4×4 per pixel for smooth edges. */
const roundedSquare = (x, y, half, radius) => {
  const qx = Math.abs(x) - half + radius;
  const qy = Math.abs(y) - half + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;

const background = [24, 28, 38];
const table = [233, 176, 84];
const seat = [92, 178, 255];

function colorAt(x, y) {
  // Coordinates centred on the icon, in pixels.
  const px = x - size / 2;
  const py = y - size / 2;
  if (roundedSquare(px, py, 462, 200) > 0) return null;
  if (circle(px, py, 0, 0, 220) < 0) return table;
  for (let i = 0; i < 6; i++) {
    const angle = (i / 6) * Math.PI * 2 - Math.PI / 2;
    if (circle(px, py, Math.cos(angle) * 330, Math.sin(angle) * 330, 70) < 0) return seat;
  }
  return background;
}

for (let y = 0; y < size; y++) {
  for (let x = 0; x < size; x++) {
    const sum = [0, 0, 0, 0];
    for (let sy = 0; sy < 4; sy++) {
      for (let sx = 0; sx < 4; sx++) {
        const color = colorAt(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4);
        if (!color) continue;
        sum[0] += color[0];
        sum[1] += color[1];
        sum[2] += color[2];
        sum[3] += 255;
      }
    }
    const covered = sum[3] / 255;
    const offset = (y * size + x) * 4;
    pixels[offset] = covered ? Math.round(sum[0] / covered) : 0;
    pixels[offset + 1] = covered ? Math.round(sum[1] / covered) : 0;
    pixels[offset + 2] = covered ? Math.round(sum[2] / covered) : 0;
    pixels[offset + 3] = Math.round(sum[3] / 16);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buffer) => {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header.writeUInt8(8, 8); // bit depth
header.writeUInt8(6, 9); // RGBA
const raw = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) pixels.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = new URL('./icon.png', import.meta.url);
writeFileSync(out, png);
console.log(`wrote ${out.pathname} (${png.length} bytes)`);
