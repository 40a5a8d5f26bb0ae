import type { types } from 'mediasoup';
import { HostError } from '../errors';

/** What a client's DTLS parameters commit it to: its role and certificate fingerprints. */
function identity(dtls: types.DtlsParameters): string {
  const fingerprints = dtls.fingerprints.map((f) => `${f.algorithm.toLowerCase()} ${f.value.toUpperCase()}`).sort();
  return `${dtls.role ?? 'auto'}|${fingerprints.join(',')}`;
}

const connects = new WeakMap<types.WebRtcTransport, { identity: string; done: Promise<void> }>();

/**
 * Connects a WebRTC transport with the client's DTLS parameters, once. A client on a loaded machine
 * that gave up waiting for the answer asks again (mediasoup-client sets its transport up anew on
 * the next consume); mediasoup refuses a second connect() ("connect() already called"), and that
 * client's transport could then never carry a consumer. The same parameters again are answered
 * like the first connect; other ones are refused: a transport's DTLS peer does not change.
 */
export async function connectOnce(transport: types.WebRtcTransport, dtlsParameters: types.DtlsParameters): Promise<void> {
  const asked = identity(dtlsParameters);
  const earlier = connects.get(transport);
  if (earlier) {
    if (earlier.identity !== asked) throw new HostError('bad_request', 'transport already connected with other DTLS parameters');
    return earlier.done;
  }
  const done = transport.connect({ dtlsParameters });
  connects.set(transport, { identity: asked, done });
  // A refused connect (bad parameters) did not connect: the next try is a first one again.
  done.catch(() => {
    if (connects.get(transport)?.done === done) connects.delete(transport);
  });
  return done;
}
