import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import viteConfig from '../../../vite.config';
import { Host } from '../Host';
import { createLogger } from '../logger';
import { guestPageCsp } from './securityHeaders';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, ca: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((part) => {
    const [name = '', ...values] = part.trim().split(/\s+/);
    return [name, values] as const;
  }));
}

describe('guest page security headers (issue 9, item 9)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-headers-'));
  const webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-webroot-'));
  const adminToken = 'header-test-admin-token-0123';
  let host: Host;
  let ca: string;

  beforeAll(async () => {
    fs.mkdirSync(path.join(webRoot, 'assets'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><script type="module" src="./assets/app.js"></script>');
    fs.writeFileSync(path.join(webRoot, 'assets', 'app.js'), 'console.log("app")\n//# sourceMappingURL=app.js.map');
    fs.writeFileSync(path.join(webRoot, 'assets', 'app.js.map'), '{"version":3,"sources":["../src/secret.ts"]}');
    host = await Host.start(
      { listenIp: '127.0.0.1', announcedIp: '127.0.0.1', httpPort: 0, rtcPort: 0, workers: 1, tls: true, discovery: false, dataDir, webRoot, adminToken },
      { logger: createLogger('silent') },
    );
    ca = host.tls!.cert;
  });
  afterAll(async () => {
    await host?.stop();
    for (const dir of [dataDir, webRoot]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page with a strict CSP: no inline script, own origin only, never framed', async () => {
    const page = await get(`${host.baseUrl}/?room=standup`, ca);
    expect(page.status).toBe(200);
    const csp = directives(String(page.headers['content-security-policy']));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'", `wss://${new URL(host.baseUrl).host}`]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    for (const values of csp.values()) expect(values).not.toContain("'unsafe-inline'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['permissions-policy']).toMatch(/camera=\(self\)/);

    const script = await get(`${host.baseUrl}/assets/app.js`, ca);
    expect(script.status).toBe(200);
    expect(script.headers['content-security-policy']).toBeDefined();
  });

  it('never serves source maps, even when the web root has them', async () => {
    for (const name of ['/assets/app.js.map', '/assets/APP.JS.MAP', '/assets/app.js.map?x=1']) {
      const answer = await get(`${host.baseUrl}${name}`, ca);
      expect(answer.status).toBe(404);
      expect(answer.body).not.toContain('secret.ts');
    }
  });

  it('API answers carry the same headers and a CSP that runs nothing', async () => {
    const health = await get(`${host.baseUrl}/api/health`, ca);
    expect(health.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['referrer-policy']).toBe('no-referrer');
  });

  it('takes the admin token from the Authorization header only, never from ?token=', async () => {
    const viaQuery = await get(`${host.baseUrl}/api/health?token=${adminToken}`, ca);
    expect(JSON.parse(viaQuery.body)).toEqual({ status: 'ok' });
    expect((await get(`${host.baseUrl}/api/rooms/any/stats?token=${adminToken}`, ca)).status).toBe(401);
    const viaHeader = await get(`${host.baseUrl}/api/health`, ca, { Authorization: `Bearer ${adminToken}` });
    expect(JSON.parse(viaHeader.body)).toHaveProperty('workers');
  });

  it('a hostile Host header is not copied into the policy', () => {
    for (const hostile of ['evil.example; script-src *', 'a b', "x'y", 'host:1234\r\nX: y', '']) {
      const csp = directives(guestPageCsp(hostile, true));
      expect(csp.get('connect-src')).toEqual(["'self'"]);
      expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    }
    expect(directives(guestPageCsp('[fe80::1]:4443', true)).get('connect-src')).toEqual(["'self'", 'wss://[fe80::1]:4443']);
    expect(directives(guestPageCsp('127.0.0.1:4780', false)).get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:4780']);
  });

  it('production builds emit no source maps', () => {
    const config = typeof viteConfig === 'function' ? viteConfig({ mode: 'production', command: 'build' }) : viteConfig;
    expect((config as { build?: { sourcemap?: unknown } }).build?.sourcemap).toBe(false);
  });
});
