/**
 * Every user-visible string of the console, keyed by id (CON4).
 *
 * Messages use ICU-style `{name}` placeholders, filled by `t(key, params)`. English is the
 * only language for now; Chinese and Japanese add sibling tables with the same keys, which
 * the `satisfies` clause below will then check.
 */

const en = {
  'app.title': 'Liaison',
  'app.loading': 'Loading…',

  'login.heading': 'Duty desk sign-in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.totp': 'One-time code',
  'login.totpHint': 'Enter the 6-digit code from your authenticator app.',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',

  'header.node': 'Node {name} ({nodeId})',
  'header.user': '{username}@{node} · {role}',
  'header.logout': 'Sign out',
  'header.peers': 'Links to peer nodes',
  'header.pairing': 'Pairing',

  'role.admin': 'admin',
  'role.supervisor': 'supervisor',
  'role.officer': 'officer',
  'role.interpreter': 'interpreter',
  'role.observer': 'observer',

  'link.up': 'UP',
  'link.degraded': 'DEGRADED',
  'link.down': 'DOWN',
  'link.rtt': 'RTT {ms} ms',
  'link.rttUnknown': 'RTT —',
  'link.queue': 'queue {count}',
  'link.label': 'Link to {peer}: {state}',
  'link.since': 'State since {time}',
  'link.lastKnown': '(last known)',
  'link.lastKnownTitle': 'Our node cannot be reached: this is the last state it reported.',
  'link.lastHeartbeat': 'Last heartbeat {time}',
  'link.noHeartbeat': 'No heartbeat yet',
  'link.clockOffset': 'Clock offset {offset}',
  'link.clockSkew': 'CLOCK OFF {offset}',
  'link.clockSkewUnmeasured': 'CLOCK OFF > 2 s',
  'link.bannerClockSkew':
    'Clock of {peer} differs from ours by {offset} — each side judges deadlines by its own clock',
  'link.bannerClockSkewUnmeasured':
    'Clock of {peer} differed from ours by more than 2 s when last measured — each side judges deadlines by its own clock',
  'link.bannerDown':
    'Link to {peer} DOWN since {since} — messages queue and will be delivered when it returns',
  'link.bannerDownNoTime': 'Link to {peer} DOWN — messages queue and will be delivered when it returns',
  'link.bannerDegraded': 'Link to {peer} DEGRADED — delivery may be slow',
  'link.refused': 'Link refused at {time}: {reason}',
  'link.refusedByPeer': 'Link refused by {peer} at {time}: {reason}',
  'link.refusalCode': 'reason “{code}”',
  'link.oldestWaiting': 'oldest waiting since {time}',
  'link.safetyCode': 'Safety code {code} — compare it by voice (Pairing)',

  'pairing.title': 'Pairing — safety codes',
  'pairing.intro':
    'Each pairing has a short safety code made from both nodes’ keys. If the codes differ, a node is not the one it claims to be: tell an admin and do not trust the link.',
  'pairing.compare':
    'Read this code aloud with the duty officer at {peer}: both consoles must show the same digits.',
  'pairing.codeLabel': 'Safety code with {peer}',
  'pairing.keyFingerprint': 'Signing key fingerprint',
  'pairing.tlsFingerprint': 'TLS certificate fingerprint',
  'pairing.pairedAt': 'Paired',
  'pairing.none': 'This node is not paired with any other node yet.',
  'pairing.close': 'Close',
  'pairing.loading': 'Loading the pairings…',

  'alarm.label': 'Record alarm',
  'alarm.equivocation':
    '{origin} signed two different events for #{seq} on {line} — its events on this line are refused until an admin resolves it',
  'alarm.detected': 'Detected {time}.',
  'alarm.detectedVia': 'Detected {time}, in an event passed on by {peer}.',
  'alarm.appendsHeld':
    'This node was restored from a backup and is waiting for its peers before it writes again: {reason}',
  'alarm.resolve': 'Resolve…',
  'alarm.resolution': 'Written resolution: what was found, and what was agreed with the peer',
  'alarm.resolutionHint': 'At least {min} characters. It is kept with the proof.',
  'alarm.submit': 'Mark resolved',
  'alarm.submitting': 'Resolving…',
  'alarm.cancel': 'Cancel',
  'alarm.resolutionTooShort': 'Write at least {min} characters: what was found and what was agreed.',
  'alarm.resolutionTooLong': 'Keep the resolution under {max} characters.',
  'alarm.errorForbidden': 'Only an admin of this node may resolve an equivocation.',

  'stream.lost': 'Connection lost — reconnecting…',

  'lines.heading': 'Lines',
  'lines.kind.hotline': 'Hotline',
  'lines.kind.thread': 'Thread',
  'lines.kind.local': 'Local notes',
  'lines.none': 'No lines are open on this node yet.',

  'messages.heading': 'Messages on {title}',
  'messages.empty': 'No messages on this line yet.',
  'messages.loading': 'Loading messages…',
  'messages.lineOpened': 'Line opened · {time}',
  'messages.own': 'our desk',
  'messages.due': 'Acknowledgement due {time} ({relative})',
  'messages.dueAt': 'Acknowledgement due {time}',

  'precedence.FLASH': 'FLASH',
  'precedence.IMMEDIATE': 'IMMEDIATE',
  'precedence.PRIORITY': 'PRIORITY',
  'precedence.ROUTINE': 'ROUTINE',

  'state.separator': ' · ',
  'state.sent': 'Sent — awaiting delivery',
  'state.notDelivered': 'Not delivered — link fault?',
  'state.notDeliveredLinkDown': 'Not delivered — link to {peer} down',
  'state.delivered': 'Delivered',
  'state.deliveredAt': 'Delivered {time}',
  'state.deliveredNotAcked': 'Delivered, not acknowledged',
  'state.seen': 'Seen',
  'state.seenAt': 'Seen {time}',
  'state.seenNotAcked': 'Seen, not acknowledged',
  'state.left': '{span} left',
  'state.acknowledged': 'Acknowledged',
  'state.acknowledgedBy': 'Acknowledged by {who} at {time}',
  'state.ackedLate': '{span} after the deadline',
  'state.overdueNoAck': 'Overdue — no acknowledgement',
  'state.overdueNotAcknowledged': 'Overdue — not acknowledged',
  'state.overdueNotDelivered': 'Overdue — not delivered, link fault?',
  'state.overdueLinkDown': 'Overdue — not delivered, link to {peer} down',
  'state.pastDeadline': '{span} past deadline',
  'state.sentAt': 'Sent {time}',

  'ack.reply': 'Reply (optional)',
  'ack.submit': 'Acknowledge',
  'ack.submitting': 'Acknowledging…',
  'ack.replyFrom': 'Reply from {who}:',
  'ack.errorOwn': 'This message came from our own node; the receiving desk acknowledges it.',
  'ack.errorAlready': 'Already acknowledged — someone acknowledged it before you.',
  'ack.errorForbidden': 'Your role may not acknowledge messages.',
  'ack.errorUnknown': 'This node does not hold that message (any more).',

  'compose.heading': 'New message',
  'compose.text': 'Message',
  'compose.precedence': 'Precedence',
  'compose.send': 'Send',
  'compose.sending': 'Sending…',
  'compose.hint': 'Ctrl+Enter sends',
  'compose.readOnly': 'Your role ({role}) can read this line but not send messages.',

  'time.utc': '{time} UTC',
  'time.dual': '{utc} · {local}',
  'time.seconds': '{count} s',
  'time.minutes': '{count} min',
  'time.hoursMinutes': '{hours} h {minutes} min',
  'time.in': 'in {span}',
  'time.ago': '{span} ago',

  'flash.label': 'FLASH alarm',
  'flash.incoming': 'FLASH from {author} at {time}, not acknowledged — due {relative}',
  'flash.incomingOverdue': 'FLASH from {author} at {time}, not acknowledged — OVERDUE by {span}',
  'flash.ownOverdue': 'Our FLASH of {time} is OVERDUE by {span} — not acknowledged by the peer',
  'flash.show': 'Show message',
  'flash.more': '{count} more FLASH messages not acknowledged',

  'error.network': 'The node did not answer. Check the connection and try again.',
  'error.http': 'The node answered with an unexpected error (HTTP {status}).',
} as const;

/** A string id. */
export type StringKey = keyof typeof en;

/** Values for a message's `{name}` placeholders. */
export type StringParams = Record<string, string | number>;

/** The string tables, by language. */
const tables = { en } satisfies Record<string, Record<StringKey, string>>;

/** Languages the console speaks. */
export type Language = keyof typeof tables;

/** BCP 47 locale used for dates and numbers in each language. */
const locales: Record<Language, string> = { en: 'en-GB' };

let language: Language = 'en';

/** Switches the console's language (per user, CON4). */
export function setLanguage(next: Language): void {
  language = next;
}

/** The locale for `Intl` formatting in the current language. */
export function currentLocale(): string {
  return locales[language];
}

/** The text of `key` in the current language with `{name}` placeholders filled from `params`. */
export function t(key: StringKey, params?: StringParams): string {
  const template: string = tables[language][key];
  if (params === undefined) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
