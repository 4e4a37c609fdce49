/**
 * The phrasebook as data (HOT6): enough templates, stable unique ids, every text in the three
 * languages written in that language, each text using exactly its declared parameters, and
 * every template rendering in every language for any valid parameters.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NUMERIC_BOUNDS } from './params.ts';
import { PHRASEBOOK_VERSION, renderTemplate, TEMPLATE_ID_PATTERN, TEMPLATES } from './render.ts';
import { textProblems } from './textChecks.ts';
import { CATEGORIES, LANGUAGES, type ParamDecl, type ParamValue, type Template } from './types.ts';

/** A valid value of a declared parameter, drawn by fast-check. */
function arbitraryValue(decl: ParamDecl): fc.Arbitrary<ParamValue> {
  switch (decl.type) {
    case 'time':
      return fc
        .date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2099-12-31T23:59:59Z'),
          noInvalidDate: true,
        })
        .map((date) => date.toISOString());
    case 'position':
      return fc.record({
        lat: fc.double({ min: -90, max: 90, noNaN: true }),
        lon: fc.double({ min: -180, max: 180, noNaN: true }),
      });
    case 'platform':
    case 'text':
      return fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ()-]{0,40}$/);
    case 'integer':
      return fc.integer({ min: decl.min ?? -1000, max: decl.max ?? 1000 });
    case 'choice':
      return fc.constantFrom(...Object.keys(decl.options ?? {}));
    default: {
      const bounds = NUMERIC_BOUNDS[decl.type];
      return bounds.unit.startsWith('whole')
        ? fc.integer({ min: bounds.min, max: bounds.max })
        : fc.double({ min: bounds.min, max: bounds.max, noNaN: true });
    }
  }
}

describe('phrasebook data', () => {
  it('[HOT6] holds at least 60 templates with unique, well-formed ids and a version', () => {
    assert.ok(TEMPLATES.length >= 60, `only ${TEMPLATES.length} templates`);
    const ids = TEMPLATES.map((template) => template.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate template ids');
    for (const id of ids) assert.match(id, TEMPLATE_ID_PATTERN);
    assert.ok(Number.isInteger(PHRASEBOOK_VERSION) && PHRASEBOOK_VERSION >= 1);
  });

  it('[HOT6] covers link tests, notices, intentions, manoeuvres, safety, de-escalation, calls, acknowledgements and closings', () => {
    for (const category of CATEGORIES) {
      const count = TEMPLATES.filter((template) => template.category === category).length;
      assert.ok(count >= 3, `${category} has ${count} templates`);
    }
  });

  it('[HOT6] every text is in its own language and uses exactly the declared parameters', () => {
    for (const template of TEMPLATES) {
      assert.deepEqual(textProblems(template), [], template.id);
    }
  });

  it('[HOT6] the language checks catch English, Chinese pasted as Japanese, and stray parameters', () => {
    const good: Template = {
      id: 'test.good',
      category: 'ack',
      params: [{ name: 'time', type: 'time' }],
      text: { en: 'Received at {time}.', zh: '已于{time}收到。', ja: '{time}に受信しました。' },
    };
    assert.deepEqual(textProblems(good), []);
    const cases: [Partial<Template['text']>, RegExp][] = [
      [{ zh: 'Received at {time}.' }, /zh is not written in Chinese/],
      [{ zh: '已于{time}收到 please confirm。' }, /zh has English words/],
      [{ zh: '{time}に受信しました。' }, /zh has kana/],
      [{ ja: '已于{time}收到。' }, /ja is not written in Japanese/],
      [{ ja: 'Received at {time}.' }, /ja is not written in Japanese/],
      [{ ja: '受信しました。' }, /ja lacks \{time\}/],
      [{ en: 'Received at {time} from {other}.' }, /en uses undeclared \{other\}/],
    ];
    for (const [text, problem] of cases) {
      const problems = textProblems({ ...good, text: { ...good.text, ...text } });
      assert.ok(
        problems.some((p) => problem.test(p)),
        `${JSON.stringify(text)} → ${problems.join('; ')}`,
      );
    }
  });

  it('[HOT6] choice options are worded in every language', () => {
    for (const template of TEMPLATES) {
      for (const decl of template.params.filter((d) => d.type === 'choice')) {
        const options = Object.values(decl.options ?? {});
        assert.ok(options.length >= 2, `${template.id}.${decl.name} has options`);
        for (const option of options) {
          assert.match(option.zh, /\p{Script=Han}/u);
          assert.ok(option.en.length > 0 && option.ja.length > 0);
        }
      }
    }
  });

  it('[HOT6] every template renders in all three languages for any valid parameters', () => {
    for (const template of TEMPLATES) {
      const params = fc.record(
        Object.fromEntries(template.params.map((decl) => [decl.name, arbitraryValue(decl)])),
      );
      fc.assert(
        fc.property(
          params,
          fc.constantFrom('UTC', 'Asia/Tokyo', 'Asia/Shanghai', 'America/Los_Angeles'),
          (values, timeZone) => {
            for (const language of LANGUAGES) {
              const text = renderTemplate(template.id, values, language, { timeZone });
              assert.doesNotMatch(text, /[{}]/, `${template.id} (${language}) left a placeholder`);
              assert.ok(text.length > 0);
            }
          },
        ),
        { numRuns: 20 },
      );
    }
  });
});
