/**
 * Which encoded-transform API this browser has. RTCRtpScriptTransform is the standard (Chromium
 * since M141, Safari, Firefox); older Chromium and Electron only have the legacy
 * `createEncodedStreams()`, which also needs `encodedInsertableStreams: true` on the
 * RTCPeerConnection. Without either, media cannot be end-to-end encrypted here.
 */
export type TransformApi = 'script-transform' | 'encoded-streams' | 'none';

export interface TransformGlobals {
  RTCRtpScriptTransform?: unknown;
  RTCRtpSender?: { prototype: object };
}

export function detectTransformApi(globals: TransformGlobals = globalThis): TransformApi {
  if (typeof globals.RTCRtpScriptTransform === 'function') return 'script-transform';
  if (globals.RTCRtpSender && 'createEncodedStreams' in globals.RTCRtpSender.prototype) return 'encoded-streams';
  return 'none';
}

/** RTCPeerConnection settings each API needs. */
export function peerConnectionSettingsFor(api: TransformApi): Record<string, unknown> {
  return api === 'encoded-streams' ? { encodedInsertableStreams: true } : {};
}
