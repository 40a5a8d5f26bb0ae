import { afterAll, afterEach, beforeAll } from 'vitest';
import { MeetingKit, servedAmong } from './clusterTestKit';
import type { HealthAnswer, HostProcess } from './hostProcess';
import { TestCluster } from './testCluster';

/** Meetings span nodes; one admin token on both, so an owner join works on whichever node a meeting lives. */
export const SPANNING_ENV = {
  ROUNDTABLE_CLUSTER_SPAN: 'true',
  ROUNDTABLE_ROOM_IDLE_CLOSE_MS: '1500',
  ROUNDTABLE_ADMIN_TOKEN: 'span-admin-token-0123456789abcdef',
} as const;

/** A meeting's span as a node's health describes it. */
export const spanOf = (health: HealthAnswer, roomId: string) => health.cluster?.spans?.find((span) => span.roomId === roomId);

export interface SpanningPair {
  /** The cluster (redis-server and the nodes), started before the first test of the block. */
  readonly cluster: TestCluster;
  /** The two nodes as started (`<prefix>-a`, `<prefix>-b`). */
  readonly a: HostProcess;
  readonly b: HostProcess;
  /** Conferences and media of the current test, undone after each test. */
  readonly kit: MeetingKit;
  /** The node serving `roomId`'s participant(s), and the other one. */
  servedBy(roomId: string): Promise<[HostProcess, HostProcess]>;
}

/**
 * For one describe block: a real redis-server and two host processes that span meetings, started
 * once, their logs printed when a test fails, each test's conferences left after it.
 */
export function useSpanningPair(prefix: string, env: Record<string, string> = SPANNING_ENV): SpanningPair {
  const kit = new MeetingKit();
  let cluster: TestCluster | undefined;
  let nodes: [HostProcess, HostProcess] | undefined;
  beforeAll(async () => {
    cluster = await TestCluster.start([
      { nodeId: `${prefix}-a`, env },
      { nodeId: `${prefix}-b`, env },
    ]);
    nodes = cluster.nodes.slice(0, 2) as [HostProcess, HostProcess];
  }, 120_000);
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') console.error(cluster?.logTails);
    await kit.cleanup();
  });
  afterAll(async () => cluster?.stop());
  const started = () => {
    if (!cluster || !nodes) throw new Error('the spanning pair is used before its beforeAll ran');
    return { cluster, nodes };
  };
  return {
    get cluster() {
      return started().cluster;
    },
    get a() {
      return started().nodes[0];
    },
    get b() {
      return started().nodes[1];
    },
    kit,
    servedBy: (roomId) => servedAmong(roomId, started().nodes),
  };
}
