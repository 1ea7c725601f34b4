// The WebSocket half of the fake Slack: what apps.connections.open hands out. It says `hello`, delivers
// envelopes (slash_commands, interactive, events_api) and records the acks the app sends back.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
  at: number;
}

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SlashCommandFields {
  channel_id?: string;
  user_id?: string;
  user_name?: string;
  command?: string;
  text?: string;
  response_url?: string;
  trigger_id?: string;
  team_id?: string;
}

let envelopeCounter = 0;

export class FakeSocketMode {
  /** Every message the app sent over the socket (acks included), parsed. */
  readonly received: unknown[] = [];
  readonly acks: SocketAck[] = [];
  /** App tokens that asked for a connection URL. */
  readonly tokens: string[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly ackWaiters = new Map<string, (ack: SocketAck) => void>();
  private ticket = 0;

  constructor(
    server: Server,
    private readonly baseUrl: string,
    private readonly options: { hello: boolean },
  ) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!req.url?.startsWith('/link/')) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  /** A fresh `ws://…/link/?ticket=…` URL, as apps.connections.open returns. */
  connectionUrl(token: string): string {
    this.tokens.push(token);
    return `${this.baseUrl}?ticket=${++this.ticket}`;
  }

  /** Open connections right now. */
  get connections(): number {
    return this.sockets.size;
  }

  /** Resolves once a client is connected (and, by default, has been sent `hello`). */
  async waitForConnection(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.sockets.size === 0) {
      if (Date.now() > deadline) throw new Error(`fake socket mode: no client connected within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Sends `hello` to every open connection (done automatically on connect unless `socketHello: false`). */
  hello(): void {
    this.broadcast({
      type: 'hello',
      num_connections: this.sockets.size,
      debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 3600 },
      connection_info: { app_id: 'A0GOLIVE' },
    });
  }

  /** Asks the client to reconnect, as Slack does when it recycles a connection. */
  disconnect(reason = 'refresh_requested'): void {
    this.broadcast({ type: 'disconnect', reason, debug_info: { host: 'applink-fake' } });
  }

  /** Sends any raw message to every open connection. */
  broadcast(message: unknown): void {
    const text = JSON.stringify(message);
    for (const ws of this.sockets) ws.send(text);
  }

  /**
   * Delivers one envelope and resolves with the app's ack for its envelope_id; rejects if no ack arrives
   * within timeoutMs (Slack waits 3 s, tests are more patient).
   */
  async deliver(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    options: { envelopeId?: string; retryAttempt?: number; timeoutMs?: number } = {},
  ): Promise<SocketAck> {
    if (this.sockets.size === 0) throw new Error('fake socket mode: no client connected');
    const envelopeId = options.envelopeId ?? `env-${++envelopeCounter}-${Date.now()}`;
    const timeoutMs = options.timeoutMs ?? 5000;
    const acked = new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.ackWaiters.delete(envelopeId);
        reject(new Error(`fake socket mode: envelope ${envelopeId} (${type}) not acknowledged within ${timeoutMs} ms`));
      }, timeoutMs);
      this.ackWaiters.set(envelopeId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
    this.broadcast({
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      ...(options.retryAttempt !== undefined ? { retry_attempt: options.retryAttempt, retry_reason: 'timeout' } : {}),
    });
    return acked;
  }

  /** A `/golive …` slash command over the socket, with the fields Slack sends. */
  slashCommand(
    fields: SlashCommandFields,
    options: { envelopeId?: string; timeoutMs?: number } = {},
  ): Promise<SocketAck> {
    return this.deliver(
      'slash_commands',
      {
        token: 'deprecated-verification-token',
        team_id: fields.team_id ?? 'T0GOLIVE',
        team_domain: 'golive-test',
        channel_id: fields.channel_id ?? 'C0DEPLOYS',
        channel_name: 'deploys',
        user_id: fields.user_id ?? 'U0DEPLOYER',
        user_name: fields.user_name ?? 'deployer',
        command: fields.command ?? '/golive',
        text: fields.text ?? '',
        api_app_id: 'A0GOLIVE',
        is_enterprise_install: 'false',
        response_url: fields.response_url ?? 'http://127.0.0.1:9/no-response-url',
        trigger_id: fields.trigger_id ?? `trigger-${++envelopeCounter}`,
      },
      options,
    );
  }

  /** Closes every connection and the WebSocket server. */
  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    for (const waiter of this.ackWaiters.keys()) this.ackWaiters.delete(waiter);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => this.sockets.delete(ws));
    ws.on('message', (data) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return;
      }
      this.received.push(message);
      if (typeof message === 'object' && message !== null && 'envelope_id' in message) {
        const m = message as { envelope_id: unknown; payload?: unknown };
        const ack: SocketAck = {
          envelope_id: String(m.envelope_id),
          ...(typeof m.payload === 'object' && m.payload !== null
            ? { payload: m.payload as Record<string, unknown> }
            : {}),
          at: Date.now(),
        };
        this.acks.push(ack);
        this.ackWaiters.get(ack.envelope_id)?.(ack);
        this.ackWaiters.delete(ack.envelope_id);
      }
    });
    if (this.options.hello) {
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.sockets.size,
          debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 3600 },
          connection_info: { app_id: 'A0GOLIVE' },
        }),
      );
    }
  }
}
