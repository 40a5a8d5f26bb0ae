import { describe, expect, it } from 'vitest';
import { macosVersion, systemAudioLoopback } from './audioLoopback';

describe('system audio loopback for screen sharing', () => {
  it('Windows needs no flags; Linux enables the PulseAudio loopback', () => {
    expect(systemAudioLoopback('win32', '10.0.22631')).toEqual({ available: true, features: [] });
    expect(systemAudioLoopback('linux', '6.1.0')).toEqual({ available: true, features: ['PulseaudioLoopbackForScreenShare'] });
  });

  it('macOS: Core Audio tap from 14.2, ScreenCaptureKit from 12.3, and a plain refusal before', () => {
    expect(macosVersion('23.2.0')).toEqual({ major: 14, minor: 2 });
    expect(systemAudioLoopback('darwin', '24.1.0').features).toEqual(['MacLoopbackAudioForScreenShare', 'MacCatapSystemAudioLoopbackCapture']);
    expect(systemAudioLoopback('darwin', '23.2.0').features).toContain('MacCatapSystemAudioLoopbackCapture');
    expect(systemAudioLoopback('darwin', '23.1.0').features).toEqual(['MacLoopbackAudioForScreenShare', 'MacSckSystemAudioLoopbackOverride']);
    expect(systemAudioLoopback('darwin', '21.4.0').available).toBe(true);
    const old = systemAudioLoopback('darwin', '21.3.0');
    expect(old).toMatchObject({ available: false, features: [] });
    expect(old.unavailableReason).toMatch(/macOS 12\.3/);
    expect(systemAudioLoopback('darwin', 'garbage').available).toBe(false);
  });

  it('other systems: not available, and the user is told', () => {
    expect(systemAudioLoopback('freebsd', '14.0').unavailableReason).toMatch(/not supported/);
  });
});
