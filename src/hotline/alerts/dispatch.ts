/**
 * Sends the alerts of one escalation step (HOT4) outside the console: to the webhook URLs and
 * e-mail addresses the node's configuration lists for each alerted role
 * (`escalationContacts: {supervisor: {email: […], webhook: […]}}`). The console channel needs no
 * sending: the `escalation.raised` event itself reaches every open console through the stream.
 *
 * Alerts name the message, its precedence, line, author and deadline, and link to the console;
 * they do not carry the message's text, which stays in the record and the console.
 */
import type { AlertChannel } from '../../core/escalationPolicy.ts';
import type { Precedence, Role } from '../../core/types.ts';
import { type MailMessage, type SmtpRelay, sendMail } from './smtp.ts';
import { postWebhook } from './webhook.ts';

/** Where each role is reached outside the console. */
export type EscalationContacts = Partial<Record<Role, { email?: string[]; webhook?: string[] }>>;

/** What an alert says. */
export interface AlertNotice {
  /** The node raising it. */
  node: string;
  /** The `escalation.raised` event's id. */
  escalation: string;
  message: string;
  line: string;
  precedence: Precedence;
  /** Who posted the message. */
  author: string;
  deadline: string;
  step: number;
  /** receiver: this node has not acknowledged; sender: the peer has not acknowledged ours. */
  side: 'receiver' | 'sender';
  roles: Role[];
  channels: AlertChannel[];
  overdueAt: string;
}

/** How one channel fared. */
export interface ChannelOutcome {
  channel: 'webhook' | 'email';
  /** Recipients (URLs or addresses) reached, and those not reached. */
  delivered: number;
  failed: number;
  /** Why, for the failed ones (no addresses or URLs: `no-recipients`). */
  problems: string[];
}

/** What the escalation engine needs of a sender (tests may give their own). */
export interface AlertSender {
  send(notice: AlertNotice): Promise<ChannelOutcome[]>;
}

export interface AlertDispatcherOptions {
  contacts: EscalationContacts;
  webhookSecret: string | null;
  smtp: (SmtpRelay & { from: string }) | null;
  /** The console's address, for the link in an alert. */
  consoleUrl: string;
  now: () => number;
  /** Webhook retry waits (tests shorten them). */
  webhookRetryDelaysMs?: readonly number[];
  timeoutMs?: number;
}

function recipients(contacts: EscalationContacts, roles: Role[], kind: 'email' | 'webhook'): string[] {
  return [...new Set(roles.flatMap((role) => contacts[role]?.[kind] ?? []))];
}

/** The subject and text of an alert. */
export function describeAlert(notice: AlertNotice, consoleUrl: string): { subject: string; text: string } {
  const overdue =
    notice.side === 'receiver'
      ? `A ${notice.precedence} message from ${notice.author} has not been acknowledged by this desk.`
      : `Our ${notice.precedence} message (${notice.author}) has not been acknowledged by the other side.`;
  const subject = `[Liaison ${notice.node}] ${notice.precedence} overdue, not acknowledged (step ${notice.step})`;
  const text = [
    overdue,
    '',
    `Line: ${notice.line}`,
    `Deadline: ${notice.deadline} (UTC)`,
    `Message: ${notice.message}`,
    `Escalation step ${notice.step}, alerting: ${notice.roles.join(', ')}`,
    '',
    `Open the console: ${consoleUrl}`,
  ].join('\n');
  return { subject, text };
}

/** Sends alerts by webhook and e-mail as the configuration says. */
export class AlertDispatcher implements AlertSender {
  constructor(private readonly options: AlertDispatcherOptions) {}

  async send(notice: AlertNotice): Promise<ChannelOutcome[]> {
    const work: Promise<ChannelOutcome>[] = [];
    if (notice.channels.includes('webhook')) work.push(this.webhooks(notice));
    if (notice.channels.includes('email')) work.push(this.email(notice));
    return Promise.all(work);
  }

  private async webhooks(notice: AlertNotice): Promise<ChannelOutcome> {
    const urls = recipients(this.options.contacts, notice.roles, 'webhook');
    const outcome: ChannelOutcome = { channel: 'webhook', delivered: 0, failed: 0, problems: [] };
    if (urls.length === 0) return { ...outcome, problems: ['no-recipients'] };
    const payload = { type: 'escalation.raised', consoleUrl: this.options.consoleUrl, ...notice };
    const results = await Promise.allSettled(
      urls.map((url) =>
        postWebhook(url, payload, {
          secret: this.options.webhookSecret,
          now: this.options.now,
          retryDelaysMs: this.options.webhookRetryDelaysMs,
          timeoutMs: this.options.timeoutMs,
        }),
      ),
    );
    for (const result of results) {
      if (result.status === 'fulfilled') outcome.delivered++;
      else {
        outcome.failed++;
        outcome.problems.push((result.reason as Error).message);
      }
    }
    return outcome;
  }

  private async email(notice: AlertNotice): Promise<ChannelOutcome> {
    const to = recipients(this.options.contacts, notice.roles, 'email');
    const outcome: ChannelOutcome = { channel: 'email', delivered: 0, failed: 0, problems: [] };
    if (to.length === 0) return { ...outcome, problems: ['no-recipients'] };
    const { smtp } = this.options;
    if (!smtp) return { ...outcome, failed: to.length, problems: ['no SMTP relay configured (smtpUrl)'] };
    const { subject, text } = describeAlert(notice, this.options.consoleUrl);
    const message: MailMessage = { from: smtp.from, to, subject, text, dateMs: this.options.now() };
    try {
      const result = await sendMail(
        { ...smtp, timeoutMs: this.options.timeoutMs ?? smtp.timeoutMs },
        message,
      );
      outcome.delivered = result.accepted.length;
      outcome.failed = result.refused.length;
      outcome.problems = result.refused.map((r) => r.reply);
    } catch (error) {
      outcome.failed = to.length;
      outcome.problems = [(error as Error).message];
    }
    return outcome;
  }
}
