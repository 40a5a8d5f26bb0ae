import type { ConnectionStateMachine } from './ConnectionStateMachine';
import type { Emit } from './events';
import { NetworkWatcher, type NetworkWatcherOptions, type WatchedMeeting } from './NetworkWatcher';
import type { RoomState } from './RoomState';
import type { SignalingClient } from './SignalingClient';

/** A connection attempt this young was made on the network as it is now: not abandoned on a change. */
const ABANDON_MIN_AGE_MS = 400;

export interface NetworkWatchingDeps {
  machine: ConnectionStateMachine;
  room: RoomState;
  signaling: SignalingClient;
  emit: Emit;
  options?: NetworkWatcherOptions;
  /** Rejoin now (fresh socket first): the path to the host is dead. */
  rejoinNow: WatchedMeeting['rejoinNow'];
}

/**
 * The Conference's NetworkWatcher: what "media expected" means for the receiving transport (an
 * unpaused consumer of an unpaused producer), and how a repair is done.
 */
export function watchNetwork(deps: NetworkWatchingDeps): NetworkWatcher {
  const { machine, room, signaling } = deps;
  return new NetworkWatcher({
    get state() {
      return machine.state;
    },
    // Asked about receiving transports only: a sending one is judged by the answers to what it sends.
    expectsMedia: () =>
      [...room.participants.values()].some((participant) =>
        [...participant.streams.values()].some(({ consumer }) => !consumer.closed && !consumer.paused && participant.producers.get(consumer.producerId)?.paused !== true),
      ),
    signalingAnswers: (timeoutMs) => signaling.answers(timeoutMs),
    restartIce: async (transport) => {
      const { iceParameters } = await signaling.request('restartIce', { transportId: transport.id });
      if (!transport.closed) await transport.restartIce({ iceParameters });
    },
    repairing: (event) => deps.emit('networkRepair', event),
    abandonConnectAttempt: () => void signaling.abandonConnect(ABANDON_MIN_AGE_MS),
    rejoinNow: deps.rejoinNow,
  }, undefined, deps.options);
}
