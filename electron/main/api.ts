import type { AppInfo } from '../../shared/ipc';
import type { ScreenCapture } from './capture';
import type { DesktopIntegration } from './desktop';
import type { DiscoveryFeed } from './discovery';
import type { HostingService } from './hosting';
import type { JoinTrust } from './joinTrust';
import { IpcFailure, type Handlers } from './ipc';
import type { LinkInbox } from './links';
import { safeExternalUrl } from './navigation';
import type { RecordingFiles } from './recordingFiles';
import type { SettingsStore } from './settings';

export interface ApiServices {
  appInfo(): AppInfo;
  hosting: HostingService;
  discovery: DiscoveryFeed;
  capture: ScreenCapture;
  settings: SettingsStore;
  links: LinkInbox;
  recordings: RecordingFiles;
  openExternal(url: string): Promise<void>;
  joinTrust: Pick<JoinTrust, 'verify' | 'replace'>;
  desktop: Pick<DesktopIntegration, 'setMeeting' | 'notify' | 'updates' | 'act'>;
}

/** The IPC handlers: thin adapters from shared/ipc.ts channels to the services. */
export function createHandlers(services: ApiServices): Handlers {
  return {
    'app:info': () => services.appInfo(),
    'hosting:start': ({ roomId }) => services.hosting.start(roomId),
    'hosting:stop': () => services.hosting.stop(),
    'hosting:status': () => services.hosting.status(),
    'discovery:subscribe': () => services.discovery.subscribe(),
    'discovery:unsubscribe': () => {
      services.discovery.unsubscribe();
      return null;
    },
    'screen:sources': async () => (await services.capture.list()).list,
    'screen:choose': (choice) => {
      services.capture.choose(choice);
      return null;
    },
    'preferences:get': () => services.settings.preferences(),
    'preferences:set': (patch) => services.settings.setPreferences(patch),
    'shell:openExternal': async ({ url }) => {
      const safe = safeExternalUrl(url);
      if (!safe) throw new IpcFailure('bad_request', 'only http(s) links can be opened');
      await services.openExternal(safe);
      return null;
    },
    'certificates:verifyForJoin': async ({ url, fingerprint }) => {
      await services.joinTrust.verify(url, fingerprint);
      return null;
    },
    'certificates:replacePin': async ({ url, fingerprint }) => {
      await services.joinTrust.replace(url, fingerprint);
      return null;
    },
    'links:subscribe': () => services.links.subscribe(),
    'meeting:state': (state) => {
      services.desktop.setMeeting(state);
      return null;
    },
    'meeting:act': ({ command }) => {
      services.desktop.act(command);
      return null;
    },
    'notify:show': (request) => ({ shown: services.desktop.notify(request) }),
    'updates:status': () => services.desktop.updates.status(),
    'updates:restart': () => {
      services.desktop.updates.restart();
      return null;
    },
    'recording:start': ({ suggestedName }) => services.recordings.start(suggestedName),
    'recording:write': async ({ id, chunk }) => {
      await services.recordings.write(id, chunk);
      return null;
    },
    'recording:finish': async ({ id, fix }) => {
      await services.recordings.finish(id, fix);
      return null;
    },
  };
}
