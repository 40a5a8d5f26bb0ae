import { useCallback, useEffect, useRef, useState } from 'react';
import type { Conference } from '../conference';
import type { E2eeSession } from '../e2ee';
import { useE2eeSession } from '../e2ee/useE2eeSession';
import { useAnnouncements } from '../hooks/useAnnouncements';
import { useChat } from '../hooks/useChat';
import { useDirectChat } from '../hooks/useDirectChat';
import { useConferenceSnapshot } from '../hooks/useConferenceSnapshot';
import { useLocalMedia } from '../hooks/useLocalMedia';
import { useMeetingSession } from '../hooks/useMeetingSession';
import { useNotices, type Notice } from '../hooks/useNotices';
import { useReactions } from '../hooks/useReactions';
import { useRecording } from '../hooks/useRecording';
import { takeConference } from '../warmConference';
import { useShortcuts } from '../hooks/useShortcuts';
import { useWaitingRoom } from '../hooks/useWaitingRoom';
import { describeError, texts } from '../messages';
import { effectsFromPreferences, type EffectSettings } from '../media/effects';
import type { HostingInfo, Platform, Preferences } from '../platform';
import { useDesktopMeeting } from '../platform/useDesktopMeeting';
import { ChatPanel } from './ChatPanel';
import { Controls, MeetingTools, type Panel } from './Controls';
import { Dialog } from './Dialog';
import { E2eeIndicator } from './E2eeIndicator';
import { E2eeKeyPrompt } from './E2eeKeyPrompt';
import { InviteDetails } from './InviteDetails';
import { inviteLink, withMeetingKey } from './inviteLink';
import { LocalTile } from './LocalTile';
import { Notices } from './Notices';
import { ParticipantTile } from './ParticipantTile';
import { ParticipantsPanel } from './ParticipantsPanel';
import { PasscodePrompt } from './PasscodePrompt';
import { RecordingIndicator } from './RecordingIndicator';
import { RemoteAudio } from './RemoteAudio';
import { findPresenter, ScreenShareView } from './ScreenShareView';
import { SettingsDialog, type DeviceKind } from './SettingsDialog';
import { SidePanel } from './SidePanel';
import { Stage, type Layout } from './Stage';
import { WaitingRoomPanel } from './WaitingRoomPanel';
import { WaitingScreen } from './WaitingScreen';

export interface JoinRequest {
  hostUrl: string;
  roomId: string;
  displayName: string;
  passcode?: string;
  ownerKey?: string;
  /** The host certificate's SHA-256 fingerprint, when the link carried it (goes into invites). */
  fingerprint?: string;
  /** Set when this app hosts the meeting: the invite shows the ports to allow. */
  hosting?: HostingInfo;
  /** End-to-end encryption of this meeting's media (its key stays in this window). */
  e2ee?: E2eeSession;
}

interface MeetingProps {
  platform: Platform;
  request: JoinRequest;
  preferences: Preferences;
  onLeave(notice?: Notice): void;
  /** Saves an effects change (noise suppression, background) for next time. */
  onEffectsChange?(change: Partial<EffectSettings>): Promise<void>;
}

declare global {
  interface Window {
    /** Test and diagnostics hook: the live Conference of this page. */
    __roundtable?: { conference: Conference };
  }
}

const canShareScreen = () => typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';

/** The meeting: the stage of tiles, the controls, the side panels and dialogs. */
export function Meeting({ platform, request, preferences, onLeave, onEffectsChange }: MeetingProps) {
  const [conference] = useState(() => takeConference(request.hostUrl, request.e2ee));
  // The link's key, or the one typed when the meeting turned out to be end-to-end encrypted.
  const [e2ee, setE2ee] = useState(request.e2ee);
  useE2eeSession(e2ee);
  useConferenceSnapshot(conference);
  const { notices, report, dismiss } = useNotices();
  const [devices, setDevices] = useState(() => ({ cameraId: preferences.cameraId, microphoneId: preferences.microphoneId, speakerId: preferences.speakerId }));
  const [effects, setEffects] = useState(() => effectsFromPreferences(preferences));
  // A failed effect is turned off for this meeting only; the saved choice stays.
  const media = useLocalMedia(conference, devices, report, effects, (change) => setEffects((old) => ({ ...old, ...change })));
  const changeEffects = (change: Partial<EffectSettings>) => {
    setEffects((old) => ({ ...old, ...change }));
    void onEffectsChange?.(change).catch(() => report({ kind: 'alert', text: 'Your effect settings could not be saved.' }));
  };
  const session = useMeetingSession(conference, request, { onJoined: () => void media.startAll(), onEnd: onLeave, report });
  const [panel, setPanel] = useState<Panel>(null);
  const [layout, setLayout] = useState<Layout>('grid');
  const [pinnedId, setPinnedId] = useState<string | undefined>();
  const [dialog, setDialog] = useState<'invite' | 'settings' | null>(request.hosting ? 'invite' : null);
  const chat = useChat(conference, panel === 'chat');
  const direct = useDirectChat(conference, panel === 'chat');
  const reactions = useReactions(conference);
  const stageArea = useRef<HTMLDivElement>(null);
  const recording = useRecording(conference, {
    platform,
    roomId: request.roomId,
    stage: () => stageArea.current?.querySelector<HTMLElement>('.stage') ?? null,
    micTrack: media.micOn ? media.mic?.track : undefined,
    report,
  });
  useAnnouncements(conference, report);
  const waitingRoom = useWaitingRoom(conference, true);
  useShortcuts({ a: () => void media.toggleMic(), v: () => void media.toggleCamera() });

  useEffect(() => {
    window.__roundtable = { conference };
    return () => {
      if (window.__roundtable?.conference === conference) delete window.__roundtable;
    };
  }, [conference]);

  // The speaker layout keeps showing the last remote speaker while nobody talks.
  const lastSpeaker = useRef<string | undefined>(undefined);
  const local = conference.localParticipant;
  const speakerId = conference.activeSpeakerId;
  if (speakerId && conference.participants.has(speakerId)) lastSpeaker.current = speakerId;

  const participants = [...conference.participants.values()];
  const joined = session.phase.kind === 'joined' && conference.state === 'connected';
  const localName = local.displayName || request.displayName;
  const localId = local.id || 'local';
  const presenter = findPresenter(participants);
  useDesktopMeeting(platform, {
    conference,
    state: {
      inMeeting: joined,
      hosting: Boolean(request.hosting),
      muted: !media.micOn,
      sharing: media.sharing,
      roomId: request.roomId,
      activeSpeaker: speakerId ? conference.participants.get(speakerId)?.displayName : undefined,
    },
    onCommand: {
      toggleMute: () => void media.toggleMic(),
      leave: () => onLeave(),
      stopSharing: () => void (media.sharing ? media.toggleScreen() : undefined),
    },
  });
  const pinned = pinnedId && conference.participants.has(pinnedId) ? pinnedId : undefined;
  const togglePin = (id: string) => {
    setPinnedId((old) => (old === id ? undefined : id));
    if (pinned !== id) setLayout('speaker');
  };

  const act = useCallback((action: Promise<unknown>) => void action.catch((error: unknown) => report({ kind: 'alert', text: describeError(error) })), [report]);

  const changeDevice = (kind: DeviceKind, deviceId: string) => {
    setDevices((old) => ({ ...old, [kind]: deviceId }));
    void platform.savePreferences({ [kind]: deviceId }).catch(() => report({ kind: 'alert', text: 'Your device choice could not be saved.' }));
    if (kind === 'cameraId') void media.switchDevice('video', deviceId);
    if (kind === 'microphoneId') void media.switchDevice('audio', deviceId);
  };

  const tiles = [
    {
      id: localId,
      element: (
        <LocalTile
          key="local"
          name={localName}
          camera={media.camera}
          cameraOn={media.cameraOn}
          micOn={media.micOn}
          handRaised={local.handRaised}
          isHost={local.isHost}
          speaking={speakerId !== null && speakerId === local.id}
          reactions={reactions.get(local.id)}
        />
      ),
    },
    ...participants.map((participant) => ({
      id: participant.id,
      element: (
        <ParticipantTile
          key={participant.id}
          conference={conference}
          participant={participant}
          speaking={speakerId === participant.id}
          reactions={reactions.get(participant.id)}
          pinned={pinned === participant.id}
          cannotDecrypt={e2ee?.cannotDecrypt(participant.id)}
          onTogglePin={() => togglePin(participant.id)}
        />
      ),
    })),
  ];

  // In the waiting room nothing of the meeting shows: only your preview until the host lets you in.
  if (conference.state === 'waiting') return <WaitingScreen roomId={request.roomId} cameraId={devices.cameraId} microphoneId={devices.microphoneId} onLeave={() => onLeave()} />;

  return (
    <main className="meeting" data-state={conference.state} data-phase={session.phase.kind}>
      <header className="meeting-header">
        <h1>{request.roomId}</h1>
        {e2ee && <E2eeIndicator session={e2ee} />}
        {conference.locked && <span className="pill">Locked</span>}
        <RecordingIndicator self={recording.phase === 'recording' || recording.phase === 'stopping'} others={recording.othersRecording} />
        {session.phase.kind === 'joining' && (
          <p role="status" className="joining">
            {texts.joining}
          </p>
        )}
        {conference.state === 'reconnecting' && (
          <p role="status" className="reconnecting" data-testid="reconnecting">
            {texts.reconnecting}
          </p>
        )}
        {media.sharing && <p className="sharing-banner">You are sharing your screen</p>}
        <MeetingTools
          speakerLayout={layout === 'speaker'}
          onToggleLayout={() => setLayout((l) => (l === 'grid' ? 'speaker' : 'grid'))}
          onInvite={() => setDialog('invite')}
          onSettings={() => setDialog('settings')}
        />
      </header>
      <div className="meeting-body" ref={stageArea}>
        <Stage
          layout={layout}
          tiles={tiles}
          featuredId={pinned ?? lastSpeaker.current ?? participants[0]?.id}
          presentation={presenter ? <ScreenShareView conference={conference} presenter={presenter} /> : undefined}
        />
        {local.isHost && waitingRoom.entries.length > 0 && <WaitingRoomPanel conference={conference} view={waitingRoom} report={report} />}
        {panel === 'chat' && (
          <SidePanel title="Chat" onClose={() => setPanel(null)}>
            <ChatPanel messages={chat.messages} onSend={chat.send} disabled={!joined} direct={direct} participants={participants} />
          </SidePanel>
        )}
        {panel === 'participants' && (
          <SidePanel title={`Participants (${participants.length + 1})`} onClose={() => setPanel(null)}>
            <ParticipantsPanel conference={conference} localName={localName} micOn={media.micOn} report={report} />
          </SidePanel>
        )}
      </div>
      <Notices notices={notices} onDismiss={dismiss} />
      <Controls
        micOn={media.micOn}
        cameraOn={media.cameraOn}
        sharing={media.sharing}
        canShareScreen={canShareScreen()}
        handRaised={local.handRaised}
        panel={panel}
        unreadChat={chat.unread + direct.unread}
        participantCount={participants.length + 1}
        connected={joined}
        recording={{ canRecord: recording.canRecord, phase: recording.phase }}
        onToggleRecording={() => void (recording.phase === 'idle' ? recording.start() : recording.stop())}
        onToggleMic={() => void media.toggleMic()}
        onToggleCamera={() => void media.toggleCamera()}
        onToggleScreen={() => void media.toggleScreen()}
        onToggleHand={() => act(conference.setHandRaised(!local.handRaised))}
        onReact={(emoji) => act(conference.sendReaction(emoji))}
        onTogglePanel={(which) => setPanel((open) => (open === which ? null : which))}
        onLeave={() => onLeave()}
      />
      <RemoteAudio conference={conference} sinkId={devices.speakerId} />
      {session.phase.kind === 'passcode' && (
        <PasscodePrompt roomId={request.roomId} error={session.phase.error} busy={session.phase.busy} onSubmit={session.submitPasscode} onCancel={() => onLeave()} />
      )}
      {session.phase.kind === 'meetingKey' && (
        <E2eeKeyPrompt
          roomId={request.roomId}
          onKey={(typed) => {
            typed.attach(conference);
            setE2ee(typed);
            session.retry();
          }}
          onCancel={() => onLeave()}
        />
      )}
      {dialog === 'invite' && (
        <Dialog title="Invite people" onClose={() => setDialog(null)} testId="invite-dialog">
          <InviteDetails link={withMeetingKey(request.hosting?.joinUrl ?? inviteLink(request.hostUrl, request.roomId, request.fingerprint), e2ee?.key)} ports={request.hosting?.ports} />
        </Dialog>
      )}
      {dialog === 'settings' && <SettingsDialog devices={devices} onChange={changeDevice} effects={effects} onEffectsChange={changeEffects} onClose={() => setDialog(null)} />}
    </main>
  );
}
