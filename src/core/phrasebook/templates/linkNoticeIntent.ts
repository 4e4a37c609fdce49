/**
 * Phrasebook data (HOT6), part one: link tests, notices of an encounter or an activity, and
 * requests to clarify intentions with their answers. Formal register throughout: 我方/你方 in
 * Chinese, 当方/貴方 in Japanese, as liaison between defence authorities writes them.
 */
import type { Template } from '../types.ts';
import {
  ALTITUDE,
  COURSE,
  DISTANCE,
  DURATION,
  FREQUENCY,
  OTHER,
  OWN,
  POSITION,
  REASON,
  SPEED,
  TIME,
} from './decls.ts';

/** Link tests and line discipline. */
const LINK: Template[] = [
  {
    id: 'link.test.request',
    category: 'link',
    params: [],
    text: {
      en: 'This is a test of the direct line. Please acknowledge receipt.',
      zh: '这是直通线路测试，请确认收到。',
      ja: 'これは直通回線の試験です。受信を確認してください。',
    },
  },
  {
    id: 'link.test.reply',
    category: 'link',
    params: [],
    text: {
      en: 'Test message received. The line is working.',
      zh: '测试信息已收到，线路工作正常。',
      ja: '試験通信を受信しました。回線は正常に機能しています。',
    },
  },
  {
    id: 'link.test.scheduled',
    category: 'link',
    params: [TIME],
    text: {
      en: 'A scheduled test of this line will be conducted at {time}.',
      zh: '将于{time}对本线路进行定期测试。',
      ja: '{time}に本回線の定期試験を実施します。',
    },
  },
  {
    id: 'link.quality.incomplete',
    category: 'link',
    params: [],
    text: {
      en: 'Your transmissions are reaching us incomplete. Please send your last message again.',
      zh: '我方收到的你方信息不完整，请重发最后一条信息。',
      ja: '貴方からの通信が不完全な状態で届いています。直前の通信を再送してください。',
    },
  },
  {
    id: 'link.radio.check',
    category: 'link',
    params: [FREQUENCY],
    text: {
      en: 'Request a radio check on {frequency}.',
      zh: '请求在{frequency}进行无线电通信检查。',
      ja: '{frequency}での無線通信確認を要請します。',
    },
  },
  {
    id: 'link.backup.frequency',
    category: 'link',
    params: [FREQUENCY, TIME],
    text: {
      en: 'If this line fails, we will call you on {frequency} from {time}.',
      zh: '如本线路中断，我方将自{time}起在{frequency}呼叫你方。',
      ja: '本回線が途絶した場合、当方は{time}から{frequency}で貴方を呼び出します。',
    },
  },
];

/** Notices of an encounter, of unsafe conduct and of planned activities. */
const NOTICES: Template[] = [
  {
    id: 'notice.encounter.sea',
    category: 'notice',
    params: [OWN, OTHER, POSITION, TIME],
    text: {
      en: 'Notice of an encounter at sea: our ship {own} encountered your ship {other} at {position} at {time}.',
      zh: '海上相遇通报：我舰{own}于{time}在{position}与你舰{other}相遇。',
      ja: '海上における遭遇の通報：本艦{own}は{time}、{position}において貴艦{other}と遭遇しました。',
    },
  },
  {
    id: 'notice.encounter.air',
    category: 'notice',
    params: [OWN, OTHER, POSITION, TIME],
    text: {
      en: 'Notice of an encounter in the air: our aircraft {own} encountered your aircraft {other} near {position} at {time}.',
      zh: '空中相遇通报：我机{own}于{time}在{position}附近与你机{other}相遇。',
      ja: '空中における遭遇の通報：当方航空機{own}は{time}、{position}付近において貴方航空機{other}と遭遇しました。',
    },
  },
  {
    id: 'notice.closest-approach',
    category: 'notice',
    params: [OTHER, DISTANCE, TIME],
    text: {
      en: 'Your unit {other} approached to within {distance} of our unit at {time}.',
      zh: '你方{other}于{time}接近我方至{distance}以内。',
      ja: '貴方の{other}は{time}、当方部隊から{distance}以内まで接近しました。',
    },
  },
  {
    id: 'notice.report-follows',
    category: 'notice',
    params: [],
    text: {
      en: 'A written encounter report follows on this line.',
      zh: '书面相遇报告将随后通过本线路发送。',
      ja: '遭遇に関する書面報告を本回線で追って送付します。',
    },
  },
  {
    id: 'notice.unsafe-conduct',
    category: 'notice',
    params: [OTHER, TIME, POSITION],
    text: {
      en: 'We regard the conduct of {other} at {time} near {position} as unsafe and unprofessional.',
      zh: '我方认为{other}于{time}在{position}附近的行为不安全、不专业。',
      ja: '当方は、{time}に{position}付近で{other}がとった行動を、安全を欠き専門性に欠けるものと認識しています。',
    },
  },
  {
    id: 'notice.fire-control-radar',
    category: 'notice',
    params: [OTHER, TIME, POSITION],
    text: {
      en: 'Your unit {other} directed fire-control radar at our unit at {time} near {position}.',
      zh: '你方{other}于{time}在{position}附近以火控雷达照射我方。',
      ja: '貴方の{other}は{time}、{position}付近において当方部隊に対し火器管制レーダーを照射しました。',
    },
  },
  {
    id: 'notice.flares',
    category: 'notice',
    params: [OTHER, TIME],
    text: {
      en: 'Your aircraft {other} released flares near our aircraft at {time}.',
      zh: '你机{other}于{time}在我机附近投放干扰弹。',
      ja: '貴方航空機{other}は{time}、当方航空機の付近でフレアを放出しました。',
    },
  },
  {
    id: 'notice.laser',
    category: 'notice',
    params: [OTHER, TIME, POSITION],
    text: {
      en: 'A laser was directed at our unit from {other} at {time} near {position}.',
      zh: '{time}，你方{other}在{position}附近向我方照射激光。',
      ja: '{time}、{position}付近において貴方の{other}から当方部隊にレーザーが照射されました。',
    },
  },
  {
    id: 'notice.activity.exercise',
    category: 'notice',
    params: [POSITION, DISTANCE, TIME, DURATION],
    text: {
      en: 'Our units will conduct exercises within {distance} of {position} from {time} for {duration}.',
      zh: '我方部队将自{time}起在以{position}为中心、半径{distance}的范围内进行演练，持续{duration}。',
      ja: '当方部隊は{time}から{duration}にわたり、{position}を中心とする半径{distance}の範囲で訓練を実施します。',
    },
  },
  {
    id: 'notice.activity.live-firing',
    category: 'notice',
    params: [POSITION, DISTANCE, TIME, DURATION],
    text: {
      en: 'Live firing will take place within {distance} of {position} from {time} for {duration}. Keep clear.',
      zh: '将自{time}起在以{position}为中心、半径{distance}的范围内进行实弹射击，持续{duration}，请远离该区域。',
      ja: '{time}から{duration}にわたり、{position}を中心とする半径{distance}の範囲で実弾射撃を行います。当該区域に近づかないでください。',
    },
  },
  {
    // The item the peer acknowledges for a structured activity notice (ENC3); the area is on the map.
    id: 'notice.activity.area',
    category: 'notice',
    params: [
      { name: 'title', type: 'text' },
      { name: 'from', type: 'time' },
      { name: 'until', type: 'time' },
    ],
    text: {
      en: 'Notice of a planned activity: {title}, from {from} until {until}, in the area shown on the map.',
      zh: '计划活动通报：{title}，自{from}至{until}，区域见地图。',
      ja: '計画中の活動の通報：{title}、{from}から{until}まで、区域は地図のとおりです。',
    },
  },
  {
    id: 'notice.search-and-rescue',
    category: 'notice',
    params: [POSITION, TIME],
    text: {
      en: 'We have been conducting a search and rescue operation near {position} since {time}.',
      zh: '我方自{time}起正在{position}附近实施搜救行动。',
      ja: '当方は{time}から{position}付近で捜索救難活動を実施中です。',
    },
  },
];

/** Requests to clarify intentions, and the answers to them. */
const INTENTIONS: Template[] = [
  {
    id: 'cues.intent.query',
    category: 'intent',
    params: [OTHER],
    text: {
      en: 'Request the intentions of {other}.',
      zh: '请告知{other}的意图。',
      ja: '{other}の意図を通報願います。',
    },
  },
  {
    id: 'cues.intent.query-position',
    category: 'intent',
    params: [OTHER, POSITION],
    text: {
      en: 'Your unit {other} is at {position}. Please state your intentions.',
      zh: '你方{other}位于{position}，请说明你方意图。',
      ja: '貴方の{other}は{position}にいます。貴方の意図を明らかにしてください。',
    },
  },
  {
    id: 'cues.intent.query-course',
    category: 'intent',
    params: [OTHER, COURSE, SPEED],
    text: {
      en: 'Your unit {other} is steering {course} at {speed}. Please state your intentions.',
      zh: '你方{other}航向{course}，航速{speed}，请说明你方意图。',
      ja: '貴方の{other}は針路{course}、速力{speed}で航行中です。貴方の意図を明らかにしてください。',
    },
  },
  {
    id: 'cues.intent.query-shadowing',
    category: 'intent',
    params: [OTHER, DURATION],
    text: {
      en: 'Your unit {other} has followed our unit for {duration}. Please state the purpose.',
      zh: '你方{other}已跟随我方{duration}，请说明其目的。',
      ja: '貴方の{other}は{duration}にわたり当方部隊を追尾しています。その目的を明らかにしてください。',
    },
  },
  {
    id: 'cues.intent.query-aircraft',
    category: 'intent',
    params: [OTHER, ALTITUDE, POSITION],
    text: {
      en: 'Your aircraft {other} is flying at {altitude} near {position}. Please state its intentions.',
      zh: '你机{other}在{position}附近飞行，高度{altitude}，请说明其意图。',
      ja: '貴方航空機{other}は{position}付近、高度{altitude}を飛行中です。その意図を明らかにしてください。',
    },
  },
  {
    id: 'cues.intent.reply-transit',
    category: 'intent',
    params: [OWN, COURSE, SPEED],
    text: {
      en: 'Our unit {own} is in transit, steering {course} at {speed}. We have no hostile intent.',
      zh: '我方{own}正在过航，航向{course}，航速{speed}，我方无敌对意图。',
      ja: '当方の{own}は通航中であり、針路{course}、速力{speed}で航行しています。当方に敵対的な意図はありません。',
    },
  },
  {
    id: 'cues.intent.reply-exercise',
    category: 'intent',
    params: [OWN, TIME],
    text: {
      en: 'Our unit {own} is conducting a routine exercise until {time}.',
      zh: '我方{own}正在进行例行训练，至{time}结束。',
      ja: '当方の{own}は{time}まで定例訓練を実施中です。',
    },
  },
  {
    id: 'cues.intent.reply-patrol',
    category: 'intent',
    params: [OWN],
    text: {
      en: 'Our unit {own} is conducting a routine patrol in accordance with international law.',
      zh: '我方{own}正依据国际法进行例行巡逻。',
      ja: '当方の{own}は国際法に従い定例の哨戒を実施中です。',
    },
  },
  {
    id: 'cues.intent.no-hostile-intent',
    category: 'intent',
    params: [],
    text: {
      en: 'We have no hostile intent.',
      zh: '我方无任何敌对意图。',
      ja: '当方にはいかなる敵対的意図もありません。',
    },
  },
  {
    id: 'cues.intent.clarify-signal',
    category: 'intent',
    params: [OTHER, TIME],
    text: {
      en: 'Please clarify the meaning of the signal made by {other} at {time}.',
      zh: '请说明{other}于{time}所发信号的含义。',
      ja: '{time}に{other}が発した信号の意味を明らかにしてください。',
    },
  },
  {
    id: 'cues.intent.radio-unanswered',
    category: 'intent',
    params: [OTHER, FREQUENCY, TIME],
    text: {
      en: 'Our calls to {other} on {frequency} since {time} have not been answered. Please instruct it to answer.',
      zh: '我方自{time}起在{frequency}呼叫{other}，未获应答，请指示其应答。',
      ja: '当方は{time}から{frequency}で{other}を呼び出していますが、応答がありません。応答するよう指示願います。',
    },
  },
  {
    id: 'cues.intent.reply-cannot-disclose',
    category: 'intent',
    params: [REASON],
    text: {
      en: 'We cannot give further details of this activity: {reason}.',
      zh: '我方无法提供该活动的更多细节：{reason}。',
      ja: '当方は本活動についてこれ以上の詳細を提供できません：{reason}。',
    },
  },
];

/** Part one of the phrasebook. */
export const LINK_NOTICE_INTENT_TEMPLATES: readonly Template[] = [...LINK, ...NOTICES, ...INTENTIONS];
