/**
 * Every user-visible string of the console, keyed by id, in English, Chinese (simplified) and
 * Japanese (CON4), chosen per user.
 *
 * Messages are ICU MessageFormat (the subset in `icu.ts`): `{name}` placeholders, `{count,
 * plural, one {…} other {…}}` with `#`, and `{kind, select, …}`, filled by `t(key, params)`
 * with the plural rules of the current language. English is the source: `zh` and `ja` live in
 * `strings.zh.ts` and `strings.ja.ts`, each checked at compile time to have exactly the keys of
 * `en`, and by `strings.test.ts` to be written in its language with the same arguments.
 *
 * The current language is module state, read by `t`; `setLanguage` changes it and tells the
 * subscribers (`subscribeLanguage`), so React can re-render the whole console at once.
 */
import { formatParts, type MessagePart, parseMessage } from './icu.ts';
import { ja } from './strings.ja.ts';
import { zh } from './strings.zh.ts';

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
  'link.unpaired': 'UNPAIRED — the hotline is closed; import the peer card again to re-pair',
  'link.queue': '{count, plural, one {# message queued} other {# messages queued}}',
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
  'link.queueWithOldest': '{queue}, {oldest}',
  'link.safetyCode': 'Safety code {code} — compare it by voice (Pairing)',

  'calls.voice': 'Voice call',
  'calls.video': 'Video call',
  'calls.log': 'Call log',
  'calls.incoming': '{caller} is calling: {media, select, video {video call} other {voice call}}',
  'calls.accept': 'Answer',
  'calls.decline': 'Decline',
  'calls.hangup': 'Hang up',
  'calls.cancel': 'Cancel',
  'calls.dismiss': 'Close',
  'calls.calling': 'Calling {node}: ringing…',
  'calls.connecting': 'Answered by {who}: connecting…',
  'calls.connected': 'Connected with {who}',
  'calls.ended': 'Call ended: {reason}',
  'calls.reason.hangup': 'hung up',
  'calls.reason.cancelled': 'cancelled before an answer',
  'calls.reason.declined': 'declined',
  'calls.reason.busy': 'the other desk is on another call',
  'calls.reason.glare': 'both desks called at once; their call goes on',
  'calls.reason.missed': 'nobody answered',
  'calls.reason.link-lost': 'the link to the peer node was lost (technical fault)',
  'calls.reason.media-failed': 'the media connection failed (technical fault)',
  'calls.reason.unreachable': 'the peer node cannot be reached (technical fault)',
  'calls.signallingDown':
    'The link to {node} is down: the call goes on while its sound and picture flow, but cannot be set up again until the link is back.',
  'calls.quality':
    'Media: {state} · round trip {rtt} ms · packet loss {loss} % · received {kb} kB{relay, select, yes { · through a relay} other {}}',
  'calls.qualityWaiting': 'Media: waiting for the first packets…',
  'calls.audioLevel': 'Sound level of the other side',
  'calls.remoteVideo': 'Video from {who}',
  'calls.localVideo': 'Your camera',
  'calls.record': 'Record',
  'calls.stopRecording': 'Stop recording',
  'calls.recordingBy': 'Recording, by {who}: every party sees this',
  'calls.recordingSaved': 'The recording is saved and its hash is in the record.',
  'calls.logTitle': 'Call log',
  'calls.logIntro': 'Every call on this line, answered or not, as the record holds it.',
  'calls.logNone': 'No calls on this line yet.',
  'calls.logWhen': 'When',
  'calls.logFrom': 'Caller',
  'calls.logMedia': 'Kind',
  'calls.logAnsweredBy': 'Answered by',
  'calls.logDuration': 'Duration',
  'calls.logResult': 'Result',
  'calls.mediaName': '{media, select, video {video} other {voice}}',
  'calls.notAnswered': 'not answered',
  'calls.inProgress': 'in progress',

  'drills.title': 'Link drills',
  'drills.intro':
    'Each node sends a test message on every hotline on a schedule; the other node answers automatically. A missed drill means a fault on the link, not silence at the other desk.',
  'drills.runNow': 'Run a drill now',
  'drills.running': 'Starting…',
  'drills.noneYet': 'No drill on this line yet.',
  'drills.noHotline': 'There is no hotline to drill yet.',
  'drills.loading': 'Loading the drills…',
  'drills.sentAt': 'Sent',
  'drills.sentBy': 'By',
  'drills.result': 'Result',
  'drills.answeredBy': 'Answered by {node} · round trip {ms} ms',
  'drills.pending': 'Waiting for the answer',
  'drills.missed': 'MISSED — no answer within 5 minutes',
  'header.drills': 'Drills',
  'header.reliability': 'Reliability',

  'reliability.title': 'Reliability report',
  'reliability.intro':
    'Link uptime, delivery, acknowledgements and drills on the hotline with a peer, computed from the signed record: both nodes show the same figures and the same digest for the same period.',
  'reliability.peer': 'Peer',
  'reliability.period': 'Period (UTC)',
  'reliability.thisMonth': 'This month',
  'reliability.lastMonth': 'Last month',
  'reliability.custom': 'Custom days',
  'reliability.firstDay': 'First day',
  'reliability.lastDay': 'Last day',
  'reliability.badPeriod': 'Choose a first day on or before the last day, at most a year apart.',
  'reliability.print': 'Print…',
  'reliability.loading': 'Computing the report…',
  'reliability.noPeer': 'There is no hotline to report on yet.',
  'reliability.range': 'From {from} to {to} (UTC, end excluded)',
  'reliability.complete': 'Complete: both records show they hold every event up to the end of the period.',
  'reliability.provisional': 'PROVISIONAL: the figures may still change.',
  'reliability.digest': 'Digest of the figures (the same on the printed report of the peer):',
  'reliability.uptime': 'Link uptime',
  'reliability.view': 'View',
  'reliability.viewOf': 'As seen by {node}',
  'reliability.combined': 'Combined: up only when both say up',
  'reliability.up': 'Up',
  'reliability.available': 'Up or degraded',
  'reliability.down': 'Down',
  'reliability.unknown': 'Unknown',
  'reliability.outages': 'Outages',
  'reliability.dailyChart': 'Daily uptime, combined view',
  'reliability.dailyDesc':
    'Uptime per UTC day; the lowest is {percent} on {day}; a question mark marks a day without data.',
  'reliability.dailyNone': 'No link state was recorded in this period.',
  'reliability.traffic': 'Messages and drills',
  'reliability.direction': 'Direction',
  'reliability.both': 'Both directions',
  'reliability.messages': 'Messages',
  'reliability.delivered': 'Delivered',
  'reliability.latency50': 'Delivery p50',
  'reliability.latency90': 'Delivery p90',
  'reliability.answerRate': 'Acknowledged',
  'reliability.overdue': 'Overdue',
  'reliability.drills': 'Drills answered',
  'reliability.drillsValue': '{answered} of {sent}',
  'reliability.byPrecedence': 'Time to acknowledge by precedence',
  'reliability.precedence': 'Precedence',
  'reliability.median': 'Median',
  'reliability.p90': 'p90',
  'reliability.latencyChart': 'Delivery latency distribution',
  'reliability.latencyDesc': 'Messages per delivery latency: {buckets}.',
  'reliability.ackChart': 'Median time to acknowledge by precedence',
  'reliability.none': '—',
  'reliability.above': 'over {limit}',
  'reliability.upTo': 'up to {limit}',
  'reliability.missingLater':
    'No event of {node} dated after the period’s end is held here yet: {node} may still add events dated inside the period.',
  'reliability.missingHoldings':
    '{node}’s record does not yet show it holds the events of {origin} up to number {needed} (it names number {recorded}).',

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
  'state.deliveredToNode': 'Delivered to {node}: {time}',

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

  'phrasebook.template': 'Standard message',
  'phrasebook.freeText': 'Free text (no template)',
  'phrasebook.search': 'Search the phrasebook',
  'phrasebook.searchHint': 'By id or by words in your language',
  'phrasebook.params': 'Parameters',
  'phrasebook.preview': 'Preview in your language',
  'phrasebook.incomplete': 'Fill in every parameter to send.',
  'phrasebook.noMatch': 'No standard message matches “{query}”.',
  'phrasebook.otherLanguages': 'Other languages',
  'phrasebook.unknown': 'Standard message {id} (not in this console’s phrasebook) — shown as sent:',
  'phrasebook.param.time': '{name} (UTC)',
  'phrasebook.param.position': '{name} (lat, lon in decimal degrees)',
  'phrasebook.param.distance': '{name} (NM)',
  'phrasebook.param.speed': '{name} (kn)',
  'phrasebook.param.altitude': '{name} (m)',
  'phrasebook.param.frequency': '{name} (MHz)',
  'phrasebook.param.duration': '{name} (min)',
  'phrasebook.param.bearing': '{name} (° true)',
  'phrasebook.param.course': '{name} (° true)',
  'phrasebook.param.other': '{name}',
  'header.language': 'Language',

  'time.utc': '{time} UTC',
  'time.dual': '{utc} · {local}',
  'time.seconds': '{count} s',
  'time.offsetSeconds': '{offset} s',
  'time.minutes': '{count} min',
  'time.hoursMinutes': '{hours} h {minutes} min',
  'time.atPeer': 'At {peer}: {time}',
  'time.in': 'in {span}',
  'time.ago': '{span} ago',

  'flash.label': 'FLASH alarm',
  'flash.incoming': 'FLASH from {author} at {time}, not acknowledged — due {relative}',
  'flash.incomingOverdue': 'FLASH from {author} at {time}, not acknowledged — OVERDUE by {span}',
  'flash.ownOverdue': 'Our FLASH of {time} is OVERDUE by {span} — not acknowledged by the peer',
  'flash.show': 'Show message',
  'flash.more':
    '{count, plural, one {# more FLASH message not acknowledged} other {# more FLASH messages not acknowledged}}',

  'escalation.label': 'Escalations',
  'escalation.receiver':
    'ESCALATED (step {step}): {precedence} from {author} not acknowledged here — alerting {roles} by {channels}',
  'escalation.sender':
    'ESCALATED (step {step}): our {precedence} ({author}) not acknowledged by the peer — alerting {roles} by {channels}',
  'escalation.notificationTitle': 'Liaison: {precedence} overdue, escalated',
  'escalation.enableNotifications': 'Enable desktop notifications',
  'escalation.channel.console': 'console',
  'escalation.channel.webhook': 'webhook',
  'escalation.channel.email': 'e-mail',

  'error.network': 'The node did not answer. Check the connection and try again.',
  'error.http': 'The node answered with an unexpected error (HTTP {status}).',

  'attachments.label': 'Attachments',
  'attachments.item': 'Attachment {name} ({size})',
  'attachments.pending': 'Attachment {name} (still arriving from the peer)',

  'duty.label': 'Duty desks',
  'duty.onDuty': 'On duty at {node}: {holder} since {time}',
  'duty.nobody': 'No one on duty at {node}',
  'duty.take': 'Take the desk',
  'duty.handOver': 'Hand over',
  'duty.handoverTitle': 'Hand over the desk',
  'duty.handoverIntro':
    'The next officer takes the desk with its open items: peer messages awaiting our acknowledgement, and ours awaiting the peer’s. Both sides see who holds the desk.',
  'duty.nextOfficer': 'Next officer',
  'duty.choose': 'Choose…',
  'duty.note': 'Note for the next officer (optional)',
  'duty.submit': 'Hand over the desk',
  'duty.submitting': 'Handing over…',
  'duty.noOfficer': 'No other user of this node may hold the desk.',
  'duty.handedToYou': 'Handed over to you by {from} at {time}',
  'duty.handedTo': 'Handed over to {to} by {from} at {time}',
  'duty.openItems': 'Open items: {count}',
  'duty.noOpenItems': 'No open items were handed over.',
  'duty.note.label': 'Note: {note}',
  'duty.item.to-acknowledge': 'To acknowledge',
  'duty.item.awaiting-peer': 'Awaiting the peer’s acknowledgement',
  'duty.item.state': 'now {state}',
  'duty.moreItems': '… and {count} more',

  'translation.label': 'Translation ({language}) by {author}',
  'translation.add': 'Translate',
  'translation.language': 'Language of the translation',
  'translation.text': 'Translation',
  'translation.submit': 'Add the translation',
  'translation.sending': 'Adding…',
  'translation.cancel': 'Cancel',

  'callRequests.label': 'Call requests and scheduled calls',
  'callRequests.scheduled': 'Scheduled calls:',
  'callRequests.scheduledNone': 'No call scheduled.',
  'callRequests.scheduledCall': '{level} call with {node}: {topic}',
  'callRequests.open': 'Call requests',
  'callRequests.openWaiting': 'Call requests · {count} to answer',
  'callRequests.reminder.due': 'Call with {node} ({level}) {when}: {topic}',
  'callRequests.reminder.deadline': '{node} asks for a call ({level}): answer by {time} ({left})',
  'callRequests.level.duty-officer': 'Duty officer level',
  'callRequests.level.director': 'Director level',
  'callRequests.level.minister': 'Minister level',
  'callRequests.title': 'Call requests',
  'callRequests.intro':
    'Ask the peer desk for a call at a level, with a topic and an urgency. The peer accepts, proposes another time or declines before the deadline; an agreed call shows on both consoles.',
  'callRequests.noHotline': 'There is no hotline to ask for a call on yet.',
  'callRequests.loading': 'Loading the call requests…',
  'callRequests.active': 'Being arranged',
  'callRequests.noneActive': 'No call request is being arranged.',
  'callRequests.closed': 'Closed',
  'callRequests.new': 'Ask for a call',
  'callRequests.line': 'With',
  'callRequests.level': 'Level',
  'callRequests.urgency': 'Urgency',
  'callRequests.topic': 'Topic',
  'callRequests.proposedAt': 'Time asked for (optional, your time)',
  'callRequests.submit': 'Send the request',
  'callRequests.sending': 'Sending…',
  'callRequests.state.openForUs': 'OPEN — awaiting your answer',
  'callRequests.state.openForPeer': 'OPEN — awaiting the answer of {node}',
  'callRequests.state.proposedForUs': 'TIME PROPOSED by {node}: {time} — awaiting your answer',
  'callRequests.state.proposedForPeer': 'TIME PROPOSED: {time} — awaiting the answer of {node}',
  'callRequests.state.agreed': 'AGREED — call at {time}',
  'callRequests.state.declined': 'DECLINED by {author}',
  'callRequests.state.cancelled': 'WITHDRAWN by {author}',
  'callRequests.state.overdue': 'OVERDUE — no answer by the deadline',
  'callRequests.history.accept': '{author} accepted at {time}',
  'callRequests.history.propose': '{author} proposed {proposed} at {time}',
  'callRequests.history.decline': '{author} declined at {time}',
  'callRequests.history.withdraw': '{author} withdrew the request at {time}',
  'callRequests.reason': 'Reason: {reason}',
  'callRequests.askedBy': 'Asked by {author} at {time}',
  'callRequests.askedFor': 'Time asked for: {time}',
  'callRequests.deadline': 'Answer by {time} ({left})',
  'callRequests.reasonLabel': 'Reason (optional)',
  'callRequests.accept': 'Accept',
  'callRequests.acceptNow': 'Accept: call now',
  'callRequests.propose': 'Propose a time',
  'callRequests.decline': 'Decline',
  'callRequests.withdraw': 'Withdraw the request',
  'callRequests.proposeAt': 'Time proposed (your time)',
  'callRequests.proposeSubmit': 'Send the proposal',
  'callRequests.timeRequired': 'Choose the time to propose.',

  'talks.open': 'Video talks',
  'talks.title': 'Video talks',
  'talks.intro':
    'Scheduled video sessions between two or more nodes, each with its agenda. Join from here when the talk begins.',
  'talks.loading': 'Loading the talks…',
  'talks.none': 'No video talk is scheduled.',
  'talks.current': 'Scheduled and in progress',
  'talks.earlier': 'Earlier and cancelled',
  'talks.new': 'Schedule a video talk',
  'talks.titleLabel': 'Title',
  'talks.members': 'Nodes taking part',
  'talks.noPeers': 'There is no paired node to hold a talk with yet.',
  'talks.startsAt': 'Starts at (your time)',
  'talks.duration': 'Duration in minutes',
  'talks.agenda': 'Agenda: one item per line',
  'talks.participants': 'Participants (optional): one per line, as “name, node id, role”',
  'talks.submit': 'Schedule the talk',
  'talks.sending': 'Scheduling…',
  'talks.membersRequired': 'Choose at least one node to hold the talk with.',
  'talks.startRequired': 'Choose when the talk starts.',
  'talks.agendaRequired': 'Write at least one agenda item.',
  'talks.participantInvalid': 'Participants, line {line}: write a name and a node id, separated by a comma.',
  'talks.phase.upcoming': 'UPCOMING',
  'talks.phase.live': 'IN PROGRESS',
  'talks.phase.ended': 'ENDED',
  'talks.phase.cancelled': 'CANCELLED',
  'talks.when': '{time} · {minutes} min',
  'talks.with': 'Nodes: {nodes}',
  'talks.agendaHeading': 'Agenda',
  'talks.presenter': 'presented by {name}',
  'talks.itemMinutes': '({count} min)',
  'talks.participantsHeading': 'Participants',
  'talks.participant': '{name}, {node}',
  'talks.nobodyConnected': 'Nobody is in the talk now.',
  'talks.connectedNow': 'In the talk now: {names}',
  'talks.attended': 'Joined so far: {names}',
  'talks.scheduledBy': 'Scheduled by {author}',
  'talks.cancelledBy': 'Cancelled by {author}.',
  'talks.cancelReason': 'Reason: {reason}',
  'talks.join': 'Join',
  'talks.joining': 'Joining: opening the camera and meeting the others…',
  'talks.leave': 'Leave the talk',
  'talks.cancel': 'Cancel the talk',
  'talks.roomLabel': 'Video talk: {title}',
  'talks.you': 'You ({user})',
  'talks.waiting': 'Waiting for the others to join…',
  'talks.localVideo': 'Your camera',
  'talks.videoOf': 'Video from {who}',
  'talks.qualityWaiting': 'Media: waiting for the first packets…',
  'talks.failed': 'The media connection failed (technical fault).',
  'talks.quality': '{state} · round trip {rtt} ms · loss {loss} % · {kb} KB received',
} as const;

/** A string id. */
export type StringKey = keyof typeof en;

/** Values for a message's arguments. */
export type StringParams = Record<string, string | number>;

/** The string tables, by language; each translation has exactly the keys of `en`. */
const tables = { en, zh, ja } satisfies Record<string, Record<StringKey, string>>;

/** Languages the console speaks (the same as the phrasebook's, HOT6). */
export type Language = keyof typeof tables;

/** Every language, in the order a selector lists them. */
export const CONSOLE_LANGUAGES = ['en', 'zh', 'ja'] as const satisfies readonly Language[];

/** Every table, for the tests that compare each translation with the English. */
export const STRING_TABLES: Readonly<Record<Language, Readonly<Record<StringKey, string>>>> = tables;

/** BCP 47 locale for `Intl` dates, numbers and lists, and for `<html lang>`, in each language. */
const locales: Record<Language, string> = { en: 'en-GB', zh: 'zh-CN', ja: 'ja-JP' };

let language: Language = 'en';
const listeners = new Set<() => void>();

/** Switches the console's language (per user, CON4) and tells every subscriber. */
export function setLanguage(next: Language): void {
  if (next === language) return;
  language = next;
  for (const listener of listeners) listener();
}

/** The console's current language. */
export function currentLanguage(): Language {
  return language;
}

/** Calls `listener` after each change of language; returns the unsubscribe function. */
export function subscribeLanguage(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The locale for `Intl` formatting in the current language (or in `of`). */
export function currentLocale(of: Language = language): string {
  return locales[of];
}

const parsed = new Map<string, readonly MessagePart[] | null>();

/** A message's parts, parsed once; null when it does not parse (then shown as written). */
function partsOf(source: string): readonly MessagePart[] | null {
  let parts = parsed.get(source);
  if (parts === undefined) {
    const result = parseMessage(source);
    parts = result.ok ? result.parts : null;
    parsed.set(source, parts);
  }
  return parts;
}

/** The text of `key` in the current language, its arguments filled from `params`. */
export function t(key: StringKey, params: StringParams = {}): string {
  const source: string = tables[language][key];
  const parts = partsOf(source);
  return parts === null ? source : formatParts(parts, params, locales[language]);
}

/** Items as a list in the current language: "a, b and c", "a、b和c", "a、b、c". */
export function formatList(items: readonly string[]): string {
  return new Intl.ListFormat(locales[language], { style: 'long', type: 'conjunction' }).format(items);
}
