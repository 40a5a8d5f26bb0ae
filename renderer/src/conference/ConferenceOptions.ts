import type { types } from 'mediasoup-client';
import type { NetworkWatcherOptions } from './NetworkWatcher';
import type { ReconnectPolicy } from './ReconnectPolicy';

export interface ConferenceOptions {
  /** The host's base URL, e.g. https://192.168.1.20:4443 */
  url: string;
  reconnectPolicy?: ReconnectPolicy;
  /** mediasoup-client handler; detected from the browser when omitted (Node tests pass 'Chrome111'). */
  handlerName?: types.BuiltinHandlerName;
  /**
   * How the network watcher polls and when a silence counts (defaults suit one client per machine).
   * A load generator running dozens of clients on one machine reads stats less often: each read of
   * a receiving transport in a large meeting is a full stats report.
   */
  networkWatcher?: NetworkWatcherOptions;
}
