/** A message's precedence (HOT2) as a labelled badge: the word, with styling per level. */
import type { Precedence } from '../../../src/core/types.ts';
import { t } from '../strings.ts';

/** Props of `PrecedenceBadge`. */
export interface PrecedenceBadgeProps {
  precedence: Precedence;
}

/** FLASH, IMMEDIATE, PRIORITY or ROUTINE. */
export function PrecedenceBadge({ precedence }: PrecedenceBadgeProps) {
  return (
    <span className={`badge badge--${precedence.toLowerCase()}`} data-precedence={precedence}>
      {t(`precedence.${precedence}`)}
    </span>
  );
}
