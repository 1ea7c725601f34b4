// http2: the server picks h2 when offered ['h2', 'http/1.1'] over ALPN.
import { tlsHandshake } from './tls-connect.js';
import type { Check } from './types.js';

export const http2: Check = async (ctx) => {
  const handshake = await tlsHandshake(ctx, { ALPNProtocols: ['h2', 'http/1.1'] }, (socket) => ({
    alpnProtocol: socket.alpnProtocol === false ? null : (socket.alpnProtocol ?? null),
    protocol: socket.getProtocol(),
  }));
  if (!handshake.ok) {
    return {
      status: 'fail',
      summary: `TLS handshake failed: ${handshake.reason} (want ALPN h2)`,
      evidence: { offered: ['h2', 'http/1.1'], handshakeError: handshake.reason },
    };
  }
  const { alpnProtocol, protocol } = handshake.value;
  const evidence = { offered: ['h2', 'http/1.1'], alpnProtocol, protocol };
  if (alpnProtocol === 'h2') return { status: 'pass', summary: 'ALPN negotiated h2 (want h2)', evidence };
  return {
    status: 'fail',
    summary:
      alpnProtocol === null ? 'no ALPN protocol negotiated (want h2)' : `ALPN negotiated ${alpnProtocol} (want h2)`,
    evidence,
  };
};
