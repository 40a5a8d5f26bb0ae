import type { BrowserWindow, Dialog } from 'electron';

/** True when the user chose to end the meeting for the `peers` people still connected. */
export async function confirmStopHosting(dialog: Pick<Dialog, 'showMessageBox'>, window: BrowserWindow | undefined, peers: number): Promise<boolean> {
  const options = {
    type: 'warning' as const,
    buttons: ['End meeting for everyone', 'Keep hosting'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
    message: `${peers} ${peers === 1 ? 'person is' : 'people are'} still in the meeting you are hosting`,
    detail: 'Stopping the host (or quitting Roundtable) ends the meeting for everyone connected to it.',
  };
  const { response } = window && !window.isDestroyed() ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  return response === 0;
}

/** A warning that does not block the app (the user may be mid-meeting). */
export function showWarning(dialog: Pick<Dialog, 'showMessageBox'>, window: BrowserWindow | undefined, message: string, detail?: string): void {
  const options = { type: 'warning' as const, buttons: ['OK'], message, ...(detail ? { detail } : {}) };
  void (window && !window.isDestroyed() ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options)).catch(() => undefined);
}
