/**
 * LOG7 display order for the console: the very comparison the node uses (`src/core/order.ts`),
 * ascending clock, then origin, then seq, so both sides that hold the same events show the
 * same sequence. Kept as the console's one import point for ordering.
 */
export { compareLog7 } from '../../src/core/order.ts';
