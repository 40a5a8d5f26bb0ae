import { Lab, processesIn, type LabNode } from './Lab';
import { LabHost } from './labHost';
import { LabBrowser, type LabCamera, type LabParticipant } from './participants';

/**
 * A lab with the real host running in its host namespace and one Chromium per participant
 * namespace. Rooms come and go (`joinRoom`); the lab, host and browsers live until `close`.
 */
export class LabMeeting {
  readonly #browsers = new Map<LabNode, LabBrowser>();
  readonly #joined: LabParticipant[] = [];
  #rooms = 0;

  private constructor(
    readonly lab: Lab,
    readonly host: LabHost,
  ) {}

  static async start(options: { participants: number; hostEnv?: Record<string, string> }): Promise<LabMeeting> {
    const lab = await Lab.create({ participants: options.participants });
    let host: LabHost | undefined;
    try {
      host = await LabHost.start(lab.host, options.hostEnv);
      const meeting = new LabMeeting(lab, host);
      for (const node of lab.participants) meeting.#browsers.set(node, await LabBrowser.launch(node));
      return meeting;
    } catch (error) {
      await host?.stop().catch(() => undefined);
      lab.destroy();
      throw error;
    }
  }

  /** A fresh room name: `joinRoom(…, room)` calls that pass the same one meet in it. */
  newRoom(): string {
    return `lab-${Date.now()}-${++this.#rooms}`;
  }

  /**
   * Joins everyone listed (name → node) one after the other, into `room` (another call with the
   * same room joins the same meeting) or, without one, into a fresh room.
   */
  async joinRoom(
    people: { name: string; node: LabNode; viewport?: { width: number; height: number } }[],
    camera: LabCamera = 'small',
    room = this.newRoom(),
  ): Promise<LabParticipant[]> {
    const joined: LabParticipant[] = [];
    for (const person of people) {
      const browser = this.#browsers.get(person.node);
      if (!browser) throw new Error(`lab: no browser in ${person.node.name}`);
      const participant = await browser.join(this.host.baseUrl, room, person.name, { viewport: person.viewport, camera });
      joined.push(participant);
      this.#joined.push(participant);
    }
    return joined;
  }

  /** Closes every participant's page (they leave), keeping browsers, host and lab. */
  async leaveAll(): Promise<void> {
    for (const participant of this.#joined.splice(0)) await participant.page.context().close().catch(() => undefined);
  }

  /**
   * Leaves, closes the browsers, stops the host and removes the lab. Returns what was still running
   * in the lab's namespaces 5 s after the browsers and host were stopped (killed with the namespaces;
   * a non-empty answer means some stop path leaves processes behind).
   */
  async close(): Promise<number[]> {
    await this.leaveAll();
    for (const browser of this.#browsers.values()) await browser.close();
    await this.host.stop().catch(() => undefined);
    const left = () => this.lab.nodes.flatMap((node) => processesIn(node.namespace));
    const deadline = Date.now() + 5_000;
    while (left().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const leftovers = left();
    this.lab.destroy();
    return leftovers;
  }
}
