/**
 * Reading a form's typed text into the values a schema checks (the encounter report, ENC1; the
 * activity notice, ENC3): numbers and positions as people type them, each problem kept with the
 * path of its field so it shows beside that field. Each form extends it with its own times.
 */
import type { FieldIssue } from '../../src/core/encounter.ts';
import { type LatLon, parsePosition } from '../../src/core/geo.ts';

export class FormReader {
  readonly problems: FieldIssue[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /** A number typed in a field (a decimal comma allowed), or undefined when empty. */
  optionalNumber(text: string, path: string): number | undefined {
    if (text.trim() === '') return undefined;
    const value = Number(text.trim().replace(',', '.'));
    if (Number.isFinite(value)) return value;
    this.add(path, 'a number');
    return undefined;
  }

  /** A position in decimal degrees or degrees and minutes (`parsePosition`). */
  position(text: string, path: string): LatLon | undefined {
    const parsed = parsePosition(text);
    if (parsed.ok) return parsed.position;
    this.add(path, parsed.message);
    return undefined;
  }
}
