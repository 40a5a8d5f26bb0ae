// @vitest-environment node
import { EventEmitter } from 'eventemitter3';
import { describe, expect, it, vi } from 'vitest';
import type { MediaEncryption } from '../conference/MediaEncryption';
import { E2eeSession, E2eeUnsupportedError, type EncryptableConference } from './E2eeSession';
import { deriveMeetingKey, verificationCode } from './keys';
import type { FromWorker, ToWorker } from './protocol';
import { detectTransformApi, peerConnectionSettingsFor } from './transformSupport';

/** Stands in for the Worker: records what the page posts, lets the test answer as the worker would. */
class FakeWorker {
  readonly posted: { message: ToWorker; transfer: Transferable[] }[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  postMessage(message: ToWorker, transfer: Transferable[] = []) {
    this.posted.push({ message, transfer });
  }
  terminate() {
    this.terminated = true;
  }
  reply(message: FromWorker) {
    this.onmessage?.({ data: message } as MessageEvent<FromWorker>);
  }
}

/** PBKDF2 rounds for typed keys in these tests (the real count is tested in keys.test.ts). */
const ITERATIONS = 1_000;
const codeOf = async (key: string, room = 'room-1') => verificationCode(await deriveMeetingKey(key, room, ITERATIONS));

class FakeConference extends EventEmitter implements EncryptableConference {
  mediaEncryption: MediaEncryption | undefined;
}

function session(api: 'script-transform' | 'encoded-streams' = 'encoded-streams') {
  const workers: FakeWorker[] = [];
  const e2ee = new E2eeSession('the-key', 'room-1', {
    api,
    passphraseIterations: ITERATIONS,
    createWorker: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker as unknown as Worker;
    },
  });
  return { e2ee, workers };
}

describe('which encoded-transform API is used', () => {
  it('prefers RTCRtpScriptTransform, falls back to the legacy encoded streams, else none', () => {
    class Sender {
      createEncodedStreams() {}
    }
    expect(detectTransformApi({ RTCRtpScriptTransform: class {}, RTCRtpSender: Sender })).toBe('script-transform');
    expect(detectTransformApi({ RTCRtpSender: Sender })).toBe('encoded-streams');
    expect(detectTransformApi({ RTCRtpSender: class {} })).toBe('none');
    expect(detectTransformApi({})).toBe('none');
  });

  it('asks the peer connection for encoded streams only on the legacy API', () => {
    expect(peerConnectionSettingsFor('encoded-streams')).toEqual({ encodedInsertableStreams: true });
    expect(peerConnectionSettingsFor('script-transform')).toEqual({});
  });

  it('refuses to start an encrypted meeting where frames cannot be transformed', () => {
    expect(() => new E2eeSession('k', 'room-1', { api: 'none' })).toThrow(E2eeUnsupportedError);
  });
});

describe('E2eeSession', () => {
  it('computes the verification code and posts the meeting key to the worker, not the key text', async () => {
    const { e2ee, workers } = session();
    const code = await codeOf('the-key');
    await vi.waitFor(() => expect(e2ee.verificationCode).toBe(code));
    const readable = new ReadableStream();
    const writable = new WritableStream();
    const sender = { createEncodedStreams: () => ({ readable, writable }) };
    e2ee.setLocalParticipant('me');
    e2ee.encryptSender(sender as unknown as RTCRtpSender, 'video');
    const [worker] = workers;
    await vi.waitFor(() => expect(worker!.posted.some((p) => p.message.type === 'key')).toBe(true));
    const streams = worker!.posted.find((p) => p.message.type === 'streams')!;
    expect(streams.message).toMatchObject({ options: { operation: 'encrypt', kind: 'video', participantId: 'me' } });
    expect(streams.transfer).toEqual([readable, writable]);
    const key = worker!.posted.find((p) => p.message.type === 'key')!.message as Extract<ToWorker, { type: 'key' }>;
    expect(key.epoch).toBe(0);
    expect(key.meetingKey.extractable).toBe(false);
    expect(JSON.stringify(worker!.posted.map((p) => p.message))).not.toContain('the-key');
  });

  it('sets a script transform on receivers where RTCRtpScriptTransform exists', () => {
    const created: unknown[] = [];
    const globals = globalThis as { RTCRtpScriptTransform?: unknown };
    globals.RTCRtpScriptTransform = class {
      constructor(worker: unknown, options: unknown) {
        created.push({ worker, options });
      }
    };
    try {
      const { e2ee, workers } = session('script-transform');
      const receiver = { transform: null as unknown };
      e2ee.decryptReceiver(receiver as unknown as RTCRtpReceiver, 'audio', 'peer-7');
      expect(receiver.transform).toBeInstanceOf(globals.RTCRtpScriptTransform as new () => unknown);
      expect(created).toEqual([{ worker: workers[0], options: expect.objectContaining({ operation: 'decrypt', kind: 'audio', participantId: 'peer-7' }) }]);
    } finally {
      delete globals.RTCRtpScriptTransform;
    }
  });

  it('reports "cannot decrypt" per participant while any of its streams fails', () => {
    const { e2ee, workers } = session();
    const receiver = { createEncodedStreams: () => ({ readable: new ReadableStream(), writable: new WritableStream() }) };
    e2ee.decryptReceiver(receiver as unknown as RTCRtpReceiver, 'video', 'peer-1');
    let changes = 0;
    e2ee.on('change', () => changes++);
    const worker = workers[0]!;
    worker.reply({ type: 'decryptState', participantId: 'peer-1', transformId: 't1', state: 'failing' });
    worker.reply({ type: 'decryptState', participantId: 'peer-1', transformId: 't2', state: 'ok' });
    expect(e2ee.cannotDecrypt('peer-1')).toBe(true);
    expect(e2ee.cannotDecrypt('peer-2')).toBe(false);
    worker.reply({ type: 'decryptState', participantId: 'peer-1', transformId: 't1', state: 'ok' });
    expect(e2ee.cannotDecrypt('peer-1')).toBe(false);
    worker.reply({ type: 'decryptState', participantId: 'peer-1', transformId: 't1', state: 'failing' });
    worker.reply({ type: 'ended', participantId: 'peer-1', transformId: 't1' });
    expect(e2ee.cannotDecrypt('peer-1')).toBe(false);
    expect(changes).toBe(4);
  });

  it('a new key goes to the worker with the next epoch and changes the code', async () => {
    const { e2ee, workers } = session();
    const receiver = { createEncodedStreams: () => ({ readable: new ReadableStream(), writable: new WritableStream() }) };
    e2ee.decryptReceiver(receiver as unknown as RTCRtpReceiver, 'video', 'peer-1');
    await vi.waitFor(() => expect(e2ee.verificationCode).toBeDefined());
    const before = e2ee.verificationCode;
    await e2ee.setKey('another-key');
    expect(e2ee.key).toBe('another-key');
    const code = await codeOf('another-key');
    await vi.waitFor(() => expect(e2ee.verificationCode).toBe(code));
    expect(e2ee.verificationCode).not.toBe(before);
    const epochs = workers[0]!.posted.filter((p) => p.message.type === 'key').map((p) => (p.message as Extract<ToWorker, { type: 'key' }>).epoch);
    expect(epochs).toEqual([0, 1]);
    await expect(e2ee.setKey('  ')).rejects.toThrow('empty');
  });

  it('plugs into a conference and stops its worker when the meeting ends', () => {
    const { e2ee, workers } = session();
    const conference = new FakeConference();
    const detach = e2ee.attach(conference);
    expect(conference.mediaEncryption).toBe(e2ee);
    e2ee.encryptSender({ createEncodedStreams: () => ({ readable: new ReadableStream(), writable: new WritableStream() }) } as unknown as RTCRtpSender, 'audio');
    conference.emit('connectionStateChanged', { state: 'disconnected' });
    expect(workers[0]!.terminated).toBe(true);
    // A new join (e.g. after a passcode prompt) gets a fresh worker.
    e2ee.encryptSender({ createEncodedStreams: () => ({ readable: new ReadableStream(), writable: new WritableStream() }) } as unknown as RTCRtpSender, 'audio');
    expect(workers).toHaveLength(2);
    detach();
    expect(conference.mediaEncryption).toBeUndefined();
    expect(workers[1]!.terminated).toBe(true);
  });
});

describe('E2eeSession keys typed or from the link', () => {
  const LINK_KEY = 'Kq3v9TzX1bN0pQ7rS2uW4w';
  const make = (key: string, iterations?: number) => new E2eeSession(key, 'room-1', { api: 'encoded-streams', createWorker: () => new FakeWorker() as unknown as Worker, passphraseIterations: iterations });
  const codeWhenReady = async (e2ee: E2eeSession) => {
    await e2ee.ready;
    await vi.waitFor(() => expect(e2ee.verificationCode).toBeDefined());
    return e2ee.verificationCode;
  };

  it('the link key and the same key pasted into the key field show the same code, and read each other’s chat', async () => {
    const fromLink = make(LINK_KEY);
    const pasted = make(` ${LINK_KEY} `);
    expect(await codeWhenReady(pasted)).toBe(await codeWhenReady(fromLink));
    const sealed = await fromLink.sealChat('hi', { from: 'ann' });
    expect(await pasted.openChat(sealed, { from: 'ann' })).toBe('hi');
    expect(fromLink.deriving).toBe(false);
  });

  it('says "deriving" while a slow passphrase is stretched, never for a link key', async () => {
    const states: boolean[] = [];
    const typed = make('a passphrase we typed', 2_000_000);
    typed.on('change', () => states.push(typed.deriving));
    await typed.ready;
    await vi.waitFor(() => expect(typed.deriving).toBe(false));
    expect(states).toContain(true);
    expect(typed.verificationCode ?? (await codeWhenReady(typed))).toMatch(/^\d{3} \d{3}$/);
    const link = make(LINK_KEY);
    link.on('change', () => expect(link.deriving).toBe(false));
    await link.ready;
  }, 60_000);

  it('a key change while a passphrase is still being stretched ends the "deriving" state with the new key', async () => {
    const e2ee = make('slow passphrase', 2_000_000);
    await vi.waitFor(() => expect(e2ee.deriving).toBe(true), { timeout: 10_000 });
    await e2ee.setKey(LINK_KEY);
    expect(e2ee.deriving).toBe(false);
    expect(await codeWhenReady(e2ee)).toBe(await codeWhenReady(make(LINK_KEY)));
  }, 60_000);
});
