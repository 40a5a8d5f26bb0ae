/**
 * Diagnostics for issue 12's "Duplicate a=mid value" rejoins (a receive SDP that names one mid twice;
 * seen in the 50-participant bench, not reproduced in a test): every consume and consumer close in
 * this process, per receive transport, so that the history of the repeated mid can be printed when it
 * happens. Whether it is one consumer taken twice, two consumers with one mid, or a section
 * mediasoup-client recycled tells which path it is.
 */
import { Device, type types } from 'mediasoup-client';

interface MidEvent {
  at: number;
  transportId: string;
  event: 'consume' | 'consumed' | 'consume failed' | 'closing';
  consumerId: string;
  mid?: string;
  error?: string;
}

/** mediasoup-client's Transport as patched here (its class is not exported: reached through the first transport made). */
interface TransportInternals {
  id: string;
  consume(options: types.ConsumerOptions): Promise<types.Consumer>;
  closePendingConsumers(): void;
  _pendingCloseConsumers?: Map<string, { id: string; localId?: string }>;
}

const MAX_EVENTS = 5_000;
const events: MidEvent[] = [];
let installed = false;

function record(event: MidEvent): void {
  events.push(event);
  if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
}

function patchTransport(prototype: TransportInternals): void {
  const consume = prototype.consume;
  prototype.consume = function (this: TransportInternals, options) {
    const base = { transportId: this.id, consumerId: options.id, mid: options.rtpParameters.mid };
    record({ ...base, at: Date.now(), event: 'consume' });
    const consuming = consume.call(this, options);
    consuming.then(
      () => record({ ...base, at: Date.now(), event: 'consumed' }),
      (error: Error) => record({ ...base, at: Date.now(), event: 'consume failed', error: error?.message }),
    );
    return consuming;
  };
  const closePending = prototype.closePendingConsumers;
  prototype.closePendingConsumers = function (this: TransportInternals) {
    for (const consumer of this._pendingCloseConsumers?.values() ?? []) {
      record({ at: Date.now(), transportId: this.id, event: 'closing', consumerId: consumer.id, mid: consumer.localId });
    }
    closePending.call(this);
  };
}

/** Starts recording (once per process): patches mediasoup-client's Transport when the first receive transport is made. */
export function traceMids(): void {
  if (installed) return;
  installed = true;
  const create = Device.prototype.createRecvTransport;
  let patched = false;
  Device.prototype.createRecvTransport = function <T extends types.AppData>(this: Device, options: types.TransportOptions<T>): types.Transport<T> {
    const transport = create.call(this, options) as types.Transport<T>;
    if (!patched) {
      patched = true;
      patchTransport(Object.getPrototypeOf(transport) as TransportInternals);
    }
    return transport;
  };
}

/**
 * What happened on `transport` to the consumers that had `mid` (consumes, their outcomes, closes),
 * oldest first, times relative to the first; plus the mids of the transport's remote SDP as
 * mediasoup-client holds it (closed sections marked).
 */
export function explainMid(transport: types.Transport | undefined, mid: string): { events: (Omit<MidEvent, 'at'> & { ms: number })[]; sections?: string[] } {
  const ids = new Set(events.filter((e) => e.mid === mid && (!transport || e.transportId === transport.id)).map((e) => e.consumerId));
  const related = events.filter((e) => ids.has(e.consumerId));
  const first = related[0]?.at ?? 0;
  const sdp = (transport as unknown as { _handler?: { _remoteSdp?: { _mediaSections?: { mid: string; closed: boolean }[] } } })?._handler?._remoteSdp;
  return {
    events: related.map(({ at, ...rest }) => ({ ms: at - first, ...rest })),
    sections: sdp?._mediaSections?.map((section) => (section.closed ? `${section.mid} (closed)` : section.mid)),
  };
}
