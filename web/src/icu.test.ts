import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argumentNames, formatMessage, parseMessage } from './icu.ts';

describe('the ICU message subset', () => {
  it('[CON4] fills simple arguments and leaves a missing one visible', () => {
    assert.equal(
      formatMessage('Link to {peer}: {state}', { peer: 'Bravo', state: 'UP' }, 'en-GB'),
      'Link to Bravo: UP',
    );
    assert.equal(
      formatMessage('Link to {peer}: {state}', { peer: 'Bravo' }, 'en-GB'),
      'Link to Bravo: {state}',
    );
    assert.equal(formatMessage('{n} ms', { n: 0 }, 'en-GB'), '0 ms');
  });

  it('[CON4] chooses the plural form by the locale’s rules, exact values first, # as the number', () => {
    const message = '{count, plural, =0 {none queued} one {# message queued} other {# messages queued}}';
    assert.equal(formatMessage(message, { count: 0 }, 'en-GB'), 'none queued');
    assert.equal(formatMessage(message, { count: 1 }, 'en-GB'), '1 message queued');
    assert.equal(formatMessage(message, { count: 1234 }, 'en-GB'), '1,234 messages queued');
    // Japanese has one plural form: `other` answers for 1 as well.
    const ja = '{count, plural, one {ONE} other {#件}}';
    assert.equal(formatMessage(ja, { count: 1 }, 'ja-JP'), '1件');
    assert.equal(formatMessage('{count, plural, other {# more}}', { count: '3' }, 'en-GB'), '3 more');
  });

  it('[CON4] a plural or select whose argument is missing stays visible by name', () => {
    assert.equal(formatMessage('Queue: {count, plural, one {#} other {#}}', {}, 'en-GB'), 'Queue: {count}');
    assert.equal(formatMessage('{kind, select, a {A} other {B}}!', {}, 'en-GB'), '{kind}!');
    assert.equal(formatMessage('{count, plural, other {#}}', { count: 'many' }, 'en-GB'), '{count}');
  });

  it('[CON4] select picks the named branch, else other', () => {
    const message = '{side, select, sender {our message} receiver {their message} other {a message}}';
    assert.equal(formatMessage(message, { side: 'sender' }, 'en-GB'), 'our message');
    assert.equal(formatMessage(message, { side: 'receiver' }, 'en-GB'), 'their message');
    assert.equal(formatMessage(message, { side: 'bystander' }, 'en-GB'), 'a message');
  });

  it('[CON4] a select nested in a plural keeps # and other arguments', () => {
    const message =
      '{count, plural, one {# {kind, select, flash {FLASH} other {message}} from {peer}} other {# {kind, select, flash {FLASH messages} other {messages}} from {peer}}}';
    assert.equal(
      formatMessage(message, { count: 1, kind: 'flash', peer: 'Bravo' }, 'en-GB'),
      '1 FLASH from Bravo',
    );
    assert.equal(
      formatMessage(message, { count: 2, kind: 'x', peer: 'Bravo' }, 'en-GB'),
      '2 messages from Bravo',
    );
    assert.deepEqual(argumentNames(expectParts(message)), ['count', 'kind', 'peer']);
  });

  it('[CON4] apostrophes quote syntax, double apostrophes are one, a lone one is itself', () => {
    assert.equal(formatMessage("Type '{name}' here", { name: 'x' }, 'en-GB'), 'Type {name} here');
    assert.equal(formatMessage("It''s {name}", { name: 'up' }, 'en-GB'), "It's up");
    assert.equal(formatMessage("don't stop {name}", { name: 'now' }, 'en-GB'), "don't stop now");
    assert.equal(formatMessage("{n, plural, other {'#' is #}}", { n: 5 }, 'en-GB'), '# is 5');
    assert.equal(formatMessage('# outside a plural', {}, 'en-GB'), '# outside a plural');
  });

  it('[CON4] bad syntax is an error value with its offset, and formatting shows it as written', () => {
    const bad = [
      'Link {peer',
      'Link {peer}}',
      '{count, plural, one {#}}',
      '{count, number}',
      '{count, plural, lots {#} other {#}}',
      '{kind, select, a {A} a {B} other {C}}',
      '{kind, select, a A other {C}}',
      '{, select, other {C}}',
    ];
    for (const source of bad) {
      const parsed = parseMessage(source);
      assert.equal(parsed.ok, false, source);
      if (!parsed.ok) assert.ok(parsed.offset >= 0 && parsed.offset <= source.length, source);
      assert.equal(formatMessage(source, { count: 1, kind: 'a', peer: 'p' }, 'en-GB'), source);
    }
  });

  it('[CON4] lists the arguments a message uses, selectors included', () => {
    assert.deepEqual(argumentNames(expectParts('{b} and {a} and {b}')), ['a', 'b']);
    assert.deepEqual(argumentNames(expectParts('{n, plural, other {# of {total}}}')), ['n', 'total']);
    assert.deepEqual(argumentNames(expectParts('no arguments')), []);
  });
});

function expectParts(source: string) {
  const parsed = parseMessage(source);
  if (!parsed.ok) throw new Error(`${source}: ${parsed.error}`);
  return parsed.parts;
}
