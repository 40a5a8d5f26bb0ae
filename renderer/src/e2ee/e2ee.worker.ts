/**
 * The encoded-transform worker: encrypts our outgoing frames and decrypts everyone else's, for
 * both APIs: RTCRtpScriptTransform (`rtctransform` events) and the legacy encoded streams (the
 * page posts the streams). One worker per meeting; every transform in it shares the meeting key.
 */
import { DecryptHealth, FrameDecryptor, FrameEncryptor, type EncodedFrame } from './frameCrypto';
import { deriveSenderKey } from './keys';
import type { FromWorker, ToWorker, TransformOptions } from './protocol';

/** The parts of RTCRtpScriptTransformer used here (not in TypeScript's DOM lib). */
interface ScriptTransformer {
  readonly readable: ReadableStream<EncodedFrame>;
  readonly writable: WritableStream<EncodedFrame>;
  readonly options: TransformOptions;
  generateKeyFrame?(): Promise<void>;
  sendKeyFrameRequest?(): Promise<void>;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  onrtctransform: ((event: Event & { transformer: ScriptTransformer }) => void) | null;
  postMessage(message: FromWorker): void;
};

/** Key-frame requests after a decryption recovers: at most one a second per receiver. */
const KEYFRAME_REQUEST_INTERVAL_MS = 1_000;

interface Running {
  options: TransformOptions;
  transformer?: ScriptTransformer;
  encryptor?: FrameEncryptor;
  decryptor?: FrameDecryptor;
}

let meetingKey: CryptoKey | undefined;
let epoch = 0;
const running = new Map<string, Running>();

function ignore(): void {}

async function keySender(entry: Running): Promise<void> {
  if (!meetingKey || !entry.encryptor) return;
  const keyEpoch = epoch;
  const key = await deriveSenderKey(meetingKey, entry.options.participantId, keyEpoch);
  if (keyEpoch !== epoch) return; // a newer key arrived meanwhile
  entry.encryptor.setKey(key, keyEpoch);
  // Receivers can only decode from a key frame encrypted with the new key.
  if (entry.options.kind === 'video') entry.transformer?.generateKeyFrame?.().catch(ignore);
}

function start(options: TransformOptions, readable: ReadableStream<EncodedFrame>, writable: WritableStream<EncodedFrame>, transformer?: ScriptTransformer): void {
  const entry: Running = { options, transformer };
  running.set(options.transformId, entry);
  let transform: (frame: EncodedFrame, controller: TransformStreamDefaultController<EncodedFrame>) => Promise<void>;
  if (options.operation === 'encrypt') {
    const encryptor = (entry.encryptor = new FrameEncryptor());
    void keySender(entry);
    transform = async (frame, controller) => {
      const data = await encryptor.encrypt(options.kind, frame);
      if (data === undefined) return; // no key yet, or a codec we cannot protect: never send it clear
      frame.data = data;
      controller.enqueue(frame);
    };
  } else {
    const decryptor = (entry.decryptor = new FrameDecryptor(options.participantId, meetingKey));
    const health = new DecryptHealth();
    let lastKeyFrameRequest = 0;
    transform = async (frame, controller) => {
      const result = await decryptor.decrypt(frame);
      if (!result.ok && result.reason === 'no_key') return;
      const recovered = result.ok && health.state === 'failing';
      const change = health.record(result.ok);
      if (change) scope.postMessage({ type: 'decryptState', participantId: options.participantId, transformId: options.transformId, state: change });
      if (!result.ok) return; // dropped: the decoder never sees frames it cannot trust
      if (recovered && options.kind === 'video' && frame.type !== 'key' && performance.now() - lastKeyFrameRequest > KEYFRAME_REQUEST_INTERVAL_MS) {
        lastKeyFrameRequest = performance.now();
        transformer?.sendKeyFrameRequest?.().catch(ignore);
      }
      frame.data = result.data;
      controller.enqueue(frame);
    };
  }
  readable
    .pipeThrough(new TransformStream<EncodedFrame, EncodedFrame>({ transform }))
    .pipeTo(writable)
    .catch(ignore)
    .finally(() => {
      running.delete(options.transformId);
      scope.postMessage({ type: 'ended', participantId: options.participantId, transformId: options.transformId });
    });
}

scope.onrtctransform = (event) => {
  const { transformer } = event;
  start(transformer.options, transformer.readable, transformer.writable, transformer);
};

scope.onmessage = ({ data: message }) => {
  if (message.type === 'streams') {
    start(message.options, message.readable as ReadableStream<EncodedFrame>, message.writable as WritableStream<EncodedFrame>);
    return;
  }
  meetingKey = message.meetingKey;
  epoch = message.epoch;
  for (const entry of running.values()) {
    if (entry.encryptor) void keySender(entry);
    if (entry.decryptor) {
      entry.decryptor.setMeetingKey(message.meetingKey);
      if (entry.options.kind === 'video') entry.transformer?.sendKeyFrameRequest?.().catch(ignore);
    }
  }
};
