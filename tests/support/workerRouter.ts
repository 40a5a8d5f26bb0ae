import { createWorker, type types } from 'mediasoup';
import { afterAll, beforeAll } from 'vitest';

export const VP8_ONLY: types.RouterRtpCodecCapability[] = [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }];

/** For one describe block: a real mediasoup worker and a router on it, started before its tests, closed after. */
export function useWorkerRouter(mediaCodecs: types.RouterRtpCodecCapability[] = VP8_ONLY): { readonly router: types.Router } {
  let worker: types.Worker | undefined;
  let router: types.Router | undefined;
  beforeAll(async () => {
    worker = await createWorker({ logLevel: 'warn' });
    router = await worker.createRouter({ mediaCodecs });
  });
  afterAll(() => worker?.close());
  return {
    get router() {
      if (!router) throw new Error('the router is used before its beforeAll ran');
      return router;
    },
  };
}
