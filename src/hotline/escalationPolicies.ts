/**
 * Where a node keeps its escalation policies (HOT4): a JSON document in the store's meta table
 * (key `escalation-policies`), so an admin's edit survives restarts and backups; the defaults of
 * `src/core/escalationPolicy.ts` until an admin saves others. Policies are this node's own chain
 * of command, so they are not events and do not travel.
 *
 * The schema here is the one the API parses with (SEC3): strict, every precedence present.
 */
import { z } from 'zod';
import {
  ALERT_CHANNELS,
  DEFAULT_ESCALATION_POLICIES,
  type EscalationPolicies,
  policyProblems,
} from '../core/escalationPolicy.ts';
import { ROLES } from '../core/types.ts';
import type { Store } from '../store/types.ts';

/** The meta key the policies are kept under. */
export const POLICIES_META_KEY = 'escalation-policies';

/** One week: no step is further than this past a deadline, and nothing repeats less often. */
const MAX_SECONDS = 7 * 24 * 3600;

const stepSchema = z
  .object({
    afterSeconds: z.number().int().min(0).max(MAX_SECONDS),
    roles: z.array(z.enum(ROLES)).min(1, 'a step alerts at least one role').max(ROLES.length),
    channels: z.array(z.enum(ALERT_CHANNELS)).min(1, 'a step uses at least one channel').max(3),
  })
  .strict();

const policySchema = z
  .object({
    steps: z.array(stepSchema).max(20),
    // At least a second between repeats: a policy cannot make a node spin.
    repeatEverySeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_SECONDS)
      .refine((s) => s === 0 || s >= 1, 'repeat every second or more, or 0 for no repeat'),
    maxRepeats: z.number().int().min(0).max(10_000).nullable(),
  })
  .strict();

/** The body of `PUT /api/v1/escalation/policies`: a policy for each of the four precedences. */
export const policiesSchema = z
  .object({
    FLASH: policySchema,
    IMMEDIATE: policySchema,
    PRIORITY: policySchema,
    ROUTINE: policySchema,
  })
  .strict()
  .superRefine((policies, context) => {
    for (const problem of policyProblems(policies)) {
      context.addIssue({ code: 'custom', path: problem.path.split('.'), message: problem.message });
    }
  });

/** Dedupes roles and channels (a role listed twice is alerted once). */
function normalised(policies: EscalationPolicies): EscalationPolicies {
  const result = structuredClone(policies);
  for (const policy of Object.values(result)) {
    for (const step of policy.steps) {
      step.roles = [...new Set(step.roles)];
      step.channels = [...new Set(step.channels)];
    }
  }
  return result;
}

/** The node's policies, read from and written to its store. */
export class PolicyStore {
  private current: EscalationPolicies = DEFAULT_ESCALATION_POLICIES;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: Store,
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {}

  /** Reads the saved policies; a document this version cannot read leaves the defaults. */
  async load(): Promise<EscalationPolicies> {
    const saved = await this.store.getMeta(POLICIES_META_KEY);
    if (saved) {
      let parsed: ReturnType<typeof policiesSchema.safeParse> | null = null;
      try {
        parsed = policiesSchema.safeParse(JSON.parse(saved));
      } catch {
        parsed = null;
      }
      if (parsed?.success) this.current = normalised(parsed.data);
      else this.onProblem('the saved escalation policies are not readable; the defaults apply');
    }
    return this.current;
  }

  /** The policies in force. */
  get policies(): EscalationPolicies {
    return this.current;
  }

  /** Saves new policies (already parsed with `policiesSchema`); they apply from the next step. */
  async save(policies: EscalationPolicies): Promise<EscalationPolicies> {
    const clean = normalised(policies);
    await this.store.setMeta(POLICIES_META_KEY, JSON.stringify(clean));
    this.current = clean;
    for (const listener of this.listeners) listener();
    return clean;
  }

  /** Called after each save (the engine re-plans its next step). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
