// Edits applied to a copy of mediasoup's worker source before the offline build.
// Each one replaces an exact snippet; `fixed` tells that upstream already has the
// change, so it is skipped rather than failing the build.

export const sourceFixes = [
  {
    // With an OpenSSL built with kernel TLS support (Debian's), the worker
    // segfaults on its first DTLS handshake. onSslBioOut returned 1 for the
    // return phase of control calls (BIO_CB_RETURN | BIO_CB_CTRL, e.g.
    // BIO_CTRL_GET_KTLS_SEND), so OpenSSL believed kTLS was on and wrote with a
    // NULL buffer. The return phase is a bit, not a value. Worth upstreaming.
    file: 'src/RTC/DtlsTransport.cpp',
    search: '(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1',
    replace: '(operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1',
    fixed: /operationType\s*&\s*BIO_CB_RETURN/,
  },
];
