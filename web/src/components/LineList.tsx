/** The list of lines at the side, shown when the user can read more than one. */
import type { Line } from '../api.ts';
import { t } from '../strings.ts';

/** Props of `LineList`. */
export interface LineListProps {
  lines: readonly Line[];
  selectedLineId: string | null;
  onSelect(lineId: string): void;
}

/** Side navigation between lines. */
export function LineList({ lines, selectedLineId, onSelect }: LineListProps) {
  return (
    <nav className="lines" aria-labelledby="lines-heading">
      <h2 id="lines-heading" className="lines__heading">
        {t('lines.heading')}
      </h2>
      <ul>
        {lines.map((line) => (
          <li key={line.id}>
            <button
              type="button"
              className="lines__item"
              aria-current={line.id === selectedLineId ? 'true' : undefined}
              onClick={() => onSelect(line.id)}
            >
              <span className="lines__title">{line.title}</span>
              <span className="lines__kind">{t(`lines.kind.${line.kind}`)}</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
