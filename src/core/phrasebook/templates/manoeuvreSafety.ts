/**
 * Phrasebook data (HOT6), part two: manoeuvring intentions in the style of the Code for
 * Unplanned Encounters at Sea (CUES), and requests to keep clear or to stop an unsafe action.
 * Japanese uses the maritime terms of the Act on Preventing Collision at Sea (変針, 航過,
 * 運転不自由船); Chinese those of the collision regulations (转向, 追越, 失去控制).
 */
import type { Template } from '../types.ts';
import { ALTITUDE, COURSE, DISTANCE, DURATION, OTHER, OWN, POSITION, SIDE, SPEED, TIME } from './decls.ts';

/** Manoeuvring intentions, at sea and in the air. */
const MANOEUVRES: Template[] = [
  {
    id: 'cues.manoeuvre.alter-course',
    category: 'manoeuvre',
    params: [OWN, SIDE, COURSE],
    text: {
      en: 'Our ship {own} is altering course to {side}, new course {course}.',
      zh: '我舰{own}正向{side}转向，新航向{course}。',
      ja: '本艦{own}は{side}に変針中です。新針路{course}。',
    },
  },
  {
    id: 'cues.manoeuvre.reduce-speed',
    category: 'manoeuvre',
    params: [OWN, SPEED],
    text: {
      en: 'Our ship {own} is reducing speed to {speed}.',
      zh: '我舰{own}正在减速至{speed}。',
      ja: '本艦{own}は速力を{speed}に減速中です。',
    },
  },
  {
    id: 'cues.manoeuvre.increase-speed',
    category: 'manoeuvre',
    params: [OWN, SPEED],
    text: {
      en: 'Our ship {own} is increasing speed to {speed}.',
      zh: '我舰{own}正在加速至{speed}。',
      ja: '本艦{own}は速力を{speed}に増速中です。',
    },
  },
  {
    id: 'cues.manoeuvre.stopping',
    category: 'manoeuvre',
    params: [OWN],
    text: {
      en: 'Our ship {own} is stopping its engines.',
      zh: '我舰{own}正在停车。',
      ja: '本艦{own}は機関を停止中です。',
    },
  },
  {
    id: 'cues.manoeuvre.overtaking',
    category: 'manoeuvre',
    params: [OWN, OTHER, SIDE],
    text: {
      en: 'Our ship {own} intends to overtake {other} on its {side} side.',
      zh: '我舰{own}拟从{other}的{side}舷追越。',
      ja: '本艦{own}は{other}の{side}舷側を追い越す予定です。',
    },
  },
  {
    id: 'cues.manoeuvre.maintain',
    category: 'manoeuvre',
    params: [OWN, COURSE, SPEED],
    text: {
      en: 'Our ship {own} is maintaining course {course} and speed {speed}.',
      zh: '我舰{own}保持航向{course}、航速{speed}。',
      ja: '本艦{own}は針路{course}、速力{speed}を保持します。',
    },
  },
  {
    id: 'cues.manoeuvre.pass-port-to-port',
    category: 'manoeuvre',
    params: [OWN, OTHER],
    text: {
      en: 'Our ship {own} intends to pass {other} port to port.',
      zh: '我舰{own}拟与{other}左舷对左舷通过。',
      ja: '本艦{own}は{other}と左舷対左舷で航過する予定です。',
    },
  },
  {
    id: 'cues.manoeuvre.pass-starboard-to-starboard',
    category: 'manoeuvre',
    params: [OWN, OTHER],
    text: {
      en: 'Our ship {own} intends to pass {other} starboard to starboard.',
      zh: '我舰{own}拟与{other}右舷对右舷通过。',
      ja: '本艦{own}は{other}と右舷対右舷で航過する予定です。',
    },
  },
  {
    id: 'cues.manoeuvre.flight-operations',
    category: 'manoeuvre',
    params: [OWN, COURSE, SPEED, DURATION],
    text: {
      en: 'Our ship {own} is conducting flight operations on course {course} at {speed} for {duration}. Keep clear.',
      zh: '我舰{own}正在进行舰载机起降作业，航向{course}，航速{speed}，持续{duration}，请保持距离。',
      ja: '本艦{own}は針路{course}、速力{speed}で{duration}にわたり航空機の発着艦作業を実施中です。離れて航行してください。',
    },
  },
  {
    id: 'cues.manoeuvre.replenishment',
    category: 'manoeuvre',
    params: [OWN],
    text: {
      en: 'Our ship {own} is replenishing at sea and is restricted in its ability to manoeuvre.',
      zh: '我舰{own}正在进行海上补给，操纵能力受限。',
      ja: '本艦{own}は洋上補給中であり、操縦性能が制限されています。',
    },
  },
  {
    id: 'cues.manoeuvre.towing',
    category: 'manoeuvre',
    params: [OWN, DISTANCE],
    text: {
      en: 'Our ship {own} is towing an array {distance} astern. Do not cross astern of it.',
      zh: '我舰{own}正在拖曳阵列，拖曳长度{distance}，请勿从舰尾穿越。',
      ja: '本艦{own}は後方{distance}にわたり曳航物を曳航中です。艦尾を横切らないでください。',
    },
  },
  {
    id: 'cues.manoeuvre.not-under-command',
    category: 'manoeuvre',
    params: [OWN],
    text: {
      en: 'Our ship {own} is not under command.',
      zh: '我舰{own}失去控制。',
      ja: '本艦{own}は運転不自由船の状態にあります。',
    },
  },
  {
    id: 'cues.manoeuvre.anchoring',
    category: 'manoeuvre',
    params: [OWN, POSITION],
    text: {
      en: 'Our ship {own} is anchoring at {position}.',
      zh: '我舰{own}正在{position}锚泊。',
      ja: '本艦{own}は{position}で投錨中です。',
    },
  },
  {
    id: 'air.manoeuvre.turn',
    category: 'manoeuvre',
    params: [OWN, SIDE, COURSE],
    text: {
      en: 'Our aircraft {own} is turning to {side} onto heading {course}.',
      zh: '我机{own}正向{side}转弯，新航向{course}。',
      ja: '当方航空機{own}は{side}に旋回し、針路{course}に向かいます。',
    },
  },
  {
    id: 'air.manoeuvre.climb',
    category: 'manoeuvre',
    params: [OWN, ALTITUDE],
    text: {
      en: 'Our aircraft {own} is climbing to {altitude}.',
      zh: '我机{own}正在爬升至{altitude}。',
      ja: '当方航空機{own}は{altitude}まで上昇中です。',
    },
  },
  {
    id: 'air.manoeuvre.descend',
    category: 'manoeuvre',
    params: [OWN, ALTITUDE],
    text: {
      en: 'Our aircraft {own} is descending to {altitude}.',
      zh: '我机{own}正在下降至{altitude}。',
      ja: '当方航空機{own}は{altitude}まで降下中です。',
    },
  },
  {
    id: 'air.manoeuvre.leaving',
    category: 'manoeuvre',
    params: [OWN, COURSE],
    text: {
      en: 'Our aircraft {own} is leaving the area on heading {course}.',
      zh: '我机{own}正以航向{course}离开该空域。',
      ja: '当方航空機{own}は針路{course}で当該空域を離脱中です。',
    },
  },
];

/** Requests to keep clear, or to stop an unsafe action. */
const SAFETY: Template[] = [
  {
    id: 'safety.keep-clear',
    category: 'safety',
    params: [OTHER, DISTANCE],
    text: {
      en: 'Request that {other} keep at least {distance} from our unit.',
      zh: '请{other}与我方保持至少{distance}的距离。',
      ja: '{other}が当方部隊から少なくとも{distance}の距離を保持するよう要請します。',
    },
  },
  {
    id: 'safety.dangerous-manoeuvre',
    category: 'safety',
    params: [OTHER],
    text: {
      en: '{other}, your manoeuvre is dangerous. Keep clear of our unit.',
      zh: '{other}，你方机动危险，请远离我方。',
      ja: '{other}、貴方の運動は危険です。当方部隊から離れてください。',
    },
  },
  {
    id: 'safety.stop.fire-control-radar',
    category: 'safety',
    params: [OTHER],
    text: {
      en: '{other}, stop illuminating our unit with fire-control radar immediately.',
      zh: '{other}，请立即停止以火控雷达照射我方。',
      ja: '{other}、当方部隊への火器管制レーダーの照射を直ちに停止してください。',
    },
  },
  {
    id: 'safety.stop.weapons-aimed',
    category: 'safety',
    params: [OTHER],
    text: {
      en: '{other}, stop aiming weapons at our unit immediately.',
      zh: '{other}，请立即停止将武器瞄准我方。',
      ja: '{other}、当方部隊に武器の照準を合わせる行為を直ちに停止してください。',
    },
  },
  {
    id: 'safety.stop.laser',
    category: 'safety',
    params: [OTHER],
    text: {
      en: '{other}, stop directing lasers at our unit immediately.',
      zh: '{other}，请立即停止向我方照射激光。',
      ja: '{other}、当方部隊へのレーザー照射を直ちに停止してください。',
    },
  },
  {
    id: 'safety.stop.crossing-ahead',
    category: 'safety',
    params: [OTHER, DISTANCE],
    text: {
      en: '{other}, do not cross ahead of our ship within {distance}.',
      zh: '{other}，请勿在我舰前方{distance}以内穿越。',
      ja: '{other}、本艦前方{distance}以内を横切らないでください。',
    },
  },
  {
    id: 'safety.stop.unsafe-intercept',
    category: 'safety',
    params: [OTHER],
    text: {
      en: '{other}, your intercept is unsafe. Stop it and increase separation.',
      zh: '{other}，你机拦截行为不安全，请停止并拉大间隔。',
      ja: '{other}、貴機の要撃行動は安全ではありません。中止し、間隔を広げてください。',
    },
  },
  {
    id: 'safety.collision-risk',
    category: 'safety',
    params: [OTHER, DISTANCE, TIME],
    text: {
      en: 'Risk of collision with {other}: closest approach of {distance} expected at {time}.',
      zh: '与{other}存在碰撞危险：预计于{time}达到最近距离{distance}。',
      ja: '{other}との衝突のおそれがあります。{time}に最接近距離{distance}となる見込みです。',
    },
  },
  {
    id: 'safety.do-not-impede',
    category: 'safety',
    params: [OTHER],
    text: {
      en: '{other}, do not impede the manoeuvring of our ship.',
      zh: '{other}，请勿妨碍我舰机动。',
      ja: '{other}、本艦の運動を妨害しないでください。',
    },
  },
  {
    id: 'safety.danger-area',
    category: 'safety',
    params: [POSITION, DISTANCE],
    text: {
      en: 'Your unit is entering an area within {distance} of {position} where dangerous operations are under way.',
      zh: '你方正在进入以{position}为中心、半径{distance}的危险作业区域。',
      ja: '貴方は、{position}を中心とする半径{distance}の、危険な作業が行われている区域に進入しつつあります。',
    },
  },
];

/** Part two of the phrasebook. */
export const MANOEUVRE_SAFETY_TEMPLATES: readonly Template[] = [...MANOEUVRES, ...SAFETY];
