import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CanonicalizationError, canonicalBytes, canonicalize, MAX_DEPTH } from './canonical.ts';

/** The IEEE 754 double whose bits are `hex` (RFC 8785 Appendix B gives its samples this way). */
function doubleFromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

function shuffleKeysDeep(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeysDeep(item, seed));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  // Reverse or rotate depending on the seed: a different insertion order, same members.
  const reordered = seed % 2 === 0 ? entries.reverse() : [...entries.slice(1), ...entries.slice(0, 1)];
  const out: Record<string, unknown> = {};
  for (const [key, item] of reordered) {
    Object.defineProperty(out, key, {
      value: shuffleKeysDeep(item, seed + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDFFF]/u.test(text);
}

describe('canonicalize (RFC 8785)', () => {
  it('[LOG3] canonicalizes the RFC 8785 §3.2.2 sample (numbers, string escapes, literals)', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "€$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
    assert.equal(canonicalize(JSON.parse(input)), expected);
  });

  it('[LOG3] encodes the canonical text as UTF-8 without BOM (RFC 8785 §3.2.4)', () => {
    assert.deepEqual([...canonicalBytes({ euro: '€' })], [...Buffer.from('{"euro":"€"}', 'utf8')]);
    assert.deepEqual([...canonicalBytes('€')], [0x22, 0xe2, 0x82, 0xac, 0x22]);
  });

  it('[LOG3] sorts properties by UTF-16 code units (RFC 8785 §3.2.3 sample)', () => {
    const input = String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`;
    const canonical = canonicalize(JSON.parse(input));
    const values = Object.values(JSON.parse(canonical) as Record<string, string>);
    // JSON.parse puts "1" first (integer-like keys), so read the order from the text itself.
    const order = [...canonical.matchAll(/:"([^"]+)"/g)].map((match) => match[1]);
    assert.deepEqual(order, [
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
    assert.equal(values.length, 7);
    assert.ok(canonical.startsWith('{"\\r":"Carriage Return","1":"One","\u0080":"Control"'));
  });

  it('[LOG3] serializes numbers as RFC 8785 Appendix B lists', () => {
    const samples: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, expected] of samples) assert.equal(canonicalize(doubleFromBits(bits)), expected, bits);
    const literals: [number, string][] = [
      [-0, '0'],
      [1e21, '1e+21'],
      [1e-7, '1e-7'],
      [4.35, '4.35'],
      [0.000001, '0.000001'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [295147905179352830000, '295147905179352830000'],
    ];
    for (const [value, expected] of literals) assert.equal(canonicalize(value), expected, String(value));
  });

  it('[LOG3] refuses NaN and the infinities (RFC 8785 Appendix B: "must cause an error")', () => {
    for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
      assert.throws(() => canonicalize(doubleFromBits(bits)), CanonicalizationError);
    }
  });

  it('[LOG3] throws CanonicalizationError for values JSON.stringify would drop or coerce', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    let deep: unknown = 1;
    for (let depth = 0; depth <= MAX_DEPTH; depth++) deep = [deep];
    const holey: unknown[] = [1];
    holey[2] = 3;
    class Point {
      x = 1;
    }
    const refused: [string, unknown][] = [
      ['undefined', undefined],
      ['undefined property', { a: undefined }],
      ['undefined item', [undefined]],
      ['function', () => 1],
      ['function property', { toJSON: () => 'x' }],
      ['bigint', 1n],
      ['symbol', Symbol('s')],
      ['NaN', Number.NaN],
      ['Infinity property', { a: Number.POSITIVE_INFINITY }],
      ['Date', new Date(0)],
      ['Map', new Map()],
      ['class instance', new Point()],
      ['boxed string', Object('x')],
      ['hole', holey],
      ['cycle', cyclic],
      ['symbol key', { [Symbol('k')]: 1 }],
      ['lone high surrogate', '\ud800'],
      ['lone low surrogate in a key', { '\udc00': 1 }],
      ['too deep', deep],
    ];
    for (const [what, value] of refused) {
      assert.throws(() => canonicalize(value), CanonicalizationError, what);
    }
  });

  it('[LOG3] names where the offending value is', () => {
    assert.throws(
      () => canonicalize({ body: { items: [1, 2, Number.NaN] } }),
      (error: unknown) => error instanceof CanonicalizationError && error.path === '$.body.items[2]',
    );
  });

  it('[LOG3] accepts null-prototype objects, surrogate pairs, and the same value shared twice', () => {
    const bare: Record<string, unknown> = Object.create(null);
    bare.b = 1;
    bare.a = 2;
    assert.equal(canonicalize(bare), '{"a":2,"b":1}');
    assert.equal(canonicalize('\ud83d\ude00'), '"😀"');
    const shared = { x: 1 };
    assert.equal(canonicalize([shared, shared]), '[{"x":1},{"x":1}]');
  });

  it('[LOG3] escapes control characters in lowercase hex and leaves other characters as they are', () => {
    assert.equal(
      canonicalize('\u0000\u001f\b\t\n\f\r"\\/\u007f\u00e9'),
      `${String.raw`"\u0000\u001f\b\t\n\f\r\"\\/`}\u007fé"`,
    );
  });

  it('[LOG3] is a fixed point, and ignores property insertion order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
        const canonical = canonicalize(value);
        assert.equal(canonicalize(JSON.parse(canonical)), canonical);
        assert.equal(canonicalize(shuffleKeysDeep(value, seed)), canonical);
      }),
    );
  });

  it('[LOG3] equals JSON.stringify of the same value with keys sorted, for well-formed strings', () => {
    const sortDeep = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(sortDeep);
      if (typeof value !== 'object' || value === null) return value;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value).sort()) {
        Object.defineProperty(out, key, {
          value: sortDeep((value as Record<string, unknown>)[key]),
          enumerable: true,
        });
      }
      return out;
    };
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
        const text = JSON.stringify(value);
        fc.pre(isWellFormed(text));
        // Integer-like keys are enumerated first by JSON.stringify, whatever their order; skip those.
        fc.pre(!/"\d+":/.test(text));
        assert.equal(canonicalize(value), JSON.stringify(sortDeep(value)));
      }),
    );
  });
});
