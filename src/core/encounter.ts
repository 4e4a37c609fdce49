/**
 * The encounter report (ENC1) and the activity notice (ENC3) as data: their schemas, the code
 * lists a duty officer picks from (platform kinds, behaviours with their definitions in English,
 * Chinese and Japanese, kinds of on-scene communication and of activity), and the checks that
 * give each bad field its own message.
 *
 * Pure (zod only): the node validates what it records and what peers send with it, and the
 * console checks its form with the same rules before sending.
 */
import { z } from 'zod';
import type { Language } from './phrasebook/types.ts';
import type { Precedence } from './types.ts';

export const DOMAINS = ['sea', 'air'] as const;
export type Domain = (typeof DOMAINS)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * The precedence of the item the peer must acknowledge for a report of each severity, and so its
 * deadline (HOT2): a critical encounter is FLASH.
 */
export const SEVERITY_PRECEDENCE: Record<Severity, Precedence> = {
  critical: 'FLASH',
  high: 'IMMEDIATE',
  medium: 'PRIORITY',
  low: 'ROUTINE',
};

/** Platform kinds, per domain, for the pick-lists. */
export const PLATFORM_KINDS: Record<Domain, readonly string[]> = {
  sea: [
    'aircraft-carrier',
    'cruiser',
    'destroyer',
    'frigate',
    'corvette',
    'amphibious-ship',
    'submarine',
    'patrol-vessel',
    'auxiliary',
    'coast-guard',
    'maritime-militia',
    'research-vessel',
    'fishing-vessel',
    'merchant-vessel',
    'other-vessel',
  ],
  air: [
    'fighter',
    'bomber',
    'maritime-patrol',
    'reconnaissance',
    'airborne-early-warning',
    'tanker',
    'transport',
    'helicopter',
    'uav',
    'other-aircraft',
  ],
};

/** Every platform kind, sea and air. */
export const ALL_PLATFORM_KINDS: readonly string[] = [...PLATFORM_KINDS.sea, ...PLATFORM_KINDS.air];

/** A behaviour of the code list with its definition in each language (ENC1). */
export interface BehaviourCode {
  code: string;
  name: Record<Language, string>;
  definition: Record<Language, string>;
}

export const BEHAVIOURS: readonly BehaviourCode[] = [
  {
    code: 'unsafe-approach',
    name: { en: 'Unsafe approach', zh: '危险接近', ja: '危険な接近' },
    definition: {
      en: 'Closing to a distance or at a speed that leaves no safe margin to avoid a collision.',
      zh: '以不留安全余量、难以避免碰撞的距离或速度接近。',
      ja: '衝突を避けるための安全な余裕が残らない距離または速度で接近すること。',
    },
  },
  {
    code: 'crossing-ahead',
    name: { en: 'Crossing ahead', zh: '抢越船头', ja: '前方横切り' },
    definition: {
      en: 'Crossing the bow or flight path at close range, forcing the other to manoeuvre.',
      zh: '在近距离横越对方船头或航迹，迫使对方机动避让。',
      ja: '近距離で相手の船首または飛行経路を横切り、相手に回避操作を強いること。',
    },
  },
  {
    code: 'fire-control-radar',
    name: { en: 'Fire-control radar', zh: '火控雷达照射', ja: '火器管制レーダーの照射' },
    definition: {
      en: 'Illuminating the other platform with a fire-control or targeting radar.',
      zh: '以火控雷达或瞄准雷达照射对方平台。',
      ja: '火器管制レーダーまたは照準レーダーを相手のプラットフォームに照射すること。',
    },
  },
  {
    code: 'weapons-aimed',
    name: { en: 'Weapons aimed', zh: '武器瞄准', ja: '武器の指向' },
    definition: {
      en: 'Training guns, missile launchers or other weapons on the other platform.',
      zh: '将火炮、导弹发射装置或其他武器指向对方平台。',
      ja: '砲、ミサイル発射機その他の武器を相手のプラットフォームに向けること。',
    },
  },
  {
    code: 'flares',
    name: { en: 'Flares', zh: '投放干扰弹', ja: 'フレアの放出' },
    definition: {
      en: 'Releasing flares or chaff in the path of or close to the other aircraft.',
      zh: '在对方航空器航路上或附近投放红外干扰弹或箔条。',
      ja: '相手の航空機の経路上またはその近くでフレアやチャフを放出すること。',
    },
  },
  {
    code: 'laser',
    name: { en: 'Laser', zh: '激光照射', ja: 'レーザーの照射' },
    definition: {
      en: 'Directing a laser at the other platform or its crew.',
      zh: '以激光照射对方平台或其人员。',
      ja: '相手のプラットフォームまたはその乗員にレーザーを照射すること。',
    },
  },
  {
    code: 'unsafe-intercept',
    name: { en: 'Unsafe intercept', zh: '危险拦截', ja: '危険な要撃' },
    definition: {
      en: 'An air intercept flown too close, too fast or across the nose of the intercepted aircraft.',
      zh: '拦截飞行距离过近、速度过快或横越被拦截航空器机头。',
      ja: '近すぎる、速すぎる、または要撃される航空機の機首を横切るような要撃飛行。',
    },
  },
  {
    code: 'shadowing',
    name: { en: 'Close shadowing', zh: '近距离跟踪', ja: '近接追尾' },
    definition: {
      en: 'Following the other platform at close range for a long time.',
      zh: '长时间近距离跟随对方平台。',
      ja: '長時間にわたり近距離で相手のプラットフォームを追尾すること。',
    },
  },
  {
    code: 'blocking',
    name: { en: 'Blocking', zh: '拦阻', ja: '進路妨害' },
    definition: {
      en: 'Placing a platform in the path of the other to impede its passage.',
      zh: '以平台占据对方航路，阻碍其通行。',
      ja: '相手の進路にプラットフォームを置き、その通航を妨げること。',
    },
  },
  {
    code: 'water-cannon',
    name: { en: 'Water cannon', zh: '使用水炮', ja: '放水' },
    definition: {
      en: 'Using water cannon against the other vessel.',
      zh: '对对方船只使用水炮。',
      ja: '相手の船舶に対して放水銃を使用すること。',
    },
  },
  {
    code: 'no-response',
    name: { en: 'No response to calls', zh: '对呼叫无回应', ja: '呼びかけへの無応答' },
    definition: {
      en: 'No answer to radio calls or signals made on scene.',
      zh: '对现场发出的无线电呼叫或信号不予回答。',
      ja: '現場で行った無線の呼びかけや信号に応答しないこと。',
    },
  },
  {
    code: 'other',
    name: { en: 'Other', zh: '其他', ja: 'その他' },
    definition: {
      en: 'Another behaviour, described in the narrative.',
      zh: '其他行为，见叙述。',
      ja: 'その他の行動（詳細は経緯欄に記載）。',
    },
  },
];

export const BEHAVIOUR_CODES: readonly string[] = BEHAVIOURS.map((b) => b.code);

export const COMMUNICATION_KINDS = ['radio', 'signal', 'light', 'flag'] as const;

/** Kinds of activity an activity notice announces (ENC3). */
export const ACTIVITY_KINDS = [
  'exercise',
  'live-firing',
  'missile-launch',
  'flight-operations',
  'other',
] as const;

const latLon = z
  .object({
    lat: z.number().min(-90, 'a latitude is between −90 and 90').max(90, 'a latitude is between −90 and 90'),
    lon: z
      .number()
      .min(-180, 'a longitude is between −180 and 180')
      .max(180, 'a longitude is between −180 and 180'),
  })
  .strict();

const isoTime = z.iso.datetime({ offset: true, message: 'a time like 2026-03-05T01:30:00Z' });
const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);

const platform = z
  .object({
    kind: z.string().refine((kind) => ALL_PLATFORM_KINDS.includes(kind), 'not a platform kind of the list'),
    name: text(120).min(1, 'a name, or "unknown"'),
    hull: text(40).optional(),
    tail: text(40).optional(),
    callSign: text(40).optional(),
    position: latLon.optional(),
    courseDeg: z.number().min(0).max(360, 'a course is 0–360°').optional(),
    speedKn: z.number().min(0).max(2000, 'a speed in knots, at most 2000').optional(),
  })
  .strict();

const communication = z
  .object({
    kind: z.enum(COMMUNICATION_KINDS, { message: 'radio, signal, light or flag' }),
    text: text(1000).min(1, 'what was said or signalled'),
    answered: z.boolean({ message: 'whether it was answered' }),
  })
  .strict();

/** An encounter report as the API takes it (ENC1); `draft: true` keeps it on the local line. */
export const encounterReportSchema = z
  .object({
    domain: z.enum(DOMAINS, { message: 'sea or air' }),
    occurredAt: isoTime,
    position: latLon,
    severity: z.enum(SEVERITIES, { message: 'low, medium, high or critical' }),
    ownPlatforms: z.array(platform).min(1, 'at least one of our platforms').max(20),
    otherPlatforms: z.array(platform).min(1, 'at least one of theirs').max(20),
    attachments: z
      .array(z.string().regex(/^[0-9a-f]{64}$/, 'a blob name: 64 lowercase hex digits'))
      .max(20)
      .optional(),
    closestApproach: z
      .object({ distanceM: z.number().min(0).max(1_000_000), at: isoTime })
      .strict()
      .optional(),
    behaviours: z
      .array(z.string().refine((code) => BEHAVIOUR_CODES.includes(code), 'not a behaviour code of the list'))
      .max(BEHAVIOURS.length),
    communications: z.array(communication).max(50),
    narrative: text(20_000),
    draft: z.boolean().optional(),
  })
  .strict();

export type EncounterReport = z.infer<typeof encounterReportSchema>;
export type Platform = z.infer<typeof platform>;

/** The report as recorded: the input without `draft`. */
export type RecordedReport = Omit<EncounterReport, 'draft'>;

/** An area on the map: a polygon of 3–200 points or a circle (ENC3). */
export const areaSchema = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('polygon'), points: z.array(latLon).min(3, 'at least 3 points').max(200) })
    .strict(),
  z
    .object({
      type: z.literal('circle'),
      center: latLon,
      radiusM: z.number().positive('a radius above 0').max(2_000_000, 'at most 2,000 km'),
    })
    .strict(),
]);

/** An activity notice as the API takes it (ENC3). */
export const noticeSchema = z
  .object({
    kind: z.enum(ACTIVITY_KINDS, { message: `one of ${ACTIVITY_KINDS.join(', ')}` }),
    title: text(200).min(1, 'a title'),
    area: areaSchema,
    from: isoTime,
    until: isoTime,
    altitude: z
      .object({ minFt: z.number().int().min(0).max(100_000), maxFt: z.number().int().min(0).max(100_000) })
      .strict()
      .optional(),
    contact: text(200).min(1, 'who to call about it (a desk, a channel, a number)'),
    description: text(5000).optional(),
  })
  .strict();

export type NoticeInput = z.infer<typeof noticeSchema>;

/** A field's problem, as the API's 400 lists it (SEC3). */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * Checks that go beyond each field's shape: an encounter does not happen in the future, its
 * closest approach falls near it, platforms match the domain. `now` in ms.
 */
export function reportProblems(report: EncounterReport, nowMs: number): FieldIssue[] {
  const problems: FieldIssue[] = [];
  const occurred = Date.parse(report.occurredAt);
  // Five minutes of grace for a clock a little ahead.
  if (occurred > nowMs + 5 * 60_000)
    problems.push({ path: 'occurredAt', message: 'an encounter cannot be in the future' });
  if (report.closestApproach) {
    const at = Date.parse(report.closestApproach.at);
    if (Math.abs(at - occurred) > 24 * 3_600_000) {
      problems.push({
        path: 'closestApproach.at',
        message: 'the closest approach is within a day of the encounter',
      });
    }
  }
  const kinds = PLATFORM_KINDS[report.domain];
  for (const side of ['ownPlatforms', 'otherPlatforms'] as const) {
    report[side].forEach((p, index) => {
      if (!kinds.includes(p.kind)) {
        problems.push({
          path: `${side}.${index}.kind`,
          message: `a ${report.domain === 'sea' ? 'vessel' : 'aircraft'} kind for an encounter ${report.domain === 'sea' ? 'at sea' : 'in the air'}`,
        });
      }
    });
  }
  return problems;
}

/** Checks beyond shapes for a notice: its window ends after it starts, its band is ordered. */
export function noticeProblems(notice: NoticeInput): FieldIssue[] {
  const problems: FieldIssue[] = [];
  if (Date.parse(notice.until) <= Date.parse(notice.from)) {
    problems.push({ path: 'until', message: 'the end comes after the start' });
  }
  if (Date.parse(notice.until) - Date.parse(notice.from) > 366 * 86_400_000) {
    problems.push({ path: 'until', message: 'a notice covers at most a year' });
  }
  if (notice.altitude && notice.altitude.maxFt < notice.altitude.minFt) {
    problems.push({ path: 'altitude.maxFt', message: 'the top of the band is above its bottom' });
  }
  return problems;
}
