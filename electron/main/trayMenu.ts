import type { MeetingState } from '../../shared/ipc';

export type TrayAction = 'toggleMute' | 'leave' | 'show' | 'quit';

export interface TrayItem {
  label: string;
  action?: TrayAction;
  enabled: boolean;
}

export interface TrayModel {
  tooltip: string;
  items: TrayItem[];
}

export const idleMeeting: MeetingState = { inMeeting: false, hosting: false, muted: false, sharing: false };

function describe(state: MeetingState): string {
  if (!state.inMeeting) return state.hosting ? 'Hosting a meeting' : 'Not in a meeting';
  const parts = [state.hosting ? 'Hosting' : 'In a meeting', state.roomId ? `“${state.roomId}”` : undefined, state.muted ? '(muted)' : undefined];
  return parts.filter(Boolean).join(' ');
}

/** The tray's tooltip and menu for a meeting state: what it says and which actions it offers. */
export function trayModel(state: MeetingState): TrayModel {
  const status = describe(state);
  return {
    tooltip: `Roundtable: ${status}`,
    items: [
      { label: status, enabled: false },
      { label: state.muted ? 'Unmute' : 'Mute', action: 'toggleMute', enabled: state.inMeeting },
      { label: 'Leave meeting', action: 'leave', enabled: state.inMeeting },
      { label: 'Show Roundtable', action: 'show', enabled: true },
      { label: 'Quit', action: 'quit', enabled: true },
    ],
  };
}

/** What the tray needs of Electron (Tray + Menu.buildFromTemplate); tests record the calls. */
export interface TrayPort {
  setToolTip(text: string): void;
  setMenu(items: { label: string; enabled: boolean; click?: () => void }[]): void;
}

/** Keeps the tray in step with the meeting and routes its clicks. */
export class TrayController {
  readonly #port: TrayPort;
  readonly #onAction: (action: TrayAction) => void;

  constructor(port: TrayPort, onAction: (action: TrayAction) => void) {
    this.#port = port;
    this.#onAction = onAction;
    this.update(idleMeeting);
  }

  update(state: MeetingState): void {
    const model = trayModel(state);
    this.#port.setToolTip(model.tooltip);
    this.#port.setMenu(
      model.items.map(({ label, action, enabled }) => ({ label, enabled, ...(action ? { click: () => this.#onAction(action) } : {}) })),
    );
  }
}
