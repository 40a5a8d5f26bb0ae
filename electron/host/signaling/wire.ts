/**
 * The one place where mediasoup's types meet the wire types of shared/protocol.ts. mediasoup's
 * objects are plain JSON-able data whose shape the zod schemas check loosely (mediasoup validates
 * their meaning itself), so each crossing is a typed conversion here instead of casts at call sites.
 */
import type { types } from 'mediasoup';
import type { NewConsumer, ParsedRequest, TransportOptions } from '../../../shared/protocol';

type WireRtpParameters = NewConsumer['rtpParameters'];
type WireRtpCapabilities = ParsedRequest<'join'>['rtpCapabilities'];
type WireDtlsParameters = ParsedRequest<'connectTransport'>['dtlsParameters'];
type WireObject = Record<string, unknown>;

/** mediasoup's structures are JSON data with known keys; the wire types are the same data, loosely typed. */
const asWire = <T>(value: object): T => value as T;

export function toWireRtpParameters(parameters: types.RtpParameters): WireRtpParameters {
  return asWire<WireRtpParameters>(parameters);
}

export function toWireRtpCapabilities(capabilities: types.RtpCapabilities): WireRtpCapabilities {
  return asWire<WireRtpCapabilities>(capabilities);
}

export function fromWireRtpCapabilities(capabilities: WireRtpCapabilities): types.RtpCapabilities {
  return capabilities as types.RtpCapabilities;
}

export function fromWireRtpParameters(parameters: ParsedRequest<'produce'>['rtpParameters']): types.RtpParameters {
  return parameters as types.RtpParameters;
}

export function fromWireDtlsParameters(parameters: WireDtlsParameters): types.DtlsParameters {
  return parameters as types.DtlsParameters;
}

export function toWireTransport(transport: types.WebRtcTransport): TransportOptions {
  return {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates.map((candidate) => asWire<WireObject>(candidate)),
    dtlsParameters: asWire<WireObject>(transport.dtlsParameters),
    sctpParameters: transport.sctpParameters ? asWire<WireObject>(transport.sctpParameters) : undefined,
  };
}
