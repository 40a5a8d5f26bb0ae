import { describe, expect, it, vi } from 'vitest';
import type { ScreenSources } from '../../shared/ipc';
import { linuxCaptureFeatures, ScreenCapture, screenRecordingHelp } from './capture';
import { IpcFailure } from './ipc';

function source(id: string, name: string) {
  return { id, name, display_id: '', appIcon: null, thumbnail: { isEmpty: () => false, toDataURL: () => `data:image/png;base64,${id}` } };
}
const sources = [source('screen:1:0', 'Entire Screen'), source('window:42:0', 'Slides')];

function setup(options: { platform?: NodeJS.Platform; access?: string; trusted?: boolean } = {}) {
  const announced: ScreenSources[] = [];
  const capture = new ScreenCapture({
    getSources: vi.fn(async () => sources) as never,
    platform: options.platform ?? 'linux',
    mediaAccessStatus: (() => options.access ?? 'granted') as never,
    announce: (request) => announced.push(request),
    isTrusted: (url) => (options.trusted ?? true) && url.startsWith('app://roundtable/'),
  });
  const request = (audioRequested = false, url = 'app://roundtable/index.html') => {
    const callback = vi.fn();
    capture.handleRequest({ frame: { url } as never, securityOrigin: 'app://roundtable', videoRequested: true, audioRequested, userGesture: true }, callback);
    return callback;
  };
  const announcedOnce = () => vi.waitFor(() => expect(announced).toHaveLength(1));
  return { capture, announced, request, announcedOnce };
}

describe('display-media request handler', () => {
  it('announces the sources with thumbnails, then answers with the one the user picked', async () => {
    const { capture, announced, request, announcedOnce } = setup();
    const callback = request();
    await announcedOnce();
    expect(announced[0]).toEqual({
      sources: [
        { id: 'screen:1:0', name: 'Entire Screen', kind: 'screen', thumbnailDataUrl: 'data:image/png;base64,screen:1:0' },
        { id: 'window:42:0', name: 'Slides', kind: 'window', thumbnailDataUrl: 'data:image/png;base64,window:42:0' },
      ],
      audioAvailable: false,
    });
    expect(callback).not.toHaveBeenCalled();
    capture.choose({ sourceId: 'window:42:0', withAudio: true });
    expect(callback).toHaveBeenCalledTimes(1);
    // Linux has no system-audio loopback: video only, even though audio was asked for.
    expect(callback).toHaveBeenCalledWith({ video: sources[1] });
  });

  it('adds Windows system audio (loopback) only when the page asked and the user agreed', async () => {
    const win = setup({ platform: 'win32' });
    const withAudio = win.request(true);
    await win.announcedOnce();
    expect(win.announced[0]?.audioAvailable).toBe(true);
    win.capture.choose({ sourceId: 'screen:1:0', withAudio: true });
    expect(withAudio).toHaveBeenCalledWith({ video: sources[0], audio: 'loopback' });

    const declined = setup({ platform: 'win32' });
    const videoOnly = declined.request(true);
    await declined.announcedOnce();
    declined.capture.choose({ sourceId: 'screen:1:0', withAudio: false });
    expect(videoOnly).toHaveBeenCalledWith({ video: sources[0] });
  });

  it('cancels with null when the user closes the picker', async () => {
    const { capture, request, announcedOnce } = setup();
    const callback = request();
    await announcedOnce();
    capture.choose({ sourceId: null, withAudio: false });
    expect(callback).toHaveBeenCalledWith(null);
    expect(() => capture.choose({ sourceId: 'screen:1:0', withAudio: false })).toThrow(IpcFailure);
  });

  it('refuses a source id that was not offered, and keeps the request open', async () => {
    const { capture, request, announcedOnce } = setup();
    const callback = request();
    await announcedOnce();
    expect(() => capture.choose({ sourceId: 'window:999:0', withAudio: false })).toThrow(/not one of the offered/);
    expect(callback).not.toHaveBeenCalled();
    capture.choose({ sourceId: 'screen:1:0', withAudio: false });
    expect(callback).toHaveBeenCalledWith({ video: sources[0] });
  });

  it('answers null at once for a page it does not trust, without showing a picker', () => {
    const { announced, request } = setup();
    const callback = request(false, 'https://evil.example/');
    expect(callback).toHaveBeenCalledWith(null);
    expect(announced).toHaveLength(0);
  });

  it('a second request cancels the first, and cancelPending clears it (reload)', async () => {
    const { capture, announced, request } = setup();
    const first = request();
    await vi.waitFor(() => expect(announced).toHaveLength(1));
    const second = request();
    expect(first).toHaveBeenCalledWith(null);
    await vi.waitFor(() => expect(announced).toHaveLength(2));
    capture.cancelPending();
    expect(second).toHaveBeenCalledWith(null);
    expect(() => capture.choose({ sourceId: 'screen:1:0', withAudio: false })).toThrow(/no screen share request/);
  });

  it('on macOS without Screen Recording permission, says where to grant it', async () => {
    const denied = await setup({ platform: 'darwin', access: 'denied' }).capture.list();
    expect(denied.list.problem).toBe(screenRecordingHelp);
    expect(denied.list.problem).toMatch(/Privacy & Security → Screen Recording/);
    const granted = await setup({ platform: 'darwin', access: 'granted' }).capture.list();
    expect(granted.list.problem).toBeUndefined();
  });
});

describe('linuxCaptureFeatures', () => {
  it('enables the PipeWire capturer on Linux only', () => {
    expect(linuxCaptureFeatures('linux')).toEqual(['WebRTCPipeWireCapturer']);
    expect(linuxCaptureFeatures('win32')).toEqual([]);
  });
});
