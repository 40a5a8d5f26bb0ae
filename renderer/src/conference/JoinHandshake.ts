import { Device, type types } from 'mediasoup-client';
import type { ResponseData } from '../../../shared/protocol';
import { openChat } from './ChatEncryption';
import { ConferenceError, ConnectionError } from './errors';
import type { MediaEncryption } from './MediaEncryption';
import type { Attempt } from './ConnectionStateMachine';
import type { SignalingClient } from './SignalingClient';
import { withTimeout } from './timeouts';
import { requestJoin } from './WaitingRoomControls';

export interface JoinParams {
  roomId: string;
  displayName: string;
  passcode?: string;
  /** The desktop app's owner key when it joins the meeting it hosts. */
  ownerKey?: string;
}

/** The same meeting, as the same person: a second join() with these takes over the first. */
export function sameJoin(a: JoinParams, b: JoinParams): boolean {
  return a.roomId === b.roomId && a.displayName === b.displayName && a.passcode === b.passcode && a.ownerKey === b.ownerKey;
}

export type JoinAnswer = ResponseData<'join'>;

/** A clustered host sends a join to the meeting's node; more hops than this are a loop. */
const MAX_NODE_HOPS = 3;

/** Bound on loading the Device (it creates a throwaway RTCPeerConnection to read capabilities). */
export const DEVICE_LOAD_TIMEOUT_MS = 10_000;

/**
 * The join handshake: connect signaling, take the router capabilities from `welcome`, load the
 * Device, and send the one `join` request. Every wait is bounded and fails with a ConnectionError.
 * The Device survives reconnections (same host, same router capabilities).
 */
export class JoinHandshake {
  readonly #signaling: SignalingClient;
  readonly #handlerName?: types.BuiltinHandlerName;
  readonly #encryption: () => MediaEncryption | undefined;
  #device?: Device;
  #preparing?: Promise<Device>;

  /** `encryption`: the meeting's end-to-end encryption, if this client has the key. */
  constructor(signaling: SignalingClient, handlerName?: types.BuiltinHandlerName, encryption: () => MediaEncryption | undefined = () => undefined) {
    this.#signaling = signaling;
    this.#handlerName = handlerName;
    this.#encryption = encryption;
  }

  get device(): Device | undefined {
    return this.#device;
  }

  /** Connect and load the Device; shared by concurrent callers (prepare() and join()). */
  prepare(): Promise<Device> {
    this.#preparing ??= this.#connectAndLoad().finally(() => (this.#preparing = undefined));
    return this.#preparing;
  }

  /**
   * `onWaiting`: the host put this join in its waiting room (the answer comes once let in). A
   * failure after `attempt` went stale (leave() while waiting) reports why it went stale.
   * A clustered host may answer `wrong_node`: the same join goes to the node it names (the Device stays).
   * `usePrepared`: ask the host to take over the transports this connection prepared in the lobby (WarmTransports).
   */
  async join(
    params: JoinParams,
    resumeToken: string | undefined,
    attempt?: Attempt,
    onWaiting: () => void = () => undefined,
    usePrepared = false,
  ): Promise<{ device: Device; answer: JoinAnswer }> {
    for (let hop = 0; ; hop++) {
      // Warm (lobby already prepared): the request leaves in this very call. An await here would let the
      // UI's render of the meeting view (queued by the same click) run first and delay the join by it.
      const warm = this.#device?.loaded && this.#signaling.connected ? this.#device : undefined;
      const device = warm ?? (await this.prepare());
      const request = {
        roomId: params.roomId,
        displayName: params.displayName,
        passcode: params.passcode,
        ownerKey: params.ownerKey,
        resumeToken,
        rtpCapabilities: device.rtpCapabilities,
        consumerBatches: true,
        // Said whenever we encrypt: an end-to-end encrypted meeting refuses joins that do not.
        ...(this.#encryption() ? { e2ee: true } : {}),
        scoreBatches: true,
        ...(usePrepared && hop === 0 ? { usePrepared: true } : {}),
      };
      try {
        const answer = await requestJoin(this.#signaling, request, onWaiting).catch((error: unknown) => {
          attempt?.check();
          throw error;
        });
        if (answer.clusterNodes) this.#signaling.setClusterNodes(answer.clusterNodes);
        const encryption = this.#encryption();
        assertCanEncrypt(answer, encryption);
        // The replayed chat of an encrypted meeting is ciphertext: opened here, before anyone sees it.
        const chatHistory = await Promise.all(answer.chatHistory.map((message) => openChat(encryption, message)));
        attempt?.check();
        return { device, answer: { ...answer, chatHistory } };
      } catch (error) {
        const nodeUrl = error instanceof ConferenceError && error.code === 'wrong_node' ? error.nodeUrl : undefined;
        // Sent to a node that just refused us (dead, its record not expired yet): retry here later instead.
        if (!nodeUrl || hop >= MAX_NODE_HOPS || this.#signaling.recentlyUnreachable(nodeUrl)) throw error;
        this.#signaling.moveTo(nodeUrl);
      }
    }
  }

  async #connectAndLoad(): Promise<Device> {
    const fresh = !this.#signaling.connected;
    if (fresh) await this.#signaling.connect();
    if (this.#device?.loaded) return this.#device;
    const { routerRtpCapabilities } = await this.#signaling.welcome();
    const device = await withTimeout(this.#loadDevice(routerRtpCapabilities as types.RtpCapabilities), DEVICE_LOAD_TIMEOUT_MS, () =>
      ConnectionError.timeout('loading the media device', DEVICE_LOAD_TIMEOUT_MS),
    );
    this.#device = device;
    return device;
  }

  async #loadDevice(routerRtpCapabilities: types.RtpCapabilities): Promise<Device> {
    try {
      const device = this.#handlerName ? new Device({ handlerName: this.#handlerName }) : await Device.factory();
      await device.load({ routerRtpCapabilities });
      return device;
    } catch (error) {
      if ((error as Error).name === 'UnsupportedError') throw new ConferenceError('unsupported_browser', 'this browser cannot send or receive meeting media', { cause: error });
      throw error;
    }
  }
}

/**
 * A meeting marked end-to-end encrypted, answered to a client without the key (a host that let
 * it in): it must not send anything. The caller's failure path leaves the meeting.
 */
export function assertCanEncrypt(answer: { e2ee?: boolean }, encryption: MediaEncryption | undefined): void {
  if (answer.e2ee && !encryption) throw new ConferenceError('e2ee_key_required', 'this meeting is end-to-end encrypted: join with the meeting key');
}
