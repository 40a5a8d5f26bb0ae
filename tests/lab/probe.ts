/**
 * The in-page probe: what each participant's user sees, recorded in the page itself.
 *  - every decoded frame painted in a remote tile (requestVideoFrameCallback), per sender name, with
 *    its size; a gap over 500 ms between two frames is a freeze;
 *  - whether the "Reconnecting…" banner was ever shown; which remote tiles vanished;
 *  - on demand, the receive transport's WebRTC stats (audio concealment, RTT, decoded frame sizes).
 * A string, not a function: tsx/esbuild would wrap named inner functions in a helper the page lacks.
 */
export const PROBE_SCRIPT = `(() => {
  if (window.__lab) return;
  const FREEZE_MS = 500;
  const lab = { videos: {}, sawReconnecting: [], tilesGone: {}, present: {}, states: [], starvedTicks: {} };
  window.__lab = lab;
  const record = (name) => (lab.videos[name] ??= { frames: 0, last: 0, freezes: [], frameTimes: [], sizes: [] });
  const watchVideo = (name, video) => {
    if (video.__labWatched) return;
    video.__labWatched = true;
    const rec = record(name);
    const onFrame = (_now, meta) => {
      const t = Date.now();
      if (rec.last && t - rec.last > FREEZE_MS) rec.freezes.push({ at: rec.last, ms: t - rec.last });
      rec.last = t;
      rec.frames++;
      rec.frameTimes.push(t);
      if (rec.frameTimes.length > 6000) rec.frameTimes.splice(0, 2000);
      const size = rec.sizes.at(-1);
      if (!size || size.height !== meta.height) rec.sizes.push({ at: t, width: meta.width, height: meta.height });
      if (video.isConnected) video.requestVideoFrameCallback(onFrame);
      else video.__labWatched = false;
    };
    video.requestVideoFrameCallback(onFrame);
  };
  // Each peer connection's ICE and DTLS states, as phases of a repair.
  const NativePeerConnection = window.RTCPeerConnection;
  let pcCount = 0;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(...args) {
      super(...args);
      const id = 'pc' + (++pcCount);
      this.addEventListener('iceconnectionstatechange', () => lab.states.push({ at: Date.now(), state: id + ':ice', reason: this.iceConnectionState }));
      this.addEventListener('connectionstatechange', () => lab.states.push({ at: Date.now(), state: id + ':pc', reason: this.connectionState }));
    }
  };
  let followed;
  const follow = () => {
    const conference = window.__roundtable && window.__roundtable.conference;
    if (!conference || conference === followed) return;
    followed = conference;
    conference.on('connectionStateChanged', (e) => lab.states.push({ at: Date.now(), state: e.state, reason: e.reason }));
    conference.on('networkRepair', (e) => lab.states.push({ at: Date.now(), state: 'repair:' + e.action, reason: e.reason }));
    // Phases of a repair as the others see it: the repaired participant's media leaving and coming back.
    const nameOf = (id) => (conference.participants.get(id) || {}).displayName || id;
    conference.on('streamAdded', (e) => lab.states.push({ at: Date.now(), state: 'stream+', reason: nameOf(e.participantId) + ' ' + e.kind }));
    conference.on('streamRemoved', (e) => lab.states.push({ at: Date.now(), state: 'stream-', reason: nameOf(e.participantId) + ' ' + e.source }));
  };
  const tick = () => {
    const now = Date.now();
    follow();
    const banner = document.querySelector('[role="status"].reconnecting');
    if (banner && (lab.sawReconnecting.length === 0 || now - lab.sawReconnecting.at(-1) > 1000)) lab.sawReconnecting.push(now);
    const seen = new Set();
    document.querySelectorAll('[data-testid="participant-tile"]').forEach((tile) => {
      const name = tile.getAttribute('data-participant-name');
      if (!name) return;
      seen.add(name);
      lab.present[name] = true;
      // The tile says "Video paused: poor connection" (the host forwards no layer of it): one mark per tick.
      const starved = tile.getAttribute('data-video-starved') === 'true';
      if (starved) (lab.starvedTicks[name] ??= []).push(now);
      if (starved !== !!tile.__labStarved) lab.states.push({ at: now, state: starved ? 'starved' : 'fed', reason: name });
      tile.__labStarved = starved;
      const video = tile.querySelector('video');
      if (video) watchVideo(name, video);
    });
    for (const name of Object.keys(lab.present)) {
      if (!seen.has(name)) (lab.tilesGone[name] ??= []).push(now);
    }
  };
  setInterval(tick, 100);
  lab.stats = async () => {
    const recv = window.__roundtable && window.__roundtable.conference.transports.recv;
    const out = { concealedSamples: 0, totalSamplesReceived: 0, audioPacketsLost: 0, audioPacketsReceived: 0,
      videoPacketsLost: 0, videoPacketsReceived: 0, nackCount: 0, audioNackCount: 0, rttMs: null, transportId: recv ? recv.id : null, state: recv ? recv.connectionState : null };
    if (!recv || recv.closed) return out;
    const report = await recv.getStats();
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        out.concealedSamples += s.concealedSamples || 0;
        out.totalSamplesReceived += s.totalSamplesReceived || 0;
        out.audioPacketsLost += s.packetsLost || 0;
        out.audioPacketsReceived += s.packetsReceived || 0;
        out.audioNackCount += s.nackCount || 0;
      }
      if (s.type === 'inbound-rtp' && s.kind === 'video') {
        out.videoPacketsLost += s.packetsLost || 0;
        out.videoPacketsReceived += s.packetsReceived || 0;
        out.nackCount += s.nackCount || 0;
      }
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && s.currentRoundTripTime !== undefined) {
        out.rttMs = Math.round(s.currentRoundTripTime * 1000);
      }
    });
    return out;
  };
})()`;

export interface VideoRecord {
  frames: number;
  last: number;
  freezes: { at: number; ms: number }[];
  frameTimes: number[];
  sizes: { at: number; width: number; height: number }[];
}

export interface ProbeState {
  videos: Record<string, VideoRecord>;
  sawReconnecting: number[];
  tilesGone: Record<string, number[]>;
  states: { at: number; state: string; reason?: string }[];
  /** When each sender's tile showed "Video paused: poor connection" (one mark per 100 ms tick). */
  starvedTicks?: Record<string, number[]>;
}

export interface TransportStats {
  concealedSamples: number;
  totalSamplesReceived: number;
  audioPacketsLost: number;
  audioPacketsReceived: number;
  videoPacketsLost: number;
  videoPacketsReceived: number;
  nackCount: number;
  audioNackCount: number;
  rttMs: number | null;
  transportId: string | null;
  state: string | null;
}

/** The simulcast layer a decoded height corresponds to (720p camera: 180p = 0, 360p = 1, 720p = 2). */
export function layerOfHeight(height: number): number {
  return height >= 540 ? 2 : height >= 270 ? 1 : 0;
}
