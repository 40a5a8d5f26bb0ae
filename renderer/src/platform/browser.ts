import type { Platform, Preferences } from './Platform';

const PREFERENCES_KEY = 'roundtable.preferences';

/** Browser guests: the host is the page's origin; preferences live in localStorage. */
export function createBrowserPlatform(storage: Storage = window.localStorage): Platform {
  return {
    kind: 'browser',
    defaultHostUrl() {
      const override = new URLSearchParams(window.location.search).get('host');
      return override ?? window.location.origin;
    },
    async loadPreferences() {
      try {
        const parsed = JSON.parse(storage.getItem(PREFERENCES_KEY) ?? '{}') as Partial<Preferences>;
        return { displayName: typeof parsed.displayName === 'string' ? parsed.displayName : '', ...parsed };
      } catch {
        return { displayName: '' };
      }
    },
    async savePreferences(preferences) {
      const current = await this.loadPreferences();
      storage.setItem(PREFERENCES_KEY, JSON.stringify({ ...current, ...preferences }));
    },
  };
}
