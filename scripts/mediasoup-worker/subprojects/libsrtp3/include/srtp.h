// The part of the libsrtp 3 API that mediasoup's worker uses, implemented on top
// of libsrtp 2 (no Linux distribution ships libsrtp 3 yet). C++ only.
//
// libsrtp 3 differs from 2 where mediasoup is concerned in that:
// - srtp_policy_t is an opaque handle filled in through setters instead of a
//   struct, and the master key and salt are given separately;
// - protect/unprotect take separate input and output buffers and size_t
//   lengths, and report srtp_err_status_buffer_small;
// - srtp_remove_stream() is called srtp_stream_remove().
// Every setter below maps onto the libsrtp 2 policy field with the same
// meaning. allow_repeat_tx matters most: mediasoup sets it on outbound sessions
// so that NACK retransmissions (same RTP index sent twice) are protected
// instead of failing with a replay error.

#ifndef ROUNDTABLE_SRTP3_ON_SRTP2_H
#define ROUNDTABLE_SRTP3_ON_SRTP2_H

#ifndef __cplusplus
#error "this libsrtp 3 adapter is C++ only"
#endif

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

// libsrtp 2 names its policy struct srtp_policy_t, the name libsrtp 3 gives the
// handle. Rename it while its header is parsed; its functions are extern "C",
// so the rename does not change what gets linked.
#define srtp_policy_t srtp2_policy_t
#include <srtp2/srtp.h>
#undef srtp_policy_t

// Error codes libsrtp 2 lacks, with their libsrtp 3 values.
inline constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
inline constexpr srtp_err_status_t srtp_err_status_cryptex_err  = static_cast<srtp_err_status_t>(29);

struct srtp_policy_ctx_t_
{
	srtp2_policy_t policy;
	// libsrtp 2 wants the master key and salt in one buffer.
	unsigned char key[SRTP_MAX_KEY_LEN];
};

typedef srtp_policy_ctx_t_* srtp_policy_t;

inline srtp_err_status_t srtp_policy_create(srtp_policy_t* policy)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;

	*policy = new (std::nothrow) srtp_policy_ctx_t_{};

	return *policy != nullptr ? srtp_err_status_ok : srtp_err_status_alloc_fail;
}

inline void srtp_policy_destroy(srtp_policy_t policy)
{
	if (policy == nullptr)
		return;

	// Wipe the key material; volatile keeps the compiler from dropping the loop.
	volatile unsigned char* key = policy->key;

	for (size_t i = 0; i < sizeof(policy->key); ++i)
		key[i] = 0;

	delete policy;
}

inline srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;

	policy->policy.ssrc = ssrc;

	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;

	srtp_err_status_t status = srtp_crypto_policy_set_from_profile_for_rtp(&policy->policy.rtp, profile);

	if (status != srtp_err_status_ok)
		return status;

	return srtp_crypto_policy_set_from_profile_for_rtcp(&policy->policy.rtcp, profile);
}

// Only a single key without MKI is supported (all mediasoup uses). The profile
// must be set first: libsrtp 2 takes the key+salt length from it.
inline srtp_err_status_t srtp_policy_add_key(
  srtp_policy_t policy,
  const uint8_t* key,
  size_t key_len,
  const uint8_t* salt,
  size_t salt_len,
  const uint8_t* mki,
  size_t mki_len)
{
	if (policy == nullptr || key == nullptr || (salt == nullptr && salt_len != 0))
		return srtp_err_status_bad_param;

	if (mki != nullptr || mki_len != 0 || policy->policy.key != nullptr)
		return srtp_err_status_bad_param;

	const int expected_len = policy->policy.rtp.cipher_key_len;

	if (expected_len <= 0 || key_len + salt_len != static_cast<size_t>(expected_len) ||
	    key_len + salt_len > sizeof(policy->key))
	{
		return srtp_err_status_bad_param;
	}

	std::memcpy(policy->key, key, key_len);

	if (salt_len != 0)
		std::memcpy(policy->key + key_len, salt, salt_len);

	policy->policy.key = policy->key;

	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;

	policy->policy.allow_repeat_tx = allow ? 1 : 0;

	return srtp_err_status_ok;
}

// Replay window in packets; 0 means the library default (128). Same bounds as
// libsrtp checks in srtp_create().
inline srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, size_t window_size)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;

	if (window_size != 0 && (window_size < 64 || window_size >= 0x8000))
		return srtp_err_status_bad_param;

	policy->policy.window_size = static_cast<unsigned long>(window_size);

	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_create(srtp_t* session, const srtp_policy_ctx_t_* policy)
{
	if (session == nullptr || policy == nullptr)
		return srtp_err_status_bad_param;

	return srtp_create(session, &policy->policy);
}

// ssrc in network byte order, as in libsrtp 2's srtp_remove_stream().
inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}

namespace roundtable_srtp_adapter
{
	// libsrtp 2 transforms in place, with an int length, and may append up to
	// `trailer` bytes (its documented requirement on the buffer).
	template<typename Transform>
	inline srtp_err_status_t Apply(
	  const uint8_t* in, size_t in_len, uint8_t* out, size_t* out_len, size_t trailer, Transform transform)
	{
		if (in == nullptr || out == nullptr || out_len == nullptr)
			return srtp_err_status_bad_param;

		if (in_len > static_cast<size_t>(INT_MAX) - trailer)
			return srtp_err_status_bad_param;

		if (*out_len < in_len + trailer)
			return srtp_err_status_buffer_small;

		if (out != in)
			std::memmove(out, in, in_len);

		int len = static_cast<int>(in_len);
		const srtp_err_status_t status = transform(out, &len);

		if (status == srtp_err_status_ok)
			*out_len = static_cast<size_t>(len);

		return status;
	}
} // namespace roundtable_srtp_adapter

inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtp_len, uint8_t* srtp, size_t* srtp_len, size_t mki_index)
{
	if (mki_index != 0)
		return srtp_err_status_bad_param;

	return roundtable_srtp_adapter::Apply(
	  rtp, rtp_len, srtp, srtp_len, SRTP_MAX_TRAILER_LEN, [ctx](uint8_t* buf, int* len) {
		  return srtp_protect(ctx, buf, len);
	  });
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtp_len, uint8_t* rtp, size_t* rtp_len)
{
	return roundtable_srtp_adapter::Apply(
	  srtp, srtp_len, rtp, rtp_len, 0, [ctx](uint8_t* buf, int* len) {
		  return srtp_unprotect(ctx, buf, len);
	  });
}

inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcp_len, uint8_t* srtcp, size_t* srtcp_len, size_t mki_index)
{
	if (mki_index != 0)
		return srtp_err_status_bad_param;

	// SRTCP also appends the 4-byte E flag + index.
	return roundtable_srtp_adapter::Apply(
	  rtcp, rtcp_len, srtcp, srtcp_len, SRTP_MAX_TRAILER_LEN + 4, [ctx](uint8_t* buf, int* len) {
		  return srtp_protect_rtcp(ctx, buf, len);
	  });
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcp_len, uint8_t* rtcp, size_t* rtcp_len)
{
	return roundtable_srtp_adapter::Apply(
	  srtcp, srtcp_len, rtcp, rtcp_len, 0, [ctx](uint8_t* buf, int* len) {
		  return srtp_unprotect_rtcp(ctx, buf, len);
	  });
}

#endif
