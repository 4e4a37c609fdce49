import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { argumentNames, parseMessage } from './icu.ts';
import {
  currentLanguage,
  currentLocale,
  formatList,
  type Language,
  STRING_TABLES,
  type StringKey,
  setLanguage,
  subscribeLanguage,
  t,
} from './strings.ts';

const HAN = /\p{Script=Han}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * Strings that stay as in English in every language, and why: the product's name; the NATO
 * precedence prowords, which both desks speak as they are; and pure layouts of other strings
 * (separators, a value with its unit symbol).
 */
const SAME_IN_EVERY_LANGUAGE = new Set<StringKey>([
  'app.title',
  'precedence.FLASH',
  'precedence.IMMEDIATE',
  'precedence.PRIORITY',
  'precedence.ROUTINE',
  'state.separator',
  'time.dual',
  'time.utc',
  'header.user',
  'phrasebook.param.other',
  'reliability.none',
]);

/** Layouts of other strings that differ from the English by punctuation alone. */
const LAYOUT_ONLY = new Set<StringKey>(['link.queueWithOldest', 'encounters.detail.communication']);

/**
 * Japanese labels written in kanji alone, as Japanese interfaces write short nouns; any other
 * Japanese string must have kana, or it may be Chinese pasted in.
 */
const JAPANESE_KANJI_ONLY = new Set<StringKey>([
  'role.admin',
  'role.supervisor',
  'role.officer',
  'role.interpreter',
  'link.up',
  'link.degraded',
  'link.down',
  'drills.sentAt',
  'drills.sentBy',
  'calls.voice',
  'calls.logWhen',
  'calls.logFrom',
  'calls.logMedia',
  'calls.logAnsweredBy',
  'calls.logDuration',
  'calls.logResult',
  'calls.notAnswered',
  'calls.inProgress',
  'drills.result',
  'lines.heading',
  'lines.kind.hotline',
  'messages.lineOpened',
  'compose.text',
  'compose.precedence',
  'compose.send',
  'header.language',
  'phrasebook.template',
  'phrasebook.param.distance',
  'phrasebook.param.duration',
  'phrasebook.param.bearing',
  'phrasebook.param.course',
  'time.seconds',
  'time.minutes',
  'time.hoursMinutes',
  'time.offsetSeconds',
  'header.reliability',
  'reliability.title',
  'reliability.period',
  'reliability.thisMonth',
  'reliability.lastMonth',
  'reliability.firstDay',
  'reliability.lastDay',
  'reliability.view',
  'reliability.up',
  'reliability.down',
  'reliability.unknown',
  'reliability.direction',
  'reliability.both',
  'reliability.messages',
  'reliability.overdue',
  'reliability.precedence',
  'reliability.median',
  'reliability.drillsValue',
  'reliability.above',
  'reliability.upTo',
  'time.in',
  'time.ago',
  'duty.label',
  'translation.text',
  'state.seen',
  'link.rttUnknown',
  'link.refusalCode',
  'state.seenNotAcked',
  'state.overdueNotAcknowledged',
  'ack.reply',
  'flash.label',
  'phrasebook.param.time',
  // Encounters (ENC1): short nouns and labels of the report form and the board.
  'encounters.heading',
  'encounters.severityLabel',
  'encounters.domain.sea',
  'encounters.domain.air',
  'encounters.severity.low',
  'encounters.severity.medium',
  'encounters.severity.high',
  'encounters.severity.critical',
  'encounters.state.consultation',
  'encounters.state.closed',
  'encounters.comm.signal',
  'encounters.comm.light',
  'encounters.kind.aircraft-carrier',
  'encounters.kind.cruiser',
  'encounters.kind.destroyer',
  'encounters.kind.amphibious-ship',
  'encounters.kind.submarine',
  'encounters.kind.patrol-vessel',
  'encounters.kind.auxiliary',
  'encounters.kind.research-vessel',
  'encounters.kind.fishing-vessel',
  'encounters.kind.merchant-vessel',
  'encounters.kind.fighter',
  'encounters.kind.bomber',
  'encounters.kind.maritime-patrol',
  'encounters.kind.reconnaissance',
  'encounters.kind.airborne-early-warning',
  'encounters.kind.tanker',
  'encounters.kind.transport',
  'encounters.board.filterState',
  'encounters.board.search',
  'encounters.board.section',
  'encounters.detail.title',
  'encounters.detail.reportedBy',
  'encounters.detail.approach',
  'encounters.detail.track',
  'encounters.detail.course',
  'encounters.form.domain',
  'encounters.form.occurredAt',
  'encounters.form.position',
  'encounters.form.severity',
  'encounters.form.line',
  'encounters.form.kind',
  'encounters.form.name',
  'encounters.form.hull',
  'encounters.form.tail',
  'encounters.form.platformPosition',
  'encounters.form.course',
  'encounters.form.approach',
  'encounters.form.approachDistance',
  'encounters.form.approachUnit',
  'encounters.form.behaviours',
  'encounters.form.commKind',
  'encounters.form.commAnswered',
  'encounters.form.narrative',
  'encounters.form.sending',
]);

const keys = Object.keys(STRING_TABLES.en) as StringKey[];

function argumentsOf(language: Language, key: StringKey): string[] {
  const parsed = parseMessage(STRING_TABLES[language][key]);
  assert.ok(parsed.ok, `${language} ${key} does not parse: ${parsed.ok ? '' : parsed.error}`);
  return argumentNames(parsed.parts);
}

/** The text a reader sees, without arguments and ICU syntax, for the script checks. */
function visibleText(text: string): string {
  return text.replace(/\{\w+(, (plural|select), )?/g, ' ').replace(/[{}#]/g, ' ');
}

describe('the console in three languages', () => {
  afterEach(() => setLanguage('en'));

  it('[CON4] every string parses as an ICU message in every language', () => {
    for (const language of ['en', 'zh', 'ja'] as const) {
      for (const key of keys) argumentsOf(language, key);
    }
  });

  it('[CON4] the three tables have exactly the same keys', () => {
    assert.deepEqual(Object.keys(STRING_TABLES.zh).sort(), [...keys].sort());
    assert.deepEqual(Object.keys(STRING_TABLES.ja).sort(), [...keys].sort());
  });

  it('[CON4] every translation uses exactly the arguments of the English', () => {
    for (const language of ['zh', 'ja'] as const) {
      for (const key of keys) {
        assert.deepEqual(argumentsOf(language, key), argumentsOf('en', key), `${language} ${key}`);
      }
    }
  });

  it('[CON4] every Chinese string is written in Han characters, with no kana', () => {
    for (const key of keys) {
      if (SAME_IN_EVERY_LANGUAGE.has(key) || LAYOUT_ONLY.has(key)) continue;
      const text = visibleText(STRING_TABLES.zh[key]);
      assert.match(text, HAN, `zh ${key} has no Han characters: ${text}`);
      assert.doesNotMatch(text, KANA, `zh ${key} has kana: ${text}`);
    }
  });

  it('[CON4] every Japanese string has kana, but for a short list of kanji-only labels', () => {
    const problems: string[] = [];
    for (const key of keys) {
      if (SAME_IN_EVERY_LANGUAGE.has(key) || LAYOUT_ONLY.has(key)) continue;
      const text = visibleText(STRING_TABLES.ja[key]);
      if (!JAPANESE_KANJI_ONLY.has(key)) {
        if (!KANA.test(text)) problems.push(`${key} has no kana: ${text}`);
      } else if (!HAN.test(text) || KANA.test(text)) {
        problems.push(`${key} is on the kanji-only list but is not kanji-only: ${text}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('[CON4] no translation is left in English, but for the listed exceptions', () => {
    for (const key of keys) {
      const isSame = SAME_IN_EVERY_LANGUAGE.has(key);
      for (const language of ['zh', 'ja'] as const) {
        const translated = STRING_TABLES[language][key];
        if (isSame)
          assert.equal(translated, STRING_TABLES.en[key], `${language} ${key} should be as in English`);
        else assert.notEqual(translated, STRING_TABLES.en[key], `${language} ${key} is the English text`);
      }
    }
    assert.notEqual(STRING_TABLES.zh['role.officer'], STRING_TABLES.ja['role.officer']);
  });

  it('[CON4] t speaks the current language, with its plural rules, locale and list words', () => {
    assert.equal(t('flash.more', { count: 1 }), '1 more FLASH message not acknowledged');
    assert.equal(t('flash.more', { count: 3 }), '3 more FLASH messages not acknowledged');
    assert.equal(formatList(['supervisor', 'officer']), 'supervisor and officer');
    setLanguage('zh');
    assert.equal(currentLocale(), 'zh-CN');
    assert.equal(t('compose.send'), '发送');
    assert.equal(t('flash.more', { count: 1 }), '另有 1 条 FLASH 消息未确认');
    assert.equal(t('link.label', { peer: 'Bravo', state: t('link.up') }), '与Bravo的链路：连通');
    setLanguage('ja');
    assert.equal(currentLocale(), 'ja-JP');
    assert.equal(t('flash.more', { count: 1234 }), 'ほかに未確認の FLASH が 1,234 件あります');
    assert.equal(formatList(['a', 'b', 'c']), 'a、b、c');
  });

  it('[CON4] a change of language reaches every subscriber once, and not after unsubscribing', () => {
    const heard: Language[] = [];
    const unsubscribe = subscribeLanguage(() => heard.push(currentLanguage()));
    setLanguage('ja');
    setLanguage('ja');
    setLanguage('zh');
    unsubscribe();
    setLanguage('en');
    assert.deepEqual(heard, ['ja', 'zh']);
  });
});
