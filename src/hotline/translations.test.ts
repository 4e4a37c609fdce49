/**
 * Translations (HOT6) on a real ledger pair: an interpreter's translation of a free-text
 * message is a signed event on the message's line that the peer holds with its author;
 * phrasebook messages and unknown messages are refused; bodies that do not read are ignored.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime } from '../core/clock.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { closeStores, LINE, makeLedgerPair, post, sync, T0 } from '../record/testLedgers.ts';
import {
  latestPerLanguage,
  MESSAGE_TRANSLATED,
  readTranslation,
  type Translation,
  type TranslationError,
  Translations,
} from './translations.ts';

afterEach(closeStores);

const MESSAGE_ID = 'm'.repeat(43);

function translated(body: Record<string, unknown>): LiaisonEvent {
  return {
    v: 1,
    line: LINE,
    origin: 'bravo',
    seq: 3,
    prev: null,
    clock: 3,
    deps: {},
    ts: isoTime(T0),
    author: 'interpreter@bravo',
    type: MESSAGE_TRANSLATED,
    body: body as LiaisonEvent['body'],
    sig: '',
    id: 't'.repeat(43),
  };
}

describe('reading translations [HOT6]', () => {
  const good = { message: MESSAGE_ID, language: 'ja', text: '了解しました' };
  const cases: { what: string; body: Record<string, unknown>; ok: boolean }[] = [
    { what: 'a translation', body: good, ok: true },
    { what: 'one in a language we do not have', body: { ...good, language: 'fr' }, ok: false },
    { what: 'one with blank text', body: { ...good, text: '  ' }, ok: false },
    { what: 'one naming no message', body: { ...good, message: 'short' }, ok: false },
    { what: 'one whose text is too long', body: { ...good, text: 'x'.repeat(16_001) }, ok: false },
    { what: 'one whose text is not text', body: { ...good, text: 42 }, ok: false },
  ];
  for (const c of cases) {
    it(`[HOT6] ${c.what} is ${c.ok ? 'read' : 'ignored'}`, () => {
      assert.equal(readTranslation(translated(c.body)) !== null, c.ok);
    });
  }

  it('[HOT6] the latest translation per language is shown; earlier ones stay listed', () => {
    const t = (language: 'en' | 'zh' | 'ja', text: string, seconds: number): Translation => ({
      id: `${text}`.padEnd(43, 'x'),
      message: MESSAGE_ID,
      language,
      text,
      author: 'interpreter@bravo',
      at: isoTime(T0 + seconds * 1000),
    });
    const all = [t('ja', 'first', 1), t('zh', 'zh one', 2), t('ja', 'second', 3)];
    assert.deepEqual(
      latestPerLanguage(all).map((x) => [x.language, x.text]),
      [
        ['ja', 'second'],
        ['zh', 'zh one'],
      ],
    );
  });
});

describe('adding translations [HOT6]', () => {
  it('[HOT6] a translation is a signed event on the message’s line; the peer holds it with its author', async () => {
    const { alpha, bravo, clock } = await makeLedgerPair();
    const original = await post(alpha, 'Request you keep clear of the exercise area');
    await sync(alpha, bravo);
    const atBravo = new Translations({ ledger: bravo.ledger, store: bravo.store });
    clock.advance(30_000);
    const first = await atBravo.add(original.event.id, 'interpreter@bravo', 'zh', '请您远离演习区域');
    clock.advance(30_000);
    await atBravo.add(original.event.id, 'interpreter@bravo', 'zh', '请贵方远离演习区域');
    assert.equal(first.event.type, MESSAGE_TRANSLATED);
    assert.equal(first.event.line, LINE);
    assert.equal(first.event.origin, 'bravo');
    await sync(bravo, alpha);
    const atAlpha = new Translations({ ledger: alpha.ledger, store: alpha.store });
    const held = await atAlpha.of(original.event.id);
    assert.deepEqual(
      held.map((x) => [x.author, x.language, x.text]),
      [
        ['interpreter@bravo', 'zh', '请您远离演习区域'],
        ['interpreter@bravo', 'zh', '请贵方远离演习区域'],
      ],
    );
    assert.equal(latestPerLanguage(held)[0]?.text, '请贵方远离演习区域');
  });

  it('[HOT6] a phrasebook message is not translated: it is shown in each reader’s language already', async () => {
    const { alpha } = await makeLedgerPair();
    const templated = await alpha.ledger.append(LINE, 'officer@alpha', 'message.posted', {
      text: 'Radio check',
      template: 'link.radio-check',
      params: {},
      precedence: 'ROUTINE',
      deadline: isoTime(T0 + 3_600_000),
    });
    const translations = new Translations({ ledger: alpha.ledger, store: alpha.store });
    await assert.rejects(
      translations.add(templated.event.id, 'interpreter@alpha', 'ja', '無線チェック'),
      (e: TranslationError) => e.code === 'templated-message',
    );
  });

  it('[HOT6] an unknown message, or an event that is not a message, has no translations', async () => {
    const { alpha, genesis } = await makeLedgerPair();
    const translations = new Translations({ ledger: alpha.ledger, store: alpha.store });
    for (const id of [MESSAGE_ID, genesis.event.id]) {
      await assert.rejects(
        translations.add(id, 'interpreter@alpha', 'ja', 'テスト'),
        (e: TranslationError) => e.code === 'unknown-message',
      );
      await assert.rejects(translations.of(id), (e: TranslationError) => e.code === 'unknown-message');
    }
  });

  it('[HOT6] a closed line takes no translation', async () => {
    const { alpha } = await makeLedgerPair();
    const original = await post(alpha, 'hello');
    const translations = new Translations({
      ledger: alpha.ledger,
      store: alpha.store,
      isLineClosed: () => true,
    });
    await assert.rejects(
      translations.add(original.event.id, 'interpreter@alpha', 'ja', 'こんにちは'),
      (e: TranslationError) => e.code === 'line-closed',
    );
  });
});
