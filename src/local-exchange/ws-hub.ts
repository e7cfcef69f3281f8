/**
 * The WebSocket side: market connections (`/public/ws/<n>`, `/market/ws/<n>`, `/ws[/<streams>]`,
 * `/stream?streams=` with the combined wrapper) with SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS
 * and their `{"result":null,"id"}` acks, and user-data connections (`/private/ws?listenKey=`,
 * `/ws/<listenKey>`) that receive the account's events unasked. Each message is serialized once
 * per topic. The ws-drop fault terminates a connection (no close frame) instead of a send; a
 * market-data silence withholds market messages while connections, pings and acks carry on.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FaultEngine } from './fault-engine.ts';
import { isRecord } from './json.ts';
import { streamKindOf, symbolOfMessage } from './market-faults.ts';

interface MarketConn {
  readonly ws: WebSocket;
  readonly combined: boolean;
  /** topic -> stream names subscribed on this connection. */
  readonly subs: Map<string, Set<string>>;
}

export interface WsHubOptions {
  readonly faults: FaultEngine;
  /** Topic of a stream name, undefined if not served. */
  readonly topicOf: (name: string) => string | undefined;
  readonly listenKeyValid: (key: string) => boolean;
}

export class WsHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly topics = new Map<string, Set<MarketConn>>();
  private readonly users = new Map<WebSocket, string>();
  private readonly conns = new Set<WebSocket>();

  constructor(private readonly o: WsHubOptions) {}

  /** Handles an HTTP upgrade; false when the path is not a WebSocket endpoint. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;
    const reject = (status: number, text: string): true => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify({ code: -1125, msg: text })}`);
      return true;
    };
    const seg = path.split('/').filter((s) => s !== '');
    let user: string | undefined;
    let streams: string[] = [];
    let combined = false;
    if (seg[0] === 'private') {
      user = url.searchParams.get('listenKey') ?? seg[2] ?? '';
      if (!this.o.listenKeyValid(user)) return reject(400, 'This listenKey does not exist.');
    } else if ((seg[0] === 'public' || seg[0] === 'market') && (seg[1] === 'ws' || seg[1] === 'stream')) {
      combined = seg[1] === 'stream';
      if (combined) streams = (url.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '');
    } else if (seg[0] === 'ws') {
      const rest = seg.slice(1);
      if (rest.length === 1 && this.o.listenKeyValid(rest[0] as string)) user = rest[0] as string;
      else streams = rest;
    } else if (seg[0] === 'stream') {
      combined = true;
      streams = (url.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '');
    } else return false;
    const topics = streams.map((s) => [s, this.o.topicOf(s)] as const);
    if (topics.some(([, t]) => t === undefined)) return reject(400, 'Invalid request: invalid stream');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.conns.add(ws);
      ws.on('close', () => this.forget(ws));
      ws.on('error', () => this.forget(ws));
      if (user !== undefined) {
        this.users.set(ws, user);
        return;
      }
      const conn: MarketConn = { ws, combined, subs: new Map() };
      for (const [name, topic] of topics) this.subscribe(conn, name, topic as string);
      ws.on('message', (data) => this.onMessage(conn, data.toString()));
    });
    return true;
  }

  private forget(ws: WebSocket): void {
    this.conns.delete(ws);
    this.users.delete(ws);
    for (const set of this.topics.values()) for (const c of set) if (c.ws === ws) set.delete(c);
  }

  private subscribe(conn: MarketConn, name: string, topic: string): void {
    let names = conn.subs.get(topic);
    if (names === undefined) conn.subs.set(topic, (names = new Set()));
    names.add(name);
    let set = this.topics.get(topic);
    if (set === undefined) this.topics.set(topic, (set = new Set()));
    set.add(conn);
  }

  private unsubscribe(conn: MarketConn, name: string, topic: string): void {
    const names = conn.subs.get(topic);
    names?.delete(name);
    if (names !== undefined && names.size === 0) {
      conn.subs.delete(topic);
      this.topics.get(topic)?.delete(conn);
    }
  }

  private onMessage(conn: MarketConn, text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      conn.ws.send(JSON.stringify({ error: { code: 3, msg: 'Invalid JSON: expected a JSON object' }, id: null }));
      return;
    }
    const id = isRecord(msg) && (typeof msg['id'] === 'number' || typeof msg['id'] === 'string') ? msg['id'] : null;
    const reply = (body: Record<string, unknown>): void => conn.ws.send(JSON.stringify({ ...body, id }));
    if (!isRecord(msg) || typeof msg['method'] !== 'string') return reply({ error: { code: 1, msg: 'Invalid request: unknown method' } });
    const method = msg['method'];
    if (method === 'LIST_SUBSCRIPTIONS') return reply({ result: [...conn.subs.values()].flatMap((s) => [...s]) });
    if (method === 'SET_PROPERTY') return reply({ result: null });
    if (method === 'GET_PROPERTY') return reply({ result: conn.combined });
    if (method !== 'SUBSCRIBE' && method !== 'UNSUBSCRIBE') return reply({ error: { code: 1, msg: 'Invalid request: unknown method' } });
    const params = msg['params'];
    if (!Array.isArray(params) || params.some((p) => typeof p !== 'string')) return reply({ error: { code: 2, msg: 'Invalid request: invalid stream' } });
    const pairs = (params as string[]).map((p) => [p, this.o.topicOf(p)] as const);
    if (pairs.some(([, t]) => t === undefined)) return reply({ error: { code: 2, msg: 'Invalid request: invalid stream' } });
    for (const [name, topic] of pairs) {
      if (method === 'SUBSCRIBE') this.subscribe(conn, name, topic as string);
      else this.unsubscribe(conn, name, topic as string);
    }
    reply({ result: null });
  }

  wants(topic: string): boolean {
    return (this.topics.get(topic)?.size ?? 0) > 0;
  }

  /** Publishes a market message (an object, or an array for `@arr` topics). */
  market(topic: string, msg: object): void {
    const set = this.topics.get(topic);
    if (set === undefined || set.size === 0) return;
    const kind = streamKindOf(topic);
    if (kind !== undefined && this.o.faults.silenced(kind, symbolOfMessage(topic, msg))) return; // connections stay open; the message is lost
    let raw: string | undefined;
    for (const c of [...set]) {
      if (c.ws.readyState !== c.ws.OPEN) continue;
      if (this.o.faults.wsDrop('market')) {
        c.ws.terminate();
        this.forget(c.ws);
        continue;
      }
      raw ??= JSON.stringify(msg);
      // The combined wrapper by concatenation: the same bytes as JSON.stringify({ stream, data }).
      for (const name of c.subs.get(topic) ?? []) c.ws.send(c.combined ? `{"stream":${JSON.stringify(name)},"data":${raw}}` : raw);
    }
  }

  /** Sends a user-data event to every user connection. */
  user(msg: object): void {
    const raw = JSON.stringify(msg);
    for (const ws of [...this.users.keys()]) {
      if (ws.readyState !== ws.OPEN) continue;
      if (this.o.faults.wsDrop('user')) {
        ws.terminate();
        this.forget(ws);
        continue;
      }
      ws.send(raw);
    }
  }

  /** A listen key expired or was deleted: tell its connections and close them. */
  endUser(key: string, time: number, why: 'expired' | 'deleted'): void {
    for (const [ws, k] of [...this.users]) {
      if (k !== key) continue;
      if (why === 'expired' && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ e: 'listenKeyExpired', E: time, listenKey: key }));
      ws.close(1000, why);
      this.forget(ws);
    }
  }

  /** Subscribed topics (with their number of connections) and open connections, for state(). */
  stats(): { streams: Record<string, number>; market: number; user: number } {
    const streams: Record<string, number> = {};
    for (const [t, set] of this.topics) if (set.size > 0) streams[t] = set.size;
    return { streams, market: this.conns.size - this.users.size, user: this.users.size };
  }

  /** Terminates every connection of a kind (market / user / all), e.g. for a scripted outage. */
  dropAll(kind: 'market' | 'user' | 'any'): number {
    let n = 0;
    for (const ws of [...this.conns]) {
      const isUser = this.users.has(ws);
      if (kind === 'any' || (kind === 'user') === isUser) {
        ws.terminate();
        this.forget(ws);
        n++;
      }
    }
    return n;
  }

  async close(): Promise<void> {
    for (const ws of this.conns) ws.terminate();
    this.conns.clear();
    this.users.clear();
    this.topics.clear();
    await new Promise<void>((res) => this.wss.close(() => res()));
  }
}
