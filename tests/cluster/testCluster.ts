import { waitFor } from '../support/testHost';
import { CLUSTER_SECRET } from './clusterTestKit';
import { HostProcess } from './hostProcess';
import { RedisServer } from './redisServer';

export interface NodeSpec {
  nodeId: string;
  env?: Record<string, string>;
}

/**
 * A redis-server and host processes forming one cluster, for one describe block: started together
 * (all registered with each other before `start` resolves; what started is stopped if anything
 * fails), and stopped together.
 */
export class TestCluster {
  readonly redis: RedisServer;
  readonly nodes: HostProcess[] = [];

  private constructor(redis: RedisServer) {
    this.redis = redis;
  }

  static async start(specs: NodeSpec[]): Promise<TestCluster> {
    const cluster = new TestCluster(await RedisServer.start());
    try {
      const started = await Promise.allSettled(specs.map((spec) => cluster.#startNode(spec)));
      // In the order given (not the order they came up), so callers can destructure them.
      for (const result of started) if (result.status === 'fulfilled') cluster.nodes.push(result.value);
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      await cluster.registered();
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** One more node (e.g. after one was killed); resolves once every live node lists every live node. */
  async add(spec: NodeSpec): Promise<HostProcess> {
    const node = await this.#startNode(spec);
    this.nodes.push(node);
    await this.registered();
    return node;
  }

  get live(): HostProcess[] {
    return this.nodes.filter((node) => node.alive);
  }

  /** Every live node sees all live nodes in the registry. */
  async registered(): Promise<void> {
    const live = this.live;
    await waitFor(async () => (await Promise.all(live.map((node) => node.health()))).every((health) => health.cluster?.nodes.length === live.length), `${live.length} nodes registered`, 15_000);
  }

  /** The nodes' log tails, for a failure report. */
  get logTails(): string {
    return this.nodes.map((node) => node.logTail).join('\n');
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) await node.stop();
    await this.redis.stop();
  }

  #startNode(spec: NodeSpec): Promise<HostProcess> {
    return HostProcess.start({ nodeId: spec.nodeId, redisUrl: this.redis.url, secret: CLUSTER_SECRET, env: spec.env });
  }
}
