/**
 * Shorthands for the parameter declarations the templates share, so one name always means one
 * thing across the phrasebook: `own` is our platform, `other` the peer's, and so on.
 */
import type { ParamDecl, ParamType, Texts } from '../types.ts';

function param(name: string, type: ParamType): ParamDecl {
  return { name, type };
}

/** Our own ship or aircraft. */
export const OWN = param('own', 'platform');
/** The peer's ship or aircraft. */
export const OTHER = param('other', 'platform');
/** The moment something happened or will happen. */
export const TIME = param('time', 'time');
/** Where it happened. */
export const POSITION = param('position', 'position');
export const COURSE = param('course', 'course');
export const BEARING = param('bearing', 'bearing');
export const SPEED = param('speed', 'speed');
export const DISTANCE = param('distance', 'distance');
export const ALTITUDE = param('altitude', 'altitude');
export const FREQUENCY = param('frequency', 'frequency');
export const DURATION = param('duration', 'duration');
/** A short reason, written by the author and shown as written. */
export const REASON = param('reason', 'text');

/** Port or starboard (left or right for aircraft). */
export const SIDE: ParamDecl = {
  name: 'side',
  type: 'choice',
  options: {
    port: { en: 'port', zh: '左', ja: '左' },
    starboard: { en: 'starboard', zh: '右', ja: '右' },
  } satisfies Record<string, Texts>,
};

/** The level of a call (HOT7): duty officer, director, minister. */
export const LEVEL: ParamDecl = {
  name: 'level',
  type: 'choice',
  options: {
    'duty-officer': { en: 'duty officer', zh: '值班军官', ja: '当直幹部' },
    director: { en: 'director', zh: '局长', ja: '局長' },
    minister: { en: 'minister', zh: '部长', ja: '大臣' },
  } satisfies Record<string, Texts>,
};
