/**
 * A small ICU MessageFormat (CON4), enough for the console's strings and written here so the
 * console carries no formatting library:
 *
 * - `{name}`: the parameter's value as written;
 * - `{count, plural, =0 {…} one {…} other {…}}`: the branch chosen by `Intl.PluralRules` for
 *   the locale (an exact `=n` first); inside it `#` is the number, formatted for the locale;
 * - `{kind, select, a {…} b {…} other {…}}`: the branch named by the value, else `other`;
 * - branches nest (a select inside a plural, and so on);
 * - apostrophes quote, as in ICU: `''` is one apostrophe, and `'{…}'` is literal text; an
 *   apostrophe before anything else is itself (so "don't" needs no escaping).
 *
 * Not supported (a parse error says so): `number`, `date`, `time`, `selectordinal`, plural
 * `offset:`. A parameter missing at format time stays visible as `{name}`, so a slip shows
 * on screen instead of vanishing.
 *
 * `parseMessage` returns a result rather than throwing: the console's tables are checked by
 * tests, and a table that does not parse is shown as written rather than breaking the screen.
 */

/** One piece of a parsed message. */
export type MessagePart =
  | { kind: 'text'; value: string }
  | { kind: 'argument'; name: string }
  | { kind: 'pound' }
  | { kind: 'plural'; name: string; branches: Readonly<Record<string, readonly MessagePart[]>> }
  | { kind: 'select'; name: string; branches: Readonly<Record<string, readonly MessagePart[]>> };

/** A parsed message, or why it does not parse. */
export type ParseResult =
  | { ok: true; parts: readonly MessagePart[] }
  | { ok: false; error: string; offset: number };

/** Values for a message's arguments. */
export type MessageParams = Readonly<Record<string, string | number>>;

const PLURAL_CATEGORIES = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

/** Raised inside the parser only; `parseMessage` turns it into a result. */
class MessageSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'MessageSyntaxError';
  }
}

/** A recursive-descent parser over one message's text. */
class Parser {
  private at = 0;

  constructor(private readonly source: string) {}

  parse(): MessagePart[] {
    const parts = this.parts(false);
    if (this.at < this.source.length) this.fail('an unmatched “}”');
    return parts;
  }

  private fail(what: string): never {
    throw new MessageSyntaxError(`${what} at ${this.at}`, this.at);
  }

  /** Text and arguments up to an unmatched `}` or the end; `#` is special inside a plural. */
  private parts(inPlural: boolean): MessagePart[] {
    const parts: MessagePart[] = [];
    let text = '';
    const flush = () => {
      if (text !== '') parts.push({ kind: 'text', value: text });
      text = '';
    };
    while (this.at < this.source.length) {
      const char = this.source[this.at] ?? '';
      if (char === '}') break;
      if (char === '{') {
        flush();
        parts.push(this.argument(inPlural));
      } else if (char === '#' && inPlural) {
        flush();
        parts.push({ kind: 'pound' });
        this.at += 1;
      } else if (char === "'") {
        text += this.quoted(inPlural);
      } else {
        text += char;
        this.at += 1;
      }
    }
    flush();
    return parts;
  }

  /** What an apostrophe at `at` stands for, consuming it (ICU's quoting rules). */
  private quoted(inPlural: boolean): string {
    const next = this.source[this.at + 1];
    if (next === "'") {
      this.at += 2;
      return "'";
    }
    const isSyntax = next === '{' || next === '}' || (inPlural && next === '#');
    if (!isSyntax) {
      this.at += 1;
      return "'";
    }
    // Literal text up to the closing apostrophe, where '' is still one apostrophe.
    let literal = '';
    this.at += 1;
    while (this.at < this.source.length) {
      const char = this.source[this.at] ?? '';
      if (char === "'") {
        if (this.source[this.at + 1] === "'") {
          literal += "'";
          this.at += 2;
          continue;
        }
        this.at += 1;
        return literal;
      }
      literal += char;
      this.at += 1;
    }
    return literal;
  }

  private skipSpace(): void {
    while (/\s/.test(this.source[this.at] ?? '')) this.at += 1;
  }

  private word(what: string): string {
    this.skipSpace();
    const match = /^[^\s{}#,']+/.exec(this.source.slice(this.at));
    if (match === null) this.fail(`expected ${what}`);
    this.at += match[0].length;
    this.skipSpace();
    return match[0];
  }

  private expect(char: string): void {
    if (this.source[this.at] !== char) this.fail(`expected “${char}”`);
    this.at += 1;
  }

  /**
   * `{name}`, `{name, plural, …}` or `{name, select, …}`, with `at` on the `{`. A select inside
   * a plural keeps `#` as the plural's number, as ICU does.
   */
  private argument(inPlural: boolean): MessagePart {
    this.at += 1;
    const name = this.word('an argument name');
    if (!/^\w+$/.test(name)) this.fail(`“${name}” is not an argument name`);
    if (this.source[this.at] === '}') {
      this.at += 1;
      return { kind: 'argument', name };
    }
    this.expect(',');
    const type = this.word('plural or select');
    if (type !== 'plural' && type !== 'select') this.fail(`the argument type “${type}” is not supported`);
    this.expect(',');
    const branches: Record<string, readonly MessagePart[]> = {};
    this.skipSpace();
    while (this.source[this.at] !== '}') {
      if (this.at >= this.source.length) this.fail(`“{${name}, ${type}” is not closed`);
      const key = this.word('a branch key');
      const isValidKey =
        type === 'select' ? /^[\w-]+$/.test(key) : PLURAL_CATEGORIES.has(key) || /^=\d+$/.test(key);
      if (!isValidKey) this.fail(`“${key}” is not a ${type} key`);
      if (key in branches) this.fail(`the branch “${key}” is given twice`);
      this.expect('{');
      branches[key] = this.parts(inPlural || type === 'plural');
      this.expect('}');
      this.skipSpace();
    }
    if (!('other' in branches)) this.fail(`“{${name}, ${type}” has no “other” branch`);
    this.at += 1;
    return { kind: type, name, branches };
  }
}

/** Parses a message; never throws. */
export function parseMessage(source: string): ParseResult {
  try {
    return { ok: true, parts: new Parser(source).parse() };
  } catch (error) {
    if (error instanceof MessageSyntaxError) return { ok: false, error: error.message, offset: error.offset };
    throw error;
  }
}

/** The argument names a message uses (plural and select selectors included), sorted, each once. */
export function argumentNames(parts: readonly MessagePart[]): string[] {
  const names = new Set<string>();
  const visit = (list: readonly MessagePart[]) => {
    for (const part of list) {
      if (part.kind === 'argument') names.add(part.name);
      if (part.kind === 'plural' || part.kind === 'select') {
        names.add(part.name);
        for (const branch of Object.values(part.branches)) visit(branch);
      }
    }
  };
  visit(parts);
  return [...names].sort();
}

const pluralRules = new Map<string, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function rulesFor(locale: string): Intl.PluralRules {
  let rules = pluralRules.get(locale);
  if (rules === undefined) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return rules;
}

function numberFormatFor(locale: string): Intl.NumberFormat {
  let format = numberFormats.get(locale);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale);
    numberFormats.set(locale, format);
  }
  return format;
}

function pluralBranch(
  branches: Readonly<Record<string, readonly MessagePart[]>>,
  value: number,
  locale: string,
): readonly MessagePart[] {
  return branches[`=${value}`] ?? branches[rulesFor(locale).select(value)] ?? branches.other ?? [];
}

/** Fills a parsed message with `params`, choosing plural forms by `locale`'s rules. */
export function formatParts(
  parts: readonly MessagePart[],
  params: MessageParams,
  locale: string,
  pound: number | null = null,
): string {
  let out = '';
  for (const part of parts) {
    switch (part.kind) {
      case 'text':
        out += part.value;
        break;
      case 'pound':
        out += pound === null ? '#' : numberFormatFor(locale).format(pound);
        break;
      case 'argument': {
        const value = params[part.name];
        out += value === undefined ? `{${part.name}}` : String(value);
        break;
      }
      case 'plural': {
        const value = Number(params[part.name]);
        if (params[part.name] === undefined || !Number.isFinite(value)) {
          out += `{${part.name}}`;
          break;
        }
        out += formatParts(pluralBranch(part.branches, value, locale), params, locale, value);
        break;
      }
      case 'select': {
        const value = params[part.name];
        if (value === undefined) {
          out += `{${part.name}}`;
          break;
        }
        const branch = part.branches[String(value)] ?? part.branches.other ?? [];
        out += formatParts(branch, params, locale, pound);
        break;
      }
    }
  }
  return out;
}

/** Parses and formats in one step; a message that does not parse comes back as written. */
export function formatMessage(source: string, params: MessageParams, locale: string): string {
  const parsed = parseMessage(source);
  return parsed.ok ? formatParts(parsed.parts, params, locale) : source;
}
