import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { resolveAppFile } from './appProtocol';
import { contentSecurityPolicy, installCsp } from './csp';
import { decideNavigation, decideWindowOpen, safeExternalUrl } from './navigation';
import { TrustedOrigins } from './origins';
import { guardNavigation, restoreBounds, secureWebPreferences } from './window';

const origins = () => {
  const trusted = new TrustedOrigins('app://roundtable/index.html');
  trusted.addMeetingHost('https://10.0.0.5:4443');
  return trusted;
};

describe('navigation policy', () => {
  it('keeps the app page and the meeting host in the window', () => {
    expect(decideNavigation('app://roundtable/index.html#x', origins())).toBe('allow');
    expect(decideNavigation('https://10.0.0.5:4443/?room=a', origins())).toBe('allow');
  });

  it('sends other web links to the system browser and blocks everything else', () => {
    expect(decideNavigation('https://example.com/help', origins())).toBe('external');
    expect(decideNavigation('file:///etc/passwd', origins())).toBe('block');
    expect(decideNavigation('javascript:alert(1)', origins())).toBe('block');
    expect(decideWindowOpen('https://example.com/')).toBe('external');
    expect(decideWindowOpen('smb://server/share')).toBe('block');
  });

  it('only hands plain http(s) links to shell.openExternal', () => {
    expect(safeExternalUrl('https://example.com/a?b=c')).toBe('https://example.com/a?b=c');
    for (const bad of ['ms-msdt:/id PCWDiagnostic', 'file:///C:/Windows/System32/calc.exe', 'https://u:p@example.com/', 'https://exa mple.com', 'https://example.com/\n', 42]) {
      expect(safeExternalUrl(bad), String(bad)).toBeUndefined();
    }
  });

  it('guards a webContents: prevents and redirects outside navigations, denies new windows', () => {
    const listeners = new Map<string, (event: unknown) => void>();
    let openHandler: ((details: { url: string }) => { action: string }) | undefined;
    const webContents = {
      on: (name: string, listener: never) => listeners.set(name, listener),
      setWindowOpenHandler: (handler: never) => (openHandler = handler),
    };
    const opened: string[] = [];
    guardNavigation(webContents as never, origins(), (url) => opened.push(url));
    const navigate = (url: string) => {
      const event = { url, preventDefault: vi.fn() };
      listeners.get('will-navigate')!(event);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(navigate('https://10.0.0.5:4443/?room=a')).toBe(false);
    expect(navigate('https://example.com/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(openHandler!({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.com/', 'https://example.com/docs']);
    expect(listeners.has('will-redirect')).toBe(true);
    expect(listeners.has('will-attach-webview')).toBe(true);
  });
});

describe('window', () => {
  it('uses the secure web preferences', () => {
    expect(secureWebPreferences('/app/out/preload/index.cjs')).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      plugins: false,
      safeDialogs: true,
      navigateOnDragDrop: false,
    });
    const preferences = secureWebPreferences('/p') ?? {};
    // Nothing that would switch a Blink feature on by hand.
    expect(preferences).not.toHaveProperty('enableBlinkFeatures');
    expect(preferences).not.toHaveProperty('additionalArguments');
  });

  it('restores saved bounds only when they are on a connected display', () => {
    const display = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(restoreBounds({ x: 100, y: 100, width: 1000, height: 700, maximized: false }, display)).toEqual({ x: 100, y: 100, width: 1000, height: 700 });
    expect(restoreBounds({ x: 3000, y: 100, width: 1000, height: 700, maximized: false }, display)).toEqual({ width: 1000, height: 700 });
    expect(restoreBounds(undefined, display)).toEqual({ width: 1280, height: 800 });
  });
});

describe('app:// protocol', () => {
  const root = path.resolve('/srv/app/dist/renderer');
  it('maps app://roundtable paths into the renderer build', () => {
    expect(resolveAppFile(root, 'app://roundtable/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://roundtable/assets/index-1.js?v=1')).toBe(path.join(root, 'assets', 'index-1.js'));
  });

  it('refuses other hosts and every way out of the build folder', () => {
    expect(resolveAppFile(root, 'app://other/index.html')).toBeUndefined();
    // The URL parser folds literal dot segments, so this stays inside the build folder.
    expect(resolveAppFile(root, 'app://roundtable/../../../etc/passwd')).toBe(path.join(root, 'etc', 'passwd'));
    expect(resolveAppFile(root, 'app://roundtable/%2e%2e/%2e%2e/secret')).toBe(path.join(root, 'secret'));
    expect(resolveAppFile(root, 'app://roundtable/..%2F..%2Fsecret')).toBeUndefined();
    expect(resolveAppFile(root, 'app://roundtable/a%00.js')).toBeUndefined();
    expect(resolveAppFile(root, 'app://roundtable/%E0%A4%A')).toBeUndefined();
  });
});

describe('CSP', () => {
  it('allows no inline script in the packaged app', () => {
    const policy = contentSecurityPolicy({ dev: false });
    expect(policy).toContain("script-src 'self'");
    // 'wasm-unsafe-eval' allows compiling WebAssembly only (RNNoise, MediaPipe), not JS eval.
    expect(policy).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
  });

  it('sets the header on app pages only, replacing any other CSP', () => {
    let listener: ((details: unknown, callback: (response: unknown) => void) => void) | undefined;
    installCsp({ webRequest: { onHeadersReceived: (l: never) => (listener = l) } } as never, origins().isAppPage.bind(origins()), 'default-src x');
    const respond = (url: string) =>
      new Promise((resolve) => listener!({ url, responseHeaders: { 'content-security-policy': ['weak'], 'X-Other': ['1'] } }, resolve));
    return Promise.all([
      expect(respond('app://roundtable/index.html')).resolves.toEqual({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': ['default-src x'] } }),
      expect(respond('https://10.0.0.5:4443/')).resolves.toEqual({}),
    ]);
  });
});
