// Edits applied to a copy of mediasoup's worker source before the offline build.
// Each one replaces an exact snippet; `fixed` tells that the source already has the
// change (upstream, or applied before), so it is skipped rather than failing the build.
// `behaviour`: the fix changes what the worker does on the wire, so a worker built
// without it (mediasoup's prebuilt download) behaves differently; the install says so.

export const sourceFixes = [
  {
    // With an OpenSSL built with kernel TLS support (Debian's), the worker
    // segfaults on its first DTLS handshake. onSslBioOut returned 1 for the
    // return phase of control calls (BIO_CB_RETURN | BIO_CB_CTRL, e.g.
    // BIO_CTRL_GET_KTLS_SEND), so OpenSSL believed kTLS was on and wrote with a
    // NULL buffer. The return phase is a bit, not a value. Worth upstreaming.
    // (mediasoup's prebuilt workers link their own OpenSSL without kTLS.)
    file: 'src/RTC/DtlsTransport.cpp',
    search: '(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1',
    replace: '(operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1',
    fixed: /operationType\s*&\s*BIO_CB_RETURN/,
  },
  {
    // Retransmissions budgeted to a quarter of the media sent (versatica/mediasoup#1934).
    // mediasoup resends a packet on every NACK (unless resent less than one RTT ago),
    // with no limit on retransmissions as a whole. A receiver behind a link narrower
    // than what is sent to it NACKs every lost packet up to ten times; the resends are
    // lost too and asked for again: under a 500 kbit/s cap the lab measured
    // retransmissions at 61-87 % of everything sent (2.9 Mbit/s into the 500 kbit/s
    // link), deepening the estimate's fall (to a fifth of the link) and starving tiles
    // for 10-16 s. Random loss up to ~20 % needs less than a quarter of the media
    // resent; more than that is congestion, which resending deepens. libwebrtc's own
    // sender limits retransmissions too (to its target rate, with its pacer behind it:
    // mediasoup has no pacer for forwarded media). A resend over the budget is dropped:
    // the receiver asks again after a round trip, or for a key frame.
    file: 'src/RTC/Transport.cpp',
    search: `	void Transport::OnConsumerRetransmitRtpPacket(RTC::Consumer* consumer, RTC::RTP::Packet* packet)
	{
		MS_TRACE();
`,
    replace: `	void Transport::OnConsumerRetransmitRtpPacket(RTC::Consumer* consumer, RTC::RTP::Packet* packet)
	{
		MS_TRACE();

		// Roundtable: retransmissions budgeted to a quarter of the media sent.
		{
			const int64_t nowMs = this->shared->GetTimeMs();

			if (
			  this->sendRtxTransmission.GetBitrate(nowMs) + static_cast<int64_t>(packet->GetLength() * 8) >
			  this->sendRtpTransmission.GetBitrate(nowMs) / 4)
			{
				return;
			}
		}
`,
    fixed: /Roundtable: retransmissions budgeted/,
    behaviour: 'retransmissions budgeted to a quarter of the media',
  },
  // A falling estimate reaches the consumers (which then pick lower layers) when it is
  // 25 % under the last value they were told, not only when one update is 25 % under
  // the one before it: GoogCC lowers its target in many smaller steps, so a fall of
  // 6 Mbit/s to 1 Mbit/s could reach them only at the 1 s periodic notification, while
  // the link was already losing what was sent over it.
  {
    file: 'include/RTC/TransportCongestionControlClient.hpp',
    search: '		int64_t lastAvailableBitrateEventAtMs{ 0 };\n',
    replace: '		int64_t lastAvailableBitrateEventAtMs{ 0 };\n		int64_t lastNotifiedAvailableBitrate{ 0 };\n',
    fixed: /lastNotifiedAvailableBitrate/,
    behaviour: 'a falling estimate reaches the consumers at once',
  },
  {
    file: 'src/RTC/TransportCongestionControlClient.cpp',
    search: '		else if (this->bitrates.availableBitrate < previousAvailableBitrate * 0.75)\n',
    replace: `		else if (
		  this->bitrates.availableBitrate < previousAvailableBitrate * 0.75 ||
		  this->bitrates.availableBitrate < this->lastNotifiedAvailableBitrate * 0.75)
`,
    fixed: /availableBitrate < this->lastNotifiedAvailableBitrate/,
    behaviour: 'a falling estimate reaches the consumers at once',
  },
  {
    file: 'src/RTC/TransportCongestionControlClient.cpp',
    search: '			this->listener->OnTransportCongestionControlClientBitrates(this, this->bitrates);\n',
    replace:
      '			this->lastNotifiedAvailableBitrate = this->bitrates.availableBitrate;\n\n' +
      '			this->listener->OnTransportCongestionControlClientBitrates(this, this->bitrates);\n',
    fixed: /this->lastNotifiedAvailableBitrate = this->bitrates\.availableBitrate/,
    behaviour: 'a falling estimate reaches the consumers at once',
  },
  // Packets lost while a stream was silent for over a second (the sender's link was down,
  // it was unreachable) are not asked for again: a key frame is. The NACK generator asked
  // for every one of them (up to 1000), and the sender, back on the link with a fallen
  // estimate, spent its first 1-2 s resending seconds-old video ahead of new frames: in
  // the lab's link-down case the others saw the participant's video 1.1-2.8 s after the
  // link returned, the stream counted inactive meanwhile. What arrives after such a gap
  // cannot be shown before a key frame anyway.
  // RTX that nobody asked for after such a silence is ignored, but for asking a key frame
  // (once): it is the sender's probing padding (libwebrtc pads with old packets, here from
  // the silence) on its new path, and its media comes next (0.1-0.5 s later here).
  // Taken as the stream's newest packets, it ended the silence (the stream active again
  // on old packets, the new ones behind them asked for, up to 35 NACKs) and, scored from
  // there, the first new packets counted the rest of the silence as lost: score 0, and the
  // others' view of the participant froze again for a second (lab address change).
  {
    file: 'include/RTC/NackGenerator.hpp',
    search: '		uint16_t lastSeq{ 0 }; // Seq number of last valid packet.\n',
    replace:
      '		uint16_t lastSeq{ 0 }; // Seq number of last valid packet.\n		int64_t lastSeqAtMs{ 0 };\n' +
      '		bool keyFrameAskedAfterSilence{ false };\n',
    fixed: /lastSeqAtMs/,
    behaviour: 'packets lost over a silence of a stream are replaced by a key frame',
  },
  {
    file: 'src/RTC/NackGenerator.cpp',
    search: '			this->started = true;\n			this->lastSeq = seq;\n',
    replace: '			this->started = true;\n			this->lastSeq = seq;\n			this->lastSeqAtMs = this->shared->GetTimeMs();\n',
    fixed: /this->lastSeqAtMs = this->shared->GetTimeMs\(\);\n\n\s*if \(isKeyFrame\)/,
    behaviour: 'packets lost over a silence of a stream are replaced by a key frame',
  },
  {
    file: 'src/RTC/NackGenerator.cpp',
    search: '		AddPacketsToNackList(this->lastSeq + 1, seq);\n',
    replace: `		// Roundtable: packets lost over a silence of the stream are replaced by a key frame.
		{
			const int64_t silenceNowMs = this->shared->GetTimeMs();
			const bool afterSilence = silenceNowMs - this->lastSeqAtMs > 1000;
			const bool lostOverSilence = afterSilence && static_cast<uint16_t>(seq - this->lastSeq) > 1;

			if (isRecovered && afterSilence)
			{
				if (!this->keyFrameAskedAfterSilence)
				{
					this->keyFrameAskedAfterSilence = true;

					this->listener->OnNackGeneratorKeyFrameRequired();
				}

				return false;
			}

			this->lastSeqAtMs               = silenceNowMs;
			this->keyFrameAskedAfterSilence = false;

			if (lostOverSilence)
			{
				this->nackList.clear();
				this->lastSeq = seq;

				if (!isKeyFrame)
				{
					this->listener->OnNackGeneratorKeyFrameRequired();
				}

				return false;
			}
		}

		AddPacketsToNackList(this->lastSeq + 1, seq);
`,
    fixed: /Roundtable: packets lost over a silence/,
    behaviour: 'packets lost over a silence of a stream are replaced by a key frame',
  },
  // A stream back after a silence (inactive: no RTP for 1.5 s) is scored on what arrives
  // from then on, not on the packets lost in the silence. Its first score after the silence
  // counted every sequence number skipped over the silence as lost (and was 0), and a
  // simulcast consumer forwards no stream scored 0: in the lab's address change and link
  // down cases the others' view of the participant froze again for 1-1.5 s a moment after
  // it had come back (host traces: score 10 on the first packet back, 0 at the next
  // receiver report, 7 a second later).
  // It is back with a packet of its base temporal layer: a simulcast consumer takes a stream
  // only once that layer has a bitrate, and it is asked again only at the transport's next
  // bitrate distribution, up to a second later. Back on a higher layer's packet (two frames
  // in three with three temporal layers), the stream was active with no consumer taking it
  // and the key frame asked for on its return went unused: the others' view came back 1 s
  // later than it could (lab address change: 3.3-3.8 s instead of 2.2-2.5 s).
  ...['\t\t\t', '\t\t\t\t'].map((indent) => ({
    file: 'src/RTC/RTP/RtpStreamRecv.cpp',
    search: `${indent}if (this->inactive)\n${indent}{\n${indent}\tthis->inactive = false;\n\n${indent}\tResetScore(10, /*notify*/ true);\n`,
    replace:
      `${indent}if (this->inactive && packet->GetTemporalLayer() == 0)\n${indent}{\n${indent}\tthis->inactive = false;\n\n` +
      `${indent}\t// Roundtable: what was lost while inactive does not count against the score.\n` +
      `${indent}\tthis->expectedPriorScore      = GetExpectedPackets();\n` +
      `${indent}\tthis->receivedPriorScore      = this->mediaTransmissionCounter.GetPacketCount();\n` +
      `${indent}\tthis->repairedPriorScore      = this->packetsRepaired;\n` +
      `${indent}\tthis->retransmittedPriorScore = this->packetsRetransmitted;\n\n` +
      `${indent}\tResetScore(10, /*notify*/ true);\n`,
    fixed: new RegExp(`\\n${indent}\\t// Roundtable: what was lost while inactive`),
    behaviour: 'a stream back after a silence is scored on what arrives after it',
  })),
  // A stream is scored (on each of its sender's reports) only over enough packets to tell
  // loss from chance: under 8 expected since the last score, the counts roll into the next.
  // A score over 1-3 packets is 0 as soon as one of them is missing (lost counts up to what
  // was received), and a simulcast consumer forwards no stream scored 0. In the lab's
  // address change the sender's first report came 9 ms after its stream was back; scored 0
  // on that, the others' view of the participant froze again until the next report a
  // second later (3.3-4.4 s to media back in 5 of 30 runs instead of 2.2-2.4 s).
  {
    file: 'src/RTC/RTP/RtpStreamRecv.cpp',
    search: `			const uint32_t expected  = totalExpected - this->expectedPriorScore;\n\n`,
    replace:
      `			const uint32_t expected  = totalExpected - this->expectedPriorScore;\n\n` +
      `			// Roundtable: too few packets to score; counted into the next interval.\n` +
      `			if (expected > 0 && expected < 8)\n			{\n				return;\n			}\n\n`,
    fixed: /Roundtable: too few packets to score/,
    behaviour: 'a stream is scored over at least 8 packets',
  },
];
