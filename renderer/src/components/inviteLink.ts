/** The link people open to join: `${hostUrl}/?room=<id>`, plus the certificate fingerprint when known. */
export function inviteLink(hostUrl: string, roomId: string, fingerprint?: string): string {
  const base = hostUrl.replace(/\/+$/, '');
  const query = new URLSearchParams({ room: roomId });
  if (fingerprint) query.set('fp', fingerprint);
  return `${base}/?${query.toString()}`;
}

/** `link` with the meeting's end-to-end encryption key in its fragment (never sent to the host). */
export function withMeetingKey(link: string, meetingKey?: string): string {
  if (!meetingKey) return link;
  return `${link.split('#')[0]}#key=${encodeURIComponent(meetingKey)}`;
}
