import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testEvent } from '../testEvents.ts';
import { readTranslationEvent, translationsByMessage } from './TranslationContext.tsx';

const MESSAGE = 'alpha-2-c2';

function translated(seq: number, ts: string, language: string, text: string | number) {
  const event = testEvent('bravo', seq, seq, 'message.translated', { message: MESSAGE, language, text });
  return { ...event, ts, author: 'interpreter@bravo' };
}

describe('translations in the console [HOT6]', () => {
  it('[HOT6] the latest translation per language is shown, with its interpreter', () => {
    const events = [
      translated(2, '2026-11-26T21:00:00.000Z', 'ja', '最初'),
      translated(3, '2026-11-26T21:05:00.000Z', 'zh', '中文'),
      translated(4, '2026-11-26T21:10:00.000Z', 'ja', '二番目'),
    ];
    const shown = translationsByMessage(events).get(MESSAGE) ?? [];
    assert.deepEqual(
      shown.map((x) => [x.language, x.text, x.author]),
      [
        ['ja', '二番目', 'interpreter@bravo'],
        ['zh', '中文', 'interpreter@bravo'],
      ],
    );
  });

  it('[HOT6] a translation whose body does not read is not shown', () => {
    for (const [language, text] of [
      ['fr', 'bonjour'],
      ['ja', ''],
      ['ja', 42],
    ] as const) {
      assert.equal(readTranslationEvent(translated(2, '2026-11-26T21:00:00.000Z', language, text)), null);
    }
  });
});
