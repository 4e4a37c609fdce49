/**
 * Builds a node's deadline and escalation parts from its configuration (HOT2, HOT4): the line
 * settings the sender's deadlines come from, the stored policies, the alert dispatcher (webhook
 * and SMTP, from `escalationContacts`, `escalationWebhookSecret`, `smtpUrl`, `smtpFrom`) and the
 * escalation engine. `node.ts` starts and stops what this returns.
 */
import type { Registry } from 'prom-client';
import type { Clock } from '../core/clock.ts';
import type { Precedence } from '../core/types.ts';
import { AlertDispatcher } from '../hotline/alerts/dispatch.ts';
import { parseSmtpUrl } from '../hotline/alerts/smtp.ts';
import { Escalation } from '../hotline/escalation.ts';
import { PolicyStore } from '../hotline/escalationPolicies.ts';
import { LineSettings } from '../hotline/lineSettings.ts';
import type { Ledger, Logger } from '../record/ledger.ts';
import type { Store } from '../store/types.ts';
import type { NodeConfig } from './config.ts';

export interface EscalationParts {
  lineSettings: LineSettings;
  policies: PolicyStore;
  escalation: Escalation;
  /** Reads settings and policies from the store and starts the engine. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The escalation parts of a node; nothing runs until `start()`. */
export function escalationParts(options: {
  config: NodeConfig;
  ledger: Ledger;
  store: Store;
  clock: Clock;
  logger: Logger;
  registry: Registry;
  nodeDeadlines: Record<Precedence, number>;
}): EscalationParts {
  const { config, ledger, store, clock, logger } = options;
  const lineSettings = new LineSettings(ledger, store, options.nodeDeadlines);
  const policies = new PolicyStore(store, (problem) => logger.error({}, problem));
  const alerts = new AlertDispatcher({
    contacts: config.escalationContacts ?? {},
    webhookSecret: config.escalationWebhookSecret ?? null,
    smtp: config.smtpUrl
      ? {
          ...parseSmtpUrl(config.smtpUrl),
          from: config.smtpFrom ?? `liaison@${config.nodeId}.invalid`,
          heloName: `${config.nodeId}.liaison`,
        }
      : null,
    consoleUrl: config.publicUrl,
    now: () => clock.now(),
  });
  const escalation = new Escalation({
    ledger,
    store,
    clock,
    logger,
    policies,
    alerts,
    registry: options.registry,
  });
  return {
    lineSettings,
    policies,
    escalation,
    async start() {
      await lineSettings.start();
      await policies.load();
      await escalation.start();
    },
    async stop() {
      await escalation.stop();
      lineSettings.stop();
    },
  };
}
