import type { ConsumerTakeResult, NewConsumer } from '../../../shared/protocol';
import type { ConnectionStateMachine } from './ConnectionStateMachine';
import { ConnectionError, type ConferenceError } from './errors';
import { routeRoomNotifications, type NotificationGate } from './notifications';
import type { SignalingClient } from './SignalingClient';

export interface ConnectionEventDeps {
  machine: ConnectionStateMachine;
  onNewConsumers(offer: NewConsumer[]): Promise<ConsumerTakeResult[]>;
  /** `keepSession`: only the signaling connection dropped; the media session is resumed if the host still holds it. */
  reconnect(reason: string, options?: { immediate?: boolean; restart?: boolean; keepSession?: boolean }): void;
  /** Ends the meeting for good and stops local media. */
  end(reason: string, error: ConferenceError): void;
}

/**
 * What the host says about this connection itself (not about the room): consumer offers to take, a
 * rejoin it needs, the meeting's end; and what a dropped socket means in each connection state.
 */
export function listenForConnectionEvents(signaling: SignalingClient, deps: ConnectionEventDeps): void {
  const { socket } = signaling;
  socket.on('newConsumers', ({ consumers }, ack) => {
    deps.onNewConsumers(consumers).then(
      (results) => ack({ ok: true, data: { results } }),
      (error: Error) => ack({ ok: false, error: { code: 'bad_request', message: error.message } }),
    );
  });
  socket.on('rejoinRequired', ({ reason }) => deps.reconnect(reason, { immediate: true }));
  socket.on('meetingEnded', ({ reason }) => deps.end(reason, new ConnectionError('ended', 'not_found', `The meeting ended: ${reason}`)));
  socket.on('disconnect', (reason) => {
    // Our own doing: a leave, or a connection dropped on purpose (`SignalingClient.drop`) whose repair is under way.
    if (reason === 'io client disconnect' || signaling.dropping) return;
    const state = deps.machine.state;
    if (state === 'connected') return deps.reconnect(`connection lost (${reason})`, { keepSession: true });
    // Mid-join: the join fails (typed) rather than a reconnection starting beside it.
    if (state === 'connecting' || state === 'waiting') deps.end(`connection lost (${reason})`, new ConnectionError('disconnected', 'disconnected', `The connection to the meeting host dropped while joining (${reason})`));
    // Reconnecting: a try that was past its requests could otherwise finish without a socket.
    if (state === 'reconnecting') deps.reconnect(`connection lost (${reason})`, { restart: true });
  });
}

/**
 * Everything the host says, routed: room notifications (held by `gate` while a join is settling)
 * and the connection's own events. Being removed or the meeting's end also stops local media; a
 * failed join keeps the user's devices.
 */
export function listenToHost(signaling: SignalingClient, gate: NotificationGate, deps: ConnectionEventDeps & Omit<Parameters<typeof routeRoomNotifications>[2], 'onKicked'>): void {
  routeRoomNotifications(signaling.socket, gate, {
    ...deps,
    onKicked: (reason) => {
      deps.end(reason, new ConnectionError('kicked', 'kicked', `You were ${reason}`));
      void deps.publisher.stopAll();
    },
  });
  listenForConnectionEvents(signaling, {
    ...deps,
    end: (reason, error) => {
      deps.end(reason, error);
      if (error instanceof ConnectionError && error.reason === 'ended') void deps.publisher.stopAll();
    },
  });
}
