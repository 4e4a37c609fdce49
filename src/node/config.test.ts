/**
 * A node's configuration: `DATA/config.json` with LIAISON_* environment overrides, durations
 * and acknowledgement deadlines (HOT2), and the errors a person sees when something is wrong.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  ConfigError,
  configPath,
  envName,
  loadConfig,
  type NodeConfig,
  parseDeadlines,
  parseDuration,
  writeConfig,
} from './config.ts';

const root = mkdtempSync(join(tmpdir(), 'liaison-config-'));
after(() => rmSync(root, { recursive: true, force: true }));

const BASE: NodeConfig = {
  nodeId: 'alpha',
  name: 'Alpha ministry',
  host: '127.0.0.1',
  httpPort: 7801,
  federationPort: 7901,
  publicUrl: 'http://127.0.0.1:7801',
  federationUrl: 'ws://127.0.0.1:7901',
  ackDeadlines: '',
  logLevel: 'info',
  headsIntervalMs: 1000,
};

/** A node folder holding `config` as its config.json (an object is written as JSON, a string as is). */
function folder(config: object | string = BASE): string {
  const path = mkdtempSync(join(root, 'node-'));
  writeFileSync(configPath(path), typeof config === 'string' ? config : JSON.stringify(config));
  return path;
}

function configError(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('loadConfig', () => {
  it('reads config.json; writeConfig and loadConfig round-trip', () => {
    const dir = folder({});
    writeConfig(dir, BASE);
    assert.deepEqual(loadConfig(dir, {}), BASE);
  });

  it('fills in the defaults of optional keys', () => {
    const { host, ackDeadlines, logLevel, headsIntervalMs, ...required } = BASE;
    const config = loadConfig(folder(required), {});
    assert.deepEqual(
      {
        host: config.host,
        ackDeadlines: config.ackDeadlines,
        logLevel: config.logLevel,
        headsIntervalMs: config.headsIntervalMs,
      },
      { host: '127.0.0.1', ackDeadlines: '', logLevel: 'info', headsIntervalMs: 1000 },
    );
  });

  it('an environment variable wins over the file (LIAISON_HTTP_PORT)', () => {
    const dir = folder();
    const config = loadConfig(dir, {
      LIAISON_HTTP_PORT: '7811',
      LIAISON_LOG_LEVEL: 'warn',
      LIAISON_ACK_DEADLINES: 'FLASH=10s,IMMEDIATE=30s,PRIORITY=3h,ROUTINE=6h',
      LIAISON_NAME: 'Alpha (drill)',
    });
    assert.equal(config.httpPort, 7811);
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.ackDeadlines, 'FLASH=10s,IMMEDIATE=30s,PRIORITY=3h,ROUTINE=6h');
    assert.equal(config.name, 'Alpha (drill)');
    assert.equal(config.federationPort, 7901, 'keys without a variable come from the file');
  });

  it('an empty or unrelated variable leaves the file value', () => {
    const config = loadConfig(folder(), {
      LIAISON_HTTP_PORT: '',
      HTTP_PORT: '9999',
      LIAISON_HTTPPORT: '9999',
    });
    assert.equal(config.httpPort, 7801);
  });

  it('a missing folder → ConfigError naming liaison init', () => {
    const missing = join(root, 'no-such-node');
    assert.throws(() => loadConfig(missing, {}), configError(/liaison init --data .*no-such-node/));
  });

  it('a config.json that is not JSON → ConfigError saying so', () => {
    assert.throws(
      () => loadConfig(folder('{"nodeId": "alpha",'), {}),
      configError(/config\.json is not valid JSON/),
    );
  });

  const bad: [string, object, Record<string, string>, RegExp][] = [
    ['a port that is not a number', BASE, { LIAISON_HTTP_PORT: 'eighty' }, /httpPort/],
    ['a port out of range', { ...BASE, httpPort: 70000 }, {}, /httpPort/],
    [
      'a node id with capitals',
      { ...BASE, nodeId: 'Alpha' },
      {},
      /nodeId: a node id is 1–32 of a-z, 0-9 and -/,
    ],
    ['an unknown log level', BASE, { LIAISON_LOG_LEVEL: 'loud' }, /logLevel/],
    ['a URL that is not one', { ...BASE, publicUrl: 'alpha' }, {}, /publicUrl/],
    ['an unknown key (a typo)', { ...BASE, httpport: 7801 }, {}, /httpport/],
    ['a missing key', { ...BASE, name: undefined }, {}, /name/],
    ['bad deadlines', BASE, { LIAISON_ACK_DEADLINES: 'FLASH=soon' }, /"soon" is not a duration/],
  ];
  for (const [what, config, env, pattern] of bad) {
    it(`${what} → ConfigError with a clear message`, () => {
      assert.throws(() => loadConfig(folder(config), env), configError(pattern));
    });
  }

  it('the message names both the file and the LIAISON_* variables', () => {
    const dir = folder();
    assert.throws(
      () => loadConfig(dir, { LIAISON_HTTP_PORT: '0' }),
      configError(
        new RegExp(
          `bad configuration in ${configPath(dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} or LIAISON_\\* variables: httpPort`,
        ),
      ),
    );
  });
});

describe('envName', () => {
  it('maps camelCase keys to LIAISON_UPPER_SNAKE_CASE', () => {
    assert.equal(envName('httpPort'), 'LIAISON_HTTP_PORT');
    assert.equal(envName('ackDeadlines'), 'LIAISON_ACK_DEADLINES');
    assert.equal(envName('headsIntervalMs'), 'LIAISON_HEADS_INTERVAL_MS');
    assert.equal(envName('name'), 'LIAISON_NAME');
  });
});

describe('parseDuration', () => {
  const valid: [string, number][] = [
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1_500],
    ['30m', 1_800_000],
    ['3h', 10_800_000],
    ['1d', 86_400_000],
    [' 6h ', 21_600_000],
  ];
  for (const [text, ms] of valid) {
    it(`${JSON.stringify(text)} → ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  }
  for (const text of ['', '10', 's', '-1s', '10 s', '10sec', '1e3ms', 'ten minutes']) {
    it(`${JSON.stringify(text)} → ConfigError`, () => {
      assert.throws(
        () => parseDuration(text),
        configError(/is not a duration \(use e\.g\. 500ms, 10s, 30m, 3h\)/),
      );
    });
  }
});

describe('parseDeadlines [HOT2]', () => {
  it('[HOT2] empty text gives the defaults: 10 min, 30 min, 3 h, 6 h', () => {
    assert.deepEqual(parseDeadlines(''), {
      FLASH: 600_000,
      IMMEDIATE: 1_800_000,
      PRIORITY: 10_800_000,
      ROUTINE: 21_600_000,
    });
  });

  it('[HOT2] FLASH=10s,IMMEDIATE=30s,PRIORITY=3h,ROUTINE=6h', () => {
    assert.deepEqual(parseDeadlines('FLASH=10s,IMMEDIATE=30s,PRIORITY=3h,ROUTINE=6h'), {
      FLASH: 10_000,
      IMMEDIATE: 30_000,
      PRIORITY: 10_800_000,
      ROUTINE: 21_600_000,
    });
  });

  it('[HOT2] a partial list overrides only the precedences it names; spaces are allowed', () => {
    assert.deepEqual(parseDeadlines(' FLASH = 5m , ,ROUTINE=12h'), {
      FLASH: 300_000,
      IMMEDIATE: 1_800_000,
      PRIORITY: 10_800_000,
      ROUTINE: 43_200_000,
    });
  });

  const bad: [string, RegExp][] = [
    ['FLASH', /"FLASH" is not PRECEDENCE=DURATION with one of FLASH, IMMEDIATE, PRIORITY, ROUTINE/],
    ['URGENT=10s', /"URGENT=10s" is not PRECEDENCE=DURATION/],
    ['flash=10s', /"flash=10s" is not PRECEDENCE=DURATION/],
    ['FLASH=', /"FLASH=" is not PRECEDENCE=DURATION/],
    ['FLASH=10 minutes', /"10 minutes" is not a duration/],
    ['FLASH=10s;IMMEDIATE=30s', /is not a duration/],
  ];
  for (const [text, pattern] of bad) {
    it(`[HOT2] ${JSON.stringify(text)} → ConfigError`, () => {
      assert.throws(() => parseDeadlines(text), configError(pattern));
    });
  }
});

describe('ICE servers for calls [CALL3]', () => {
  const turn = { urls: 'turn:turn.example.org:3478?transport=udp', username: 'u', credential: 'p' };

  it('[CALL3] LIAISON_ICE_SERVERS is the JSON list RTCPeerConnection takes; the policy may be relay', () => {
    const config = loadConfig(folder(), {
      LIAISON_ICE_SERVERS: JSON.stringify([turn, { urls: ['stun:stun.example.org:3478'] }]),
      LIAISON_ICE_TRANSPORT_POLICY: 'relay',
    });
    assert.deepEqual(config.iceServers, [turn, { urls: ['stun:stun.example.org:3478'] }]);
    assert.equal(config.iceTransportPolicy, 'relay');
  });

  it('[CALL3] config.json may hold the list as JSON; none by default', () => {
    assert.deepEqual(loadConfig(folder({ ...BASE, iceServers: [turn] }), {}).iceServers, [turn]);
    const plain = loadConfig(folder(), {});
    assert.equal(plain.iceServers, undefined);
    assert.equal(plain.iceTransportPolicy, undefined);
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['not JSON', { LIAISON_ICE_SERVERS: 'turn:127.0.0.1:3478' }, /iceServers: .*expected array/],
    ['an object, not a list', { LIAISON_ICE_SERVERS: JSON.stringify(turn) }, /iceServers: .*expected array/],
    [
      'a URL that is not stun: or turn:',
      { LIAISON_ICE_SERVERS: '[{"urls": "http://turn.example.org"}]' },
      /iceServers\.0\.urls: .*a stun:, stuns:, turn: or turns: URL/,
    ],
    [
      'an unknown key (a typo)',
      { LIAISON_ICE_SERVERS: '[{"urls": "turn:x", "password": "p"}]' },
      /iceServers\.0.*password/,
    ],
    ['an unknown policy', { LIAISON_ICE_TRANSPORT_POLICY: 'none' }, /iceTransportPolicy/],
  ];
  for (const [what, env, pattern] of bad) {
    it(`[CALL3] ${what} → ConfigError naming the key`, () => {
      assert.throws(() => loadConfig(folder(), env), configError(pattern));
    });
  }
});
