/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), the signed bytes of the record (LOG3).
 *
 * - Object properties are sorted by their names as arrays of UTF-16 code units (RFC 8785
 *   §3.2.3), which is exactly the default order of `Array.prototype.sort` on strings.
 * - Numbers are serialized as ECMAScript's Number::toString (§3.2.2.3), which is `String(n)`
 *   for a finite number and turns -0 into "0" as the RFC requires.
 * - Strings are escaped as §3.2.2.2 says: `JSON.stringify` of a well-formed string produces
 *   exactly that escaping (`\b \t \n \f \r \" \\`, other controls as lowercase `\u00xx`);
 *   strings with nothing to escape, the common case, are simply quoted.
 * - No whitespace; the result is meant to be UTF-8 encoded (`canonicalBytes`).
 *
 * This faces untrusted input, so where `JSON.stringify` would silently drop or coerce it throws
 * a `CanonicalizationError` instead: undefined, functions, symbols, bigints, NaN and the
 * infinities, lone surrogates (I-JSON, RFC 7493 §2.1), holes in arrays, objects that are not
 * plain (class instances, Dates, Maps…), cycles, and nesting deeper than `MAX_DEPTH`.
 *
 * Browser-safe: no Node built-ins.
 */

/** Deepest nesting of arrays and objects accepted; deeper input is refused rather than overflowing the stack. */
export const MAX_DEPTH = 256;

/** Thrown when a value has no RFC 8785 canonical form. `path` locates the offending part, e.g. `$.body.items[2]`. */
export class CanonicalizationError extends Error {
  override readonly name = 'CanonicalizationError';
  readonly path: string;

  constructor(message: string, path: string) {
    super(`${message} at ${path}`);
    this.path = path;
  }
}

/** Matches a lone surrogate: with the `u` flag, a proper surrogate pair is one code point and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Characters RFC 8785 §3.2.2.2 escapes: the quote, the backslash and the C0 controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the C0 controls is the point: RFC 8785 escapes them.
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

const utf8 = new TextEncoder();

/** Returns the RFC 8785 canonical JSON text of `value`; throws `CanonicalizationError` if it has none. */
export function canonicalize(value: unknown): string {
  return new Serializer().value(value);
}

/** Returns the UTF-8 bytes of `canonicalize(value)`: the bytes that are hashed and signed (LOG2, LOG3). */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalize(value));
}

/**
 * One serialization. The path to the current value is kept as a stack of keys and indexes and
 * only rendered when an error is thrown, so the common case pays nothing for it.
 */
class Serializer {
  readonly #path: (string | number)[] = [];
  readonly #ancestors = new Set<object>();

  value(value: unknown): string {
    switch (typeof value) {
      case 'string':
        return this.#string(value);
      case 'number':
        if (!Number.isFinite(value)) throw this.#error(`${value} is not a JSON number`);
        // Number::toString, as RFC 8785 §3.2.2.3 requires (String(-0) is "0").
        return String(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'object':
        if (value === null) return 'null';
        return this.#container(value);
      default:
        throw this.#error(`a ${typeof value} is not a JSON value`);
    }
  }

  #error(message: string): CanonicalizationError {
    let path = '$';
    for (const step of this.#path) {
      path +=
        typeof step === 'number'
          ? `[${step}]`
          : /^[A-Za-z_$][\w$]*$/.test(step)
            ? `.${step}`
            : `[${JSON.stringify(step)}]`;
    }
    return new CanonicalizationError(message, path);
  }

  #string(text: string): string {
    if (LONE_SURROGATE.test(text)) throw this.#error('lone surrogate in string');
    // Most strings need no escape; JSON.stringify is several times slower than this test.
    return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
  }

  #container(value: object): string {
    if (this.#path.length >= MAX_DEPTH) throw this.#error(`nesting deeper than ${MAX_DEPTH}`);
    if (this.#ancestors.has(value)) throw this.#error('cycle');
    this.#ancestors.add(value);
    const text = Array.isArray(value) ? this.#array(value) : this.#object(value);
    this.#ancestors.delete(value);
    return text;
  }

  #array(items: unknown[]): string {
    let out = '[';
    for (let index = 0; index < items.length; index++) {
      this.#path.push(index);
      if (!(index in items)) throw this.#error('hole in array');
      if (index > 0) out += ',';
      out += this.value(items[index]);
      this.#path.pop();
    }
    return `${out}]`;
  }

  #object(value: object): string {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) throw this.#error('not a plain object');
    if (Object.getOwnPropertySymbols(value).length > 0) throw this.#error('symbol-keyed property');
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
    const keys = Object.keys(record).sort();
    let out = '{';
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] ?? '';
      this.#path.push(key);
      if (index > 0) out += ',';
      out += `${this.#string(key)}:${this.value(record[key])}`;
      this.#path.pop();
    }
    return `${out}}`;
  }
}
