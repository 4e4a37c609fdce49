/**
 * The problems of a form's fields (SEC3: the node's `fields`, or the console's own checks), each
 * beside its field, in the reader's language: `data-testid="field-error"` with `data-field` =
 * the field's path, announced as alerts.
 */
import type { FieldIssue } from '../../../src/core/encounter.ts';

export function FieldErrorList({
  problems,
  text,
}: {
  problems: readonly FieldIssue[];
  /** The problem in words, in the reader's language. */
  text(problem: FieldIssue): string;
}) {
  if (problems.length === 0) return null;
  return (
    <>
      {problems.map((problem) => (
        <p
          key={`${problem.path} ${problem.message}`}
          className="form-error field-error"
          data-testid="field-error"
          data-field={problem.path}
          role="alert"
        >
          {text(problem)}
        </p>
      ))}
    </>
  );
}
