/**
 * Escalation policies (HOT4), pure: what happens, per precedence, when a message's
 * acknowledgement deadline (HOT2) passes without an acknowledgement.
 *
 * A policy is an ordered list of steps, each `afterSeconds` past the deadline (the first is
 * usually 0: at the deadline), alerting `roles` by `channels`; after the last step, that step
 * repeats every `repeatEverySeconds` (0: never), at most `maxRepeats` times (null: until the
 * message is acknowledged). Steps are numbered from 1 through the repeats: with two steps, step 3
 * is the first repeat of step 2.
 *
 * Each node runs its own policies on both sides of a message (the receiver alerts its own
 * supervisors; the sender's chain is told the message is overdue), so nothing here is shared.
 */
import { PRECEDENCES, type Precedence, ROLES, type Role } from './types.ts';

/** How an alert reaches a person (HOT4). */
export const ALERT_CHANNELS = ['console', 'webhook', 'email'] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

/** One step of a policy. */
export interface EscalationStep {
  /** Seconds after the deadline when this step falls due (0 = at the deadline). */
  afterSeconds: number;
  /** Whom to alert, by role, at the node that runs the step. */
  roles: Role[];
  /** How. */
  channels: AlertChannel[];
}

/** What a node does when a message of one precedence goes unacknowledged. */
export interface EscalationPolicy {
  steps: EscalationStep[];
  /** The last step repeats this often while no acknowledgement comes; 0 = it does not repeat. */
  repeatEverySeconds: number;
  /** At most this many repeats; null = until the message is acknowledged. */
  maxRepeats: number | null;
}

/** A node's policies, one per precedence. */
export type EscalationPolicies = Record<Precedence, EscalationPolicy>;

const ALL_CHANNELS: AlertChannel[] = [...ALERT_CHANNELS];

/**
 * The defaults: FLASH and IMMEDIATE reach the supervisors by every channel at the deadline and
 * again every 5 and 15 minutes (for two hours); PRIORITY by console and e-mail hourly (six
 * times); ROUTINE once, in the console.
 */
export const DEFAULT_ESCALATION_POLICIES: EscalationPolicies = {
  FLASH: {
    steps: [{ afterSeconds: 0, roles: ['supervisor', 'officer'], channels: ALL_CHANNELS }],
    repeatEverySeconds: 300,
    maxRepeats: 24,
  },
  IMMEDIATE: {
    steps: [{ afterSeconds: 0, roles: ['supervisor'], channels: ALL_CHANNELS }],
    repeatEverySeconds: 900,
    maxRepeats: 8,
  },
  PRIORITY: {
    steps: [{ afterSeconds: 0, roles: ['supervisor'], channels: ['console', 'email'] }],
    repeatEverySeconds: 3600,
    maxRepeats: 6,
  },
  ROUTINE: {
    steps: [{ afterSeconds: 0, roles: ['supervisor'], channels: ['console'] }],
    repeatEverySeconds: 0,
    maxRepeats: 0,
  },
};

/** How many steps the policy has in all, repeats included; Infinity when it repeats forever. */
export function stepCount(policy: EscalationPolicy): number {
  if (policy.steps.length === 0) return 0;
  if (policy.repeatEverySeconds <= 0) return policy.steps.length;
  return policy.steps.length + (policy.maxRepeats ?? Number.POSITIVE_INFINITY);
}

/** Step `n` (from 1) of a policy, repeats included, or null when there is no such step. */
export function stepAt(
  policy: EscalationPolicy,
  n: number,
): (EscalationStep & { dueAfterMs: number }) | null {
  if (!Number.isSafeInteger(n) || n < 1 || n > stepCount(policy)) return null;
  const last = policy.steps.length;
  if (n <= last) {
    const step = policy.steps[n - 1] as EscalationStep;
    return { ...step, dueAfterMs: step.afterSeconds * 1000 };
  }
  const lastStep = policy.steps[last - 1] as EscalationStep;
  const dueAfterMs = (lastStep.afterSeconds + (n - last) * policy.repeatEverySeconds) * 1000;
  return { ...lastStep, dueAfterMs };
}

/**
 * The highest step due at `nowMs` for a message whose deadline is `deadlineMs`, or 0 when none
 * is. A node that was down through several steps runs only this one (once), not each it missed.
 */
export function latestDueStep(policy: EscalationPolicy, deadlineMs: number, nowMs: number): number {
  const first = stepAt(policy, 1);
  if (!first || nowMs < deadlineMs + first.dueAfterMs) return 0;
  let due = 1;
  for (let n = 2; n <= Math.min(policy.steps.length, stepCount(policy)); n++) {
    const step = stepAt(policy, n);
    if (step && nowMs >= deadlineMs + step.dueAfterMs) due = n;
  }
  if (due < policy.steps.length || policy.repeatEverySeconds <= 0) return due;
  const last = stepAt(policy, policy.steps.length) as { dueAfterMs: number };
  const repeats = Math.floor((nowMs - deadlineMs - last.dueAfterMs) / (policy.repeatEverySeconds * 1000));
  return Math.min(policy.steps.length + repeats, stepCount(policy));
}

/** When step `n` falls due (ms since the epoch), or null when the policy has no step `n`. */
export function stepDueAt(policy: EscalationPolicy, deadlineMs: number, n: number): number | null {
  const step = stepAt(policy, n);
  return step ? deadlineMs + step.dueAfterMs : null;
}

/** A problem with a policy a person wrote, by path. */
export interface PolicyProblem {
  path: string;
  message: string;
}

/**
 * Checks what types cannot: steps in order of time, at least one step where a repeat is asked
 * for. Shapes (roles, channels, numbers) are checked by the schema that parsed the policy.
 */
export function policyProblems(policies: EscalationPolicies): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const precedence of PRECEDENCES) {
    const policy = policies[precedence];
    policy.steps.forEach((step, i) => {
      const previous = policy.steps[i - 1];
      if (previous && step.afterSeconds <= previous.afterSeconds) {
        problems.push({
          path: `${precedence}.steps.${i}.afterSeconds`,
          message: 'steps are in order of time: each comes after the one before',
        });
      }
      if (step.roles.length === 0 || step.channels.length === 0) {
        problems.push({
          path: `${precedence}.steps.${i}`,
          message: 'a step alerts at least one role by one channel',
        });
      }
      for (const role of step.roles) {
        if (!(ROLES as readonly string[]).includes(role))
          problems.push({ path: `${precedence}.steps.${i}.roles`, message: `no role ${role}` });
      }
    });
    if (policy.steps.length === 0 && policy.repeatEverySeconds > 0) {
      problems.push({ path: `${precedence}.repeatEverySeconds`, message: 'there is no step to repeat' });
    }
  }
  return problems;
}
