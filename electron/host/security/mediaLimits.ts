import type { types } from 'mediasoup';
import { limits } from '../../../shared/limits';
import type { MediaSource } from '../../../shared/protocol';
import { HostError } from '../errors';

/**
 * What one participant may declare about the media it sends. The real bound on what arrives is
 * the transport's maxIncomingBitrate (mediasoup tells the sender through congestion feedback);
 * this keeps declared encodings sane so a client cannot describe a 10 Gbps layer to the others.
 */
export function clampEncodings(source: MediaSource, parameters: types.RtpParameters): types.RtpParameters {
  const encodings = parameters.encodings ?? [];
  if (encodings.length > limits.maxEncodingsPerProducer) {
    throw new HostError('bad_request', `at most ${limits.maxEncodingsPerProducer} encodings per producer`);
  }
  const cap = limits.maxEncodingBitrate[source];
  return {
    ...parameters,
    encodings: encodings.map((encoding) => ({
      ...encoding,
      ...(encoding.maxBitrate !== undefined ? { maxBitrate: Math.min(Math.max(0, encoding.maxBitrate), cap) } : {}),
    })),
  };
}
