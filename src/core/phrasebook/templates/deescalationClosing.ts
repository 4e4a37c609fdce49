/**
 * Phrasebook data (HOT6), part three: de-escalation proposals, call requests (HOT7),
 * acknowledgements and closings.
 */
import type { Template } from '../types.ts';
import { COURSE, DISTANCE, DURATION, FREQUENCY, LEVEL, OWN, REASON, SPEED, TIME } from './decls.ts';

/** Proposals to lower the tension. */
const DEESCALATION: Template[] = [
  {
    id: 'deesc.increase-separation',
    category: 'deescalation',
    params: [DISTANCE],
    text: {
      en: 'We propose that both sides increase their separation to at least {distance}.',
      zh: '我方提议双方将间距拉大至至少{distance}。',
      ja: '双方が間隔を少なくとも{distance}まで広げることを提案します。',
    },
  },
  {
    id: 'deesc.reduce-speed',
    category: 'deescalation',
    params: [SPEED],
    text: {
      en: 'We propose that both sides reduce speed to {speed} or less.',
      zh: '我方提议双方将航速降至{speed}以下。',
      ja: '双方が速力を{speed}以下に落とすことを提案します。',
    },
  },
  {
    id: 'deesc.withdraw',
    category: 'deescalation',
    params: [OWN, COURSE],
    text: {
      en: 'As a gesture of restraint, our unit {own} will withdraw on course {course}.',
      zh: '作为克制的表示，我方{own}将以航向{course}撤离。',
      ja: '自制の意思を示すため、当方の{own}は針路{course}で離脱します。',
    },
  },
  {
    id: 'deesc.restraint',
    category: 'deescalation',
    params: [],
    text: {
      en: 'We ask your side to exercise restraint and to avoid any action that could escalate the situation.',
      zh: '请你方保持克制，避免采取任何可能导致局势升级的行动。',
      ja: '貴方に対し、自制を保ち、事態を拡大させるおそれのあるいかなる行動も避けるよう要請します。',
    },
  },
  {
    id: 'deesc.follow-cues',
    category: 'deescalation',
    params: [],
    text: {
      en: 'We propose that both sides act in accordance with the Code for Unplanned Encounters at Sea.',
      zh: '我方提议双方遵照《海上意外相遇规则》行事。',
      ja: '双方が「洋上で不慮の遭遇をした場合の行動基準」に従って行動することを提案します。',
    },
  },
  {
    id: 'deesc.pause-activity',
    category: 'deescalation',
    params: [DURATION],
    text: {
      en: 'We propose that both sides pause the activity for {duration}.',
      zh: '我方提议双方暂停该活动{duration}。',
      ja: '双方が当該活動を{duration}中断することを提案します。',
    },
  },
  {
    id: 'deesc.accept',
    category: 'deescalation',
    params: [],
    text: {
      en: 'We accept your proposal.',
      zh: '我方接受你方提议。',
      ja: '当方は貴方の提案を受け入れます。',
    },
  },
  {
    id: 'deesc.decline',
    category: 'deescalation',
    params: [REASON],
    text: {
      en: 'We cannot accept your proposal, for this reason: {reason}.',
      zh: '我方无法接受你方提议，理由如下：{reason}。',
      ja: '当方は貴方の提案を受け入れることができません。理由は次のとおりです：{reason}。',
    },
  },
  {
    id: 'deesc.on-scene-contact',
    category: 'deescalation',
    params: [FREQUENCY],
    text: {
      en: 'We propose that the units on scene talk to each other directly on {frequency}.',
      zh: '我方提议现场兵力在{frequency}直接通信。',
      ja: '現場の部隊同士が{frequency}で直接通信することを提案します。',
    },
  },
];

/** Call requests and their answers (HOT7). */
const CALLS: Template[] = [
  {
    id: 'call.request',
    category: 'call',
    params: [LEVEL, TIME],
    text: {
      en: 'We request a call at {level} level at {time}.',
      zh: '我方请求于{time}进行{level}级别的通话。',
      ja: '当方は{time}に{level}レベルでの通話を要請します。',
    },
  },
  {
    id: 'call.request-urgent',
    category: 'call',
    params: [LEVEL],
    text: {
      en: 'We request an urgent call at {level} level as soon as possible.',
      zh: '我方请求尽快进行{level}级别的紧急通话。',
      ja: '当方は可能な限り速やかに{level}レベルでの緊急通話を要請します。',
    },
  },
  {
    id: 'call.accept',
    category: 'call',
    params: [TIME],
    text: {
      en: 'We accept the call at {time}.',
      zh: '我方同意于{time}通话。',
      ja: '当方は{time}の通話に応じます。',
    },
  },
  {
    id: 'call.propose-time',
    category: 'call',
    params: [TIME],
    text: {
      en: 'We propose to hold the call at {time} instead.',
      zh: '我方提议改为于{time}通话。',
      ja: '当方は、代わりに{time}に通話を行うことを提案します。',
    },
  },
  {
    id: 'call.decline',
    category: 'call',
    params: [],
    text: {
      en: 'We are unable to hold the call now and will propose another time.',
      zh: '我方目前无法进行通话，将另行提议时间。',
      ja: '当方は現時点で通話に応じることができません。別の日時を追って提案します。',
    },
  },
  {
    // Posted by the caller's node when a call rang out unanswered (CALL2): an item to acknowledge.
    id: 'call.missed',
    category: 'call',
    params: [TIME],
    text: {
      en: 'Missed call: we called your desk at {time} and nobody answered. Please call back.',
      zh: '未接来电：我方于{time}呼叫贵方值班台，无人接听。请回电。',
      ja: '不在着信：当方は{time}に貴方の当直席を呼び出しましたが、応答がありませんでした。折り返しご連絡ください。',
    },
  },
  {
    id: 'call.topic',
    category: 'call',
    params: [{ name: 'topic', type: 'text' }],
    text: {
      en: 'The topic of the proposed call is: {topic}.',
      zh: '拟议通话的议题是：{topic}。',
      ja: '提案する通話の議題は次のとおりです：{topic}。',
    },
  },
];

/** Acknowledgements. */
const ACKNOWLEDGEMENTS: Template[] = [
  {
    id: 'ack.received',
    category: 'ack',
    params: [],
    text: {
      en: 'Your message has been received.',
      zh: '你方信息已收到。',
      ja: '貴方の通信を受信しました。',
    },
  },
  {
    id: 'ack.understood',
    category: 'ack',
    params: [],
    text: {
      en: 'Your message has been received and understood.',
      zh: '你方信息已收到并理解。',
      ja: '貴方の通信を受信し、了解しました。',
    },
  },
  {
    id: 'ack.will-comply',
    category: 'ack',
    params: [],
    text: {
      en: 'Received. We will comply.',
      zh: '收到，我方将照办。',
      ja: '受信しました。当方はこれに従います。',
    },
  },
  {
    id: 'ack.cannot-comply',
    category: 'ack',
    params: [REASON],
    text: {
      en: 'Received. We cannot comply: {reason}.',
      zh: '收到，我方无法照办：{reason}。',
      ja: '受信しました。当方は対応できません：{reason}。',
    },
  },
  {
    id: 'ack.reply-by',
    category: 'ack',
    params: [TIME],
    text: {
      en: 'Received. We will reply by {time}.',
      zh: '收到，我方将于{time}前答复。',
      ja: '受信しました。{time}までに回答します。',
    },
  },
  {
    id: 'ack.say-again',
    category: 'ack',
    params: [],
    text: {
      en: 'Please repeat your last message.',
      zh: '请重复你方最后一条信息。',
      ja: '直前の通信を繰り返してください。',
    },
  },
  {
    id: 'ack.forwarded',
    category: 'ack',
    params: [LEVEL],
    text: {
      en: 'Your message has been passed to our {level}.',
      zh: '你方信息已转呈我方{level}。',
      ja: '貴方の通信を当方の{level}に伝達しました。',
    },
  },
  {
    id: 'ack.checking',
    category: 'ack',
    params: [],
    text: {
      en: 'We are checking the facts and will reply as soon as possible.',
      zh: '我方正在核实情况，将尽快答复。',
      ja: '当方は事実関係を確認中であり、可能な限り速やかに回答します。',
    },
  },
];

/** Closings. */
const CLOSINGS: Template[] = [
  {
    id: 'closing.resolved',
    category: 'closing',
    params: [],
    text: {
      en: 'We consider this matter resolved.',
      zh: '我方认为此事已解决。',
      ja: '当方は本件が解決したものと認識しています。',
    },
  },
  {
    id: 'closing.units-separated',
    category: 'closing',
    params: [TIME],
    text: {
      en: 'The units separated at {time}. We consider this encounter closed.',
      zh: '双方兵力已于{time}脱离接触，我方认为此次相遇已结束。',
      ja: '双方の部隊は{time}に離隔しました。当方は本遭遇が終了したものと認識しています。',
    },
  },
  {
    id: 'closing.thanks',
    category: 'closing',
    params: [],
    text: {
      en: 'Thank you for your cooperation.',
      zh: '感谢你方的合作。',
      ja: '貴方のご協力に感謝します。',
    },
  },
  {
    id: 'closing.end',
    category: 'closing',
    params: [],
    text: {
      en: 'End of communication.',
      zh: '通话结束。',
      ja: '以上で通信を終わります。',
    },
  },
  {
    id: 'closing.review-meeting',
    category: 'closing',
    params: [TIME],
    text: {
      en: 'We propose to review this encounter at the next liaison meeting, at {time}.',
      zh: '我方提议在{time}举行的下次联络会议上复盘此次相遇。',
      ja: '当方は、{time}に開催される次回の連絡会議において本遭遇を検討することを提案します。',
    },
  },
  {
    id: 'closing.standing-by',
    category: 'closing',
    params: [],
    text: {
      en: 'We remain on watch on this line.',
      zh: '我方在本线路继续值守。',
      ja: '当方は引き続き本回線で待機します。',
    },
  },
];

/** Part three of the phrasebook. */
export const DEESCALATION_CLOSING_TEMPLATES: readonly Template[] = [
  ...DEESCALATION,
  ...CALLS,
  ...ACKNOWLEDGEMENTS,
  ...CLOSINGS,
];
