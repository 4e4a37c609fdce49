/**
 * The reader's language for templated messages (HOT6), from their user settings, shared down
 * the component tree so every message renders in it without threading a prop through lists.
 */
import { createContext, useContext } from 'react';
import type { Language } from '../../src/core/phrasebook/types.ts';

/** The signed-in reader's language; English until the node says otherwise. */
export const ReaderLanguage = createContext<Language>('en');

/** The language templated messages are shown in. */
export function useReaderLanguage(): Language {
  return useContext(ReaderLanguage);
}
