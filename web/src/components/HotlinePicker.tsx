/**
 * The choice of hotline for a report or a notice (HOT1) when the node has several peers: each
 * hotline named by its other members. Shown only when there is a choice to make.
 */
import type { ReactNode } from 'react';
import type { Line } from '../api.ts';

export function HotlinePicker({
  label,
  chooseLabel,
  testId,
  hotlines,
  selfId,
  nodeName,
  value,
  onChange,
  errors,
}: {
  label: string;
  chooseLabel: string;
  testId: string;
  hotlines: readonly Line[];
  selfId: string;
  nodeName(nodeId: string): string;
  value: string;
  onChange(line: string): void;
  /** The field's problems, shown under it. */
  errors: ReactNode;
}) {
  if (hotlines.length <= 1) return null;
  return (
    <label>
      <span>{label}</span>
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{chooseLabel}</option>
        {hotlines.map((hotline) => (
          <option key={hotline.id} value={hotline.id}>
            {hotline.members
              .filter((member) => member !== selfId)
              .map(nodeName)
              .join(', ')}
          </option>
        ))}
      </select>
      {errors}
    </label>
  );
}
