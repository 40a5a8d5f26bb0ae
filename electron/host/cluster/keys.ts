/** Redis keys of a cluster (one Redis may serve one cluster). */
export const clusterKeys = {
  /** Set of node ids that registered; a member without a live `node` key is dead. */
  nodes: 'roundtable:nodes',
  node: (nodeId: string) => `roundtable:node:${nodeId}`,
  /** Room id → home node id. */
  room: (roomId: string) => `roundtable:room:${roomId}`,
};
