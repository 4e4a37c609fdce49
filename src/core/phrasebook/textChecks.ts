/**
 * Checks that a template's texts are what they claim to be (HOT6): each language written in
 * that language — Chinese with Han characters and no kana, Japanese with kana, neither with
 * English phrases left in — and each text using exactly the declared parameters. Run by the
 * phrasebook's tests over every template; kept apart so the checks themselves can be tested.
 */
import type { Template } from './types.ts';

const HAN = /\p{Script=Han}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
/** Two ASCII words in a row: English left in a text that should be Chinese or Japanese. */
const ASCII_PHRASE = /[A-Za-z]{2,}[\s,.'-]+[A-Za-z]{2,}/;

/** The placeholder names of a text, sorted, each once. */
export function placeholderNames(text: string): string[] {
  return [...new Set([...text.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] ?? ''))].sort();
}

function withoutPlaceholders(text: string): string {
  return text.replace(/\{[^{}]*\}/g, ' ');
}

/** What is wrong with a template's texts, in words; empty when nothing is. */
export function textProblems(template: Template): string[] {
  const problems: string[] = [];
  const { en, zh, ja } = template.text;
  const declared = template.params.map((decl) => decl.name).sort();
  if (new Set(declared).size !== declared.length) problems.push('a parameter is declared twice');
  for (const [language, text] of Object.entries(template.text)) {
    const used = placeholderNames(text);
    const missing = declared.filter((name) => !used.includes(name));
    const extra = used.filter((name) => !declared.includes(name));
    if (missing.length > 0) problems.push(`${language} lacks {${missing.join('}, {')}}`);
    if (extra.length > 0) problems.push(`${language} uses undeclared {${extra.join('}, {')}}`);
  }
  if (HAN.test(en) || !/^[\x20-\x7e]+$/.test(en)) problems.push('en is not plain English');
  if (zh === en || !HAN.test(zh)) problems.push('zh is not written in Chinese');
  if (zh === ja || KANA.test(zh)) problems.push('zh has kana: Japanese pasted in');
  if (ASCII_PHRASE.test(withoutPlaceholders(zh))) problems.push('zh has English words');
  if (ja === en || !KANA.test(ja)) problems.push('ja is not written in Japanese (no kana)');
  if (ASCII_PHRASE.test(withoutPlaceholders(ja))) problems.push('ja has English words');
  return problems;
}
