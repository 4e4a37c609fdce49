/**
 * The console's language in the page (CON4): switching it re-renders the console at once,
 * sets `<html lang>` (so the browser picks Chinese or Japanese glyphs and screen readers the
 * right voice) and the page title, and remembers it in this browser so the sign-in form of the
 * next session already speaks the last user's language. The signed-in user's saved language
 * (HOT6, `GET /api/v1/me`) always wins over the remembered one.
 */
import { useSyncExternalStore } from 'react';
import { isLanguage } from '../../src/core/phrasebook/types.ts';
import {
  currentLanguage,
  currentLocale,
  type Language,
  setLanguage,
  subscribeLanguage,
  t,
} from './strings.ts';

const STORAGE_KEY = 'liaison.language';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    // A browser that forbids storage (privacy settings) still gets the console, unremembered.
    return null;
  }
}

/** The language last used in this browser; English when none is remembered. */
export function rememberedLanguage(): Language {
  const saved = storage()?.getItem(STORAGE_KEY);
  return isLanguage(saved) ? saved : 'en';
}

/** Shows the console in `language` from now on, and remembers it in this browser. */
export function applyLanguage(language: Language): void {
  setLanguage(language);
  storage()?.setItem(STORAGE_KEY, language);
  if (typeof document !== 'undefined') {
    document.documentElement.lang = currentLocale();
    document.title = t('app.title');
  }
}

/**
 * The console's current language, for the top of the tree: a component that calls this
 * re-renders, with everything beneath it, whenever the language changes.
 */
export function useConsoleLanguage(): Language {
  return useSyncExternalStore(subscribeLanguage, currentLanguage, currentLanguage);
}
