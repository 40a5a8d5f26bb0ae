import type { MeetingState } from '../../shared/ipc';

export type CloseChoice = 'leave' | 'tray' | 'cancel';

/** Closing the window during a meeting (or while hosting) asks first; otherwise it just closes. */
export function mustAskOnClose(state: MeetingState, quitting: boolean): boolean {
  return !quitting && (state.inMeeting || state.hosting);
}

export interface CloseDialogPort {
  /** Answers the index of the chosen button. */
  ask(options: { message: string; detail: string; buttons: string[]; defaultId: number; cancelId: number }): Promise<number>;
}

/** "Leave the meeting" or "Keep it running in the tray" (or Cancel). */
export async function askCloseDuringMeeting(port: CloseDialogPort, state: MeetingState): Promise<CloseChoice> {
  const hosting = state.hosting;
  const answer = await port.ask({
    message: hosting ? 'You are hosting a meeting' : 'You are in a meeting',
    detail: hosting
      ? 'Closing the window can end the meeting for everyone, or keep it running in the tray (the tray icon shows its state).'
      : 'Leave the meeting, or keep it running in the tray (the tray icon has Mute, Leave and Show).',
    buttons: [hosting ? 'End meeting' : 'Leave meeting', 'Keep running in tray', 'Cancel'],
    defaultId: 1,
    cancelId: 2,
  });
  return (['leave', 'tray', 'cancel'] as const)[answer] ?? 'cancel';
}
