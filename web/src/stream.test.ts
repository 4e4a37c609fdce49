import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import {
  openStream,
  parseFrame,
  RECONNECT_INITIAL_MS,
  RECONNECT_MAX_MS,
  SESSION_ENDED_CLOSE_CODE,
  type StreamHandlers,
  streamUrl,
  type WebSocketMinimal,
} from './stream.ts';
import { testEvent, testStatus } from './testEvents.ts';

const ORIGIN = { protocol: 'http:', host: '127.0.0.1:7801' };

class FakeSocket implements WebSocketMinimal {
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  isClosed = false;
  constructor(readonly url: string) {}
  receive(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) } as MessageEvent);
  }
  drop(): void {
    this.onclose?.({} as CloseEvent);
  }
  close(): void {
    this.isClosed = true;
  }
}

function recorder() {
  const log: string[] = [];
  const handlers: StreamHandlers = {
    onEvent: (event) => log.push(`event ${event.id}`),
    onState: (status) => log.push(`state ${status.id} ${status.state}`),
    onPeer: (peer) => log.push(`peer ${peer.nodeId} ${peer.state}`),
    onConnection: (connection, resumed) => log.push(`${connection}${resumed ? ' resumed' : ''}`),
  };
  return { log, handlers };
}

describe('console stream', () => {
  it('[CON5] parses the node frames and ignores what it does not know', () => {
    const event = testEvent('alpha', 1, 1);
    assert.deepEqual(parseFrame(JSON.stringify({ type: 'hello', cursor: 7 })), { type: 'hello', cursor: 7 });
    assert.deepEqual(parseFrame(JSON.stringify({ type: 'event', event, cursor: 8 })), {
      type: 'event',
      event,
      cursor: 8,
    });
    const message = testStatus(event.id, { state: 'delivered' });
    assert.deepEqual(parseFrame(JSON.stringify({ type: 'state', message })), { type: 'state', message });
    for (const bad of [
      'not json',
      '{"type":"event","event":{}}',
      '{"type":"hello"}',
      '{"type":"future"}',
      '42',
      null,
    ]) {
      assert.equal(parseFrame(bad), null, String(bad));
    }
  });

  it('[CON5] builds the stream URL on the page origin, wss for https pages', () => {
    assert.equal(streamUrl(null, ORIGIN), 'ws://127.0.0.1:7801/api/v1/stream');
    assert.equal(
      streamUrl(12, { protocol: 'https:', host: 'desk.example' }),
      'wss://desk.example/api/v1/stream?since=12',
    );
  });

  it('[CON5][FED6] says when the stream is lost, reconnects with backoff and resumes after its cursor', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const sockets: FakeSocket[] = [];
      const { log, handlers } = recorder();
      const stream = openStream(handlers, {
        since: 3,
        origin: ORIGIN,
        createSocket: (url) => {
          const socket = new FakeSocket(url);
          sockets.push(socket);
          return socket;
        },
      });
      const first = sockets[0];
      assert.ok(first);
      assert.match(first.url, /\?since=3$/);
      first.receive({ type: 'hello', cursor: 3 });
      first.receive({ type: 'event', event: testEvent('bravo', 1, 2), cursor: 5 });
      first.drop();
      assert.deepEqual(log, ['live', 'event bravo-1-c2', 'lost']);

      mock.timers.tick(RECONNECT_INITIAL_MS - 1);
      assert.equal(sockets.length, 1, 'waits before reconnecting');
      mock.timers.tick(1);
      const second = sockets[1];
      assert.ok(second);
      assert.match(second.url, /\?since=5$/, 'resumes after the last event it got');
      second.drop();
      mock.timers.tick(RECONNECT_INITIAL_MS * 2);
      const third = sockets[2];
      assert.ok(third, 'backoff doubled');
      third.receive({ type: 'hello', cursor: 5 });
      assert.deepEqual(log.slice(3), ['live resumed']);

      for (let i = 0; i < 10; i++) {
        sockets.at(-1)?.drop();
        mock.timers.tick(RECONNECT_MAX_MS);
      }
      assert.equal(sockets.length, 13, 'backoff never exceeds the maximum');
      stream.close();
      assert.equal(sockets.at(-1)?.isClosed, true);
    } finally {
      mock.timers.reset();
    }
  });

  it('[SEC1][CON5] a stream the node closes with 4401 ends the session instead of reconnecting', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const sockets: FakeSocket[] = [];
      const { log, handlers } = recorder();
      openStream(
        { ...handlers, onSessionEnded: () => log.push('session ended') },
        {
          since: null,
          origin: ORIGIN,
          createSocket: (url) => {
            const socket = new FakeSocket(url);
            sockets.push(socket);
            return socket;
          },
        },
      );
      sockets[0]?.receive({ type: 'hello', cursor: 1 });
      // A changed role (4403) reconnects as any lost stream does.
      sockets[0]?.onclose?.({ code: 4403 } as CloseEvent);
      mock.timers.tick(RECONNECT_INITIAL_MS);
      assert.equal(sockets.length, 2);
      sockets[1]?.onclose?.({ code: SESSION_ENDED_CLOSE_CODE } as CloseEvent);
      mock.timers.tick(RECONNECT_MAX_MS * 4);
      assert.equal(sockets.length, 2, 'no reconnect after the session ended');
      assert.deepEqual(log, ['live', 'lost', 'session ended']);
    } finally {
      mock.timers.reset();
    }
  });
});
