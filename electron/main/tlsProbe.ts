import net from 'node:net';
import tls from 'node:tls';

/** The host could not be reached, or did not complete a TLS handshake in time. */
export class ProbeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeError';
  }
}

/**
 * The SHA-256 fingerprint (64 lower-case hex) of the certificate `host:port` presents. Nothing is
 * trusted here (the handshake does not verify): the answer is compared against pins by the caller,
 * and the connection is closed right after the handshake without sending anything.
 */
export function probeCertificate(hostname: string, port: number, timeoutMs = 5_000): Promise<string> {
  const host = hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      // SNI only for names (RFC 6066 forbids IP literals).
      ...(net.isIP(host) === 0 ? { servername: host } : {}),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const fail = (message: string) => {
      socket.destroy();
      reject(new ProbeError(message));
    };
    const timer = setTimeout(() => fail(`${hostname}:${port} did not answer within ${timeoutMs / 1000} s`), timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const fingerprint = socket.getPeerX509Certificate()?.fingerprint256;
      socket.destroy();
      if (fingerprint) resolve(fingerprint.replaceAll(':', '').toLowerCase());
      else reject(new ProbeError(`${hostname}:${port} presented no certificate`));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(`cannot reach ${hostname}:${port} (${error.code ?? error.message})`);
    });
  });
}
