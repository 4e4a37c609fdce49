/**
 * The words of the printed dossier (ENC5, CON4) in English, Chinese and Japanese: headings,
 * field labels, the names of the codes a report uses (domains, severities, platform kinds, kinds
 * of communication and activity, workflow states, how calls ended) and the phrases of the
 * timeline. The behaviours' names and definitions live with their code list (core/encounter.ts).
 *
 * Pure data and small functions: the HTML builder (dossierHtml.ts) picks a language's table.
 */

import type { Language } from '../core/phrasebook/types.ts';
import type { EncounterState } from './encounters.ts';

/** Labels and phrases, one table per language. */
export interface DossierWords {
  title: string;
  printHint: string;
  generated(node: string, at: string, reader: string): string;
  sections: {
    summary: string;
    report: string;
    approach: string;
    notices: string;
    timeline: string;
    calls: string;
    record: string;
  };
  fields: {
    ref: string;
    state: string;
    line: string;
    domain: string;
    occurredAt: string;
    position: string;
    severity: string;
    precedence: string;
    submittedBy: string;
    submittedAt: string;
    deadline: string;
    acknowledgedBy: string;
    acknowledgedAt: string;
    consultationAt: string;
    closedAt: string;
    outcome: string;
    ownPlatforms(origin: string): string;
    otherPlatforms: string;
    kind: string;
    name: string;
    hull: string;
    tail: string;
    callSign: string;
    course: string;
    speed: string;
    behaviours: string;
    behaviour: string;
    definition: string;
    communications: string;
    communication: string;
    said: string;
    answered: string;
    narrative: string;
    attachments: string;
    distance: string;
    at: string;
    source: string;
    positionsThen: string;
  };
  values: {
    yes: string;
    no: string;
    none: string;
    notYet: string;
    reported: string;
    computed: string;
    noApproach: string;
    inTime: string;
    late: string;
  };
  notices: {
    none: string;
    title: string;
    kind: string;
    area: string;
    window: string;
    altitude: string;
    contact: string;
    description: string;
    issuedBy: string;
    withdrawnAt: string;
    acknowledgement: string;
    polygon(points: number): string;
    circle(centre: string, radius: string): string;
    feet(min: number, max: number): string;
  };
  timeline: {
    time: string;
    who: string;
    event: string;
    detail: string;
    events: Record<string, string>;
    threadMembers(members: string): string;
    reportRef(ref: string): string;
    item: string;
    onMessage(message: string): string;
    reply: string;
    into(language: string): string;
    holds(origin: string, seq: number): string;
    escalation(step: number, roles: string): string;
    keyRotated: string;
  };
  calls: {
    window(from: string, to: string): string;
    none: string;
    started: string;
    media: string;
    caller: string;
    callee: string;
    answeredBy: string;
    endedAt: string;
    reason: string;
    duration: string;
    recordings: string;
  };
  record: {
    lines: string;
    line: string;
    hotline: string;
    thread: string;
    heads: string;
    origin: string;
    seq: string;
    eventId: string;
    sha256: string;
    events(count: number): string;
    howToCheck: string;
  };
  languageNames: Record<Language, string>;
  states: Record<EncounterState, string>;
  codes: Record<string, string>;
}

/** The names of codes: domains, severities, platform kinds, communication, activity, calls, links. */
const EN_CODES: Record<string, string> = {
  sea: 'At sea',
  air: 'In the air',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
  'aircraft-carrier': 'Aircraft carrier',
  cruiser: 'Cruiser',
  destroyer: 'Destroyer',
  frigate: 'Frigate',
  corvette: 'Corvette',
  'amphibious-ship': 'Amphibious ship',
  submarine: 'Submarine',
  'patrol-vessel': 'Patrol vessel',
  auxiliary: 'Auxiliary',
  'coast-guard': 'Coast guard vessel',
  'maritime-militia': 'Maritime militia vessel',
  'research-vessel': 'Research vessel',
  'fishing-vessel': 'Fishing vessel',
  'merchant-vessel': 'Merchant vessel',
  'other-vessel': 'Other vessel',
  fighter: 'Fighter',
  bomber: 'Bomber',
  'maritime-patrol': 'Maritime patrol aircraft',
  reconnaissance: 'Reconnaissance aircraft',
  'airborne-early-warning': 'Airborne early warning aircraft',
  tanker: 'Tanker aircraft',
  transport: 'Transport aircraft',
  helicopter: 'Helicopter',
  uav: 'Unmanned aircraft',
  'other-aircraft': 'Other aircraft',
  radio: 'Radio',
  signal: 'Signal',
  light: 'Light',
  flag: 'Flags',
  exercise: 'Exercise',
  'live-firing': 'Live firing',
  'missile-launch': 'Missile launch',
  'flight-operations': 'Flight operations',
  other: 'Other',
  voice: 'Voice',
  video: 'Video',
  hangup: 'Hung up',
  cancelled: 'Cancelled',
  declined: 'Declined',
  busy: 'Busy',
  glare: 'Both called at once',
  missed: 'Missed',
  'link-lost': 'Link lost',
  'media-failed': 'Media failed',
  unreachable: 'Unreachable',
  up: 'Up',
  degraded: 'Degraded',
  down: 'Down',
};

const ZH_CODES: Record<string, string> = {
  sea: '海上',
  air: '空中',
  low: '低',
  medium: '中',
  high: '高',
  critical: '危急',
  'aircraft-carrier': '航空母舰',
  cruiser: '巡洋舰',
  destroyer: '驱逐舰',
  frigate: '护卫舰',
  corvette: '轻型护卫舰',
  'amphibious-ship': '两栖舰',
  submarine: '潜艇',
  'patrol-vessel': '巡逻舰艇',
  auxiliary: '辅助舰船',
  'coast-guard': '海警船',
  'maritime-militia': '海上民兵船',
  'research-vessel': '科考船',
  'fishing-vessel': '渔船',
  'merchant-vessel': '商船',
  'other-vessel': '其他船只',
  fighter: '战斗机',
  bomber: '轰炸机',
  'maritime-patrol': '海上巡逻机',
  reconnaissance: '侦察机',
  'airborne-early-warning': '预警机',
  tanker: '加油机',
  transport: '运输机',
  helicopter: '直升机',
  uav: '无人机',
  'other-aircraft': '其他航空器',
  radio: '无线电',
  signal: '信号',
  light: '灯光',
  flag: '旗语',
  exercise: '演习',
  'live-firing': '实弹射击',
  'missile-launch': '导弹发射',
  'flight-operations': '飞行活动',
  other: '其他',
  voice: '语音',
  video: '视频',
  hangup: '挂断',
  cancelled: '取消',
  declined: '拒接',
  busy: '占线',
  glare: '双方同时呼叫',
  missed: '未接',
  'link-lost': '链路中断',
  'media-failed': '媒体故障',
  unreachable: '无法连通',
  up: '正常',
  degraded: '降级',
  down: '中断',
};

const JA_CODES: Record<string, string> = {
  sea: '海上',
  air: '空中',
  low: '低',
  medium: '中',
  high: '高',
  critical: '重大',
  'aircraft-carrier': '航空母艦',
  cruiser: '巡洋艦',
  destroyer: '駆逐艦',
  frigate: 'フリゲート',
  corvette: 'コルベット',
  'amphibious-ship': '揚陸艦',
  submarine: '潜水艦',
  'patrol-vessel': '哨戒艦艇',
  auxiliary: '補助艦艇',
  'coast-guard': '沿岸警備船',
  'maritime-militia': '海上民兵船',
  'research-vessel': '調査船',
  'fishing-vessel': '漁船',
  'merchant-vessel': '商船',
  'other-vessel': 'その他の船舶',
  fighter: '戦闘機',
  bomber: '爆撃機',
  'maritime-patrol': '哨戒機',
  reconnaissance: '偵察機',
  'airborne-early-warning': '早期警戒機',
  tanker: '空中給油機',
  transport: '輸送機',
  helicopter: 'ヘリコプター',
  uav: '無人機',
  'other-aircraft': 'その他の航空機',
  radio: '無線',
  signal: '信号',
  light: '発光信号',
  flag: '旗旒信号',
  exercise: '演習',
  'live-firing': '実弾射撃',
  'missile-launch': 'ミサイル発射',
  'flight-operations': '飛行活動',
  other: 'その他',
  voice: '音声',
  video: 'ビデオ',
  hangup: '切断',
  cancelled: '取消し',
  declined: '拒否',
  busy: '話中',
  glare: '双方同時発信',
  missed: '不在',
  'link-lost': '回線断',
  'media-failed': 'メディア障害',
  unreachable: '到達不能',
  up: '正常',
  degraded: '低下',
  down: '切断',
};

const EN: DossierWords = {
  title: 'Encounter dossier',
  printHint: 'Print with your browser (Ctrl+P); the page is laid out for A4.',
  generated: (node, at, reader) => `Generated by ${node} at ${at} for ${reader}.`,
  sections: {
    summary: 'Summary',
    report: 'Report',
    approach: 'Closest approach',
    notices: 'Activity notices in force at the encounter',
    timeline: 'Timeline of the encounter’s thread',
    calls: 'Calls on the hotline',
    record: 'The record',
  },
  fields: {
    ref: 'Reference',
    state: 'State',
    line: 'Thread',
    domain: 'Domain',
    occurredAt: 'Time of the encounter',
    position: 'Position',
    severity: 'Severity',
    precedence: 'Precedence of the item to acknowledge',
    submittedBy: 'Submitted by',
    submittedAt: 'Submitted at',
    deadline: 'Deadline to acknowledge',
    acknowledgedBy: 'Acknowledged by',
    acknowledgedAt: 'Acknowledged at',
    consultationAt: 'In consultation since',
    closedAt: 'Closed at',
    outcome: 'Outcome',
    ownPlatforms: (origin) => `Platforms of the reporting side (${origin})`,
    otherPlatforms: 'Platforms of the other side',
    kind: 'Kind',
    name: 'Name',
    hull: 'Hull number',
    tail: 'Tail number',
    callSign: 'Call sign',
    course: 'Course',
    speed: 'Speed',
    behaviours: 'Behaviours',
    behaviour: 'Behaviour',
    definition: 'Definition',
    communications: 'On-scene communications',
    communication: 'Means',
    said: 'Said or signalled',
    answered: 'Answered',
    narrative: 'Narrative',
    attachments: 'Attachments (SHA-256)',
    distance: 'Distance',
    at: 'Time',
    source: 'Source',
    positionsThen: 'Positions at that moment',
  },
  values: {
    yes: 'yes',
    no: 'no',
    none: 'none',
    notYet: 'not yet',
    reported: 'as reported',
    computed: 'computed from the reported courses and speeds',
    noApproach: 'The report gives no closest approach, and no two tracks to compute it from.',
    inTime: 'within the deadline',
    late: 'after the deadline',
  },
  notices: {
    none: 'The encounter was inside no notified area during its window.',
    title: 'Title',
    kind: 'Activity',
    area: 'Area',
    window: 'In force',
    altitude: 'Altitude band',
    contact: 'Contact',
    description: 'Description',
    issuedBy: 'Issued by',
    withdrawnAt: 'Withdrawn at',
    acknowledgement: 'Acknowledged',
    polygon: (points) => `polygon of ${points} points`,
    circle: (centre, radius) => `circle around ${centre}, radius ${radius}`,
    feet: (min, max) => `${min.toLocaleString('en-GB')}–${max.toLocaleString('en-GB')} ft`,
  },
  timeline: {
    time: 'Time',
    who: 'Who',
    event: 'Event',
    detail: 'Detail',
    events: {
      'line.created': 'Thread opened',
      'message.posted': 'Message',
      'encounter.submitted': 'Report submitted',
      'message.seen': 'Seen',
      'message.acknowledged': 'Acknowledged',
      'message.translated': 'Translation',
      'encounter.state': 'Consultation opened',
      'encounter.closed': 'Closed',
      'heads.recorded': 'Delivery recorded',
      'escalation.raised': 'Escalation',
      'call.started': 'Call placed',
      'call.ringing': 'Call ringing',
      'call.answered': 'Call answered',
      'call.ended': 'Call ended',
      'key.rotated': 'Key rotated',
      'link.state': 'Link state',
      'link.skew': 'Clock skew',
      'escalation.failed': 'Alert not delivered',
    },
    threadMembers: (members) => `members: ${members}`,
    reportRef: (ref) => `reference ${ref}`,
    item: 'the report’s item to acknowledge',
    onMessage: (message) => `of ${message}`,
    reply: 'Reply',
    into: (language) => `into ${language}`,
    holds: (origin, seq) => `holds ${origin}’s events up to #${seq}`,
    escalation: (step, roles) => `step ${step}: ${roles} alerted`,
    keyRotated: 'the node’s signing key changed',
  },
  calls: {
    window: (from, to) => `Calls placed from the encounter (${from}) to its close or this dossier (${to}).`,
    none: 'No call was placed in that time.',
    started: 'Placed',
    media: 'Media',
    caller: 'Caller',
    callee: 'Called',
    answeredBy: 'Answered by',
    endedAt: 'Ended',
    reason: 'How it ended',
    duration: 'Duration',
    recordings: 'Recordings (SHA-256)',
  },
  record: {
    lines: 'Lines exported, whole, from their first event',
    line: 'Line',
    hotline: 'Hotline',
    thread: 'Encounter thread',
    heads: 'Heads: the last event of each line from each node',
    origin: 'Node',
    seq: 'Seq',
    eventId: 'Event id',
    sha256: 'SHA-256 of the JSONL dossier',
    events: (count) => `${count} events, signed by their nodes; the file’s trailer is signed by this node.`,
    howToCheck:
      'To check this paper against the file: fetch the dossier as JSONL (format=jsonl) while its lines hold these heads; “sha256sum FILE” gives the value above, and “liaison verify FILE” checks every signature, chain and head.',
  },
  languageNames: { en: 'English', zh: 'Chinese', ja: 'Japanese' },
  states: {
    draft: 'Draft',
    submitted: 'Submitted, awaiting acknowledgement',
    acknowledged: 'Acknowledged',
    consultation: 'In consultation',
    closed: 'Closed',
  },
  codes: EN_CODES,
};

const ZH: DossierWords = {
  title: '遭遇事件档案',
  printHint: '请用浏览器打印（Ctrl+P）；版面按 A4 纸排版。',
  generated: (node, at, reader) => `由 ${node} 于 ${at} 为 ${reader} 生成。`,
  sections: {
    summary: '概要',
    report: '报告',
    approach: '最近接近',
    notices: '事件发生时有效的活动通告',
    timeline: '事件会话时间线',
    calls: '热线通话',
    record: '记录核验',
  },
  fields: {
    ref: '编号',
    state: '状态',
    line: '事件会话',
    domain: '领域',
    occurredAt: '发生时间',
    position: '位置',
    severity: '严重程度',
    precedence: '待确认报告项的优先等级',
    submittedBy: '提交人',
    submittedAt: '提交时间',
    deadline: '确认时限',
    acknowledgedBy: '确认人',
    acknowledgedAt: '确认时间',
    consultationAt: '进入磋商时间',
    closedAt: '结案时间',
    outcome: '结果',
    ownPlatforms: (origin) => `报告方平台（${origin}）`,
    otherPlatforms: '对方平台',
    kind: '类型',
    name: '名称',
    hull: '舷号',
    tail: '机尾号',
    callSign: '呼号',
    course: '航向',
    speed: '航速',
    behaviours: '行为',
    behaviour: '行为',
    definition: '定义',
    communications: '现场通信',
    communication: '方式',
    said: '通话或信号内容',
    answered: '是否回应',
    narrative: '经过叙述',
    attachments: '附件（SHA-256）',
    distance: '距离',
    at: '时间',
    source: '来源',
    positionsThen: '该时刻各方位置',
  },
  values: {
    yes: '是',
    no: '否',
    none: '无',
    notYet: '尚未',
    reported: '据报告',
    computed: '根据报告的航向和航速计算',
    noApproach: '报告未给出最近接近距离，也没有可用于计算的两条航迹。',
    inTime: '在时限内',
    late: '超过时限',
  },
  notices: {
    none: '事件发生时不在任何有效通告的区域和时段内。',
    title: '标题',
    kind: '活动类型',
    area: '区域',
    window: '有效时段',
    altitude: '高度范围',
    contact: '联络方式',
    description: '说明',
    issuedBy: '发布人',
    withdrawnAt: '撤销时间',
    acknowledgement: '确认',
    polygon: (points) => `${points} 个顶点的多边形`,
    circle: (centre, radius) => `以 ${centre} 为圆心、半径 ${radius} 的圆`,
    feet: (min, max) => `${min.toLocaleString('zh-CN')}–${max.toLocaleString('zh-CN')} 英尺`,
  },
  timeline: {
    time: '时间',
    who: '人员',
    event: '事件',
    detail: '内容',
    events: {
      'line.created': '会话开启',
      'message.posted': '消息',
      'encounter.submitted': '报告已提交',
      'message.seen': '已阅',
      'message.acknowledged': '已确认',
      'message.translated': '译文',
      'encounter.state': '进入磋商',
      'encounter.closed': '结案',
      'heads.recorded': '送达记录',
      'escalation.raised': '升级提醒',
      'call.started': '发起通话',
      'call.ringing': '通话振铃',
      'call.answered': '通话接通',
      'call.ended': '通话结束',
      'key.rotated': '密钥更换',
      'link.state': '链路状态',
      'link.skew': '时钟偏差',
      'escalation.failed': '提醒未送达',
    },
    threadMembers: (members) => `成员：${members}`,
    reportRef: (ref) => `编号 ${ref}`,
    item: '报告的待确认项',
    onMessage: (message) => `针对 ${message}`,
    reply: '答复',
    into: (language) => `译为${language}`,
    holds: (origin, seq) => `已收到 ${origin} 的事件至第 ${seq} 条`,
    escalation: (step, roles) => `第 ${step} 步：已提醒 ${roles}`,
    keyRotated: '该节点的签名密钥已更换',
  },
  calls: {
    window: (from, to) => `自事件发生（${from}）至结案或本档案生成（${to}）期间发起的通话。`,
    none: '该期间没有通话。',
    started: '发起时间',
    media: '方式',
    caller: '呼叫人',
    callee: '被叫节点',
    answeredBy: '接听人',
    endedAt: '结束时间',
    reason: '结束方式',
    duration: '时长',
    recordings: '录音录像（SHA-256）',
  },
  record: {
    lines: '导出的线路（自首个事件起完整导出）',
    line: '线路',
    hotline: '热线',
    thread: '事件会话',
    heads: '各线路中每个节点的最后一个事件',
    origin: '节点',
    seq: '序号',
    eventId: '事件标识',
    sha256: 'JSONL 档案的 SHA-256',
    events: (count) => `共 ${count} 个事件，均由其节点签名；文件末尾由本节点签名。`,
    howToCheck:
      '核对纸质文本与文件：在各线路仍为上述最后事件时，以 JSONL 格式（format=jsonl）获取档案；“sha256sum FILE”应得出上面的值，“liaison verify FILE”会检查每个签名、链和最后事件。',
  },
  languageNames: { en: '英文', zh: '中文', ja: '日文' },
  states: {
    draft: '草稿',
    submitted: '已提交，待确认',
    acknowledged: '已确认',
    consultation: '磋商中',
    closed: '已结案',
  },
  codes: ZH_CODES,
};

const JA: DossierWords = {
  title: '遭遇事案記録',
  printHint: 'ブラウザーで印刷してください（Ctrl+P）。A4 用紙向けのレイアウトです。',
  generated: (node, at, reader) => `${node} が ${at} に ${reader} のために作成。`,
  sections: {
    summary: '概要',
    report: '報告',
    approach: '最接近',
    notices: '遭遇時に有効だった活動通報',
    timeline: '事案スレッドの経過',
    calls: 'ホットラインの通話',
    record: '記録の検証',
  },
  fields: {
    ref: '参照番号',
    state: '状態',
    line: '事案スレッド',
    domain: '領域',
    occurredAt: '発生日時',
    position: '位置',
    severity: '重大度',
    precedence: '確認対象項目の優先度',
    submittedBy: '提出者',
    submittedAt: '提出日時',
    deadline: '確認期限',
    acknowledgedBy: '確認者',
    acknowledgedAt: '確認日時',
    consultationAt: '協議開始日時',
    closedAt: '終結日時',
    outcome: '結果',
    ownPlatforms: (origin) => `報告側のプラットフォーム（${origin}）`,
    otherPlatforms: '相手側のプラットフォーム',
    kind: '種別',
    name: '名称',
    hull: '艦番号',
    tail: '機体番号',
    callSign: 'コールサイン',
    course: '針路',
    speed: '速力',
    behaviours: '行動',
    behaviour: '行動',
    definition: '定義',
    communications: '現場での通信',
    communication: '手段',
    said: '通信・信号の内容',
    answered: '応答',
    narrative: '経緯',
    attachments: '添付ファイル（SHA-256）',
    distance: '距離',
    at: '日時',
    source: '出典',
    positionsThen: 'その時点の各位置',
  },
  values: {
    yes: 'あり',
    no: 'なし',
    none: 'なし',
    notYet: '未了',
    reported: '報告値',
    computed: '報告された針路と速力から算出',
    noApproach: '報告に最接近の記載がなく、算出に使える二つの航跡もない。',
    inTime: '期限内',
    late: '期限超過',
  },
  notices: {
    none: '遭遇は、有効な通報の区域と期間のいずれにも含まれていなかった。',
    title: '件名',
    kind: '活動種別',
    area: '区域',
    window: '有効期間',
    altitude: '高度帯',
    contact: '連絡先',
    description: '説明',
    issuedBy: '発出者',
    withdrawnAt: '取消日時',
    acknowledgement: '確認',
    polygon: (points) => `頂点 ${points} 個の多角形`,
    circle: (centre, radius) => `${centre} を中心とする半径 ${radius} の円`,
    feet: (min, max) => `${min.toLocaleString('ja-JP')}–${max.toLocaleString('ja-JP')} フィート`,
  },
  timeline: {
    time: '日時',
    who: '担当者',
    event: '事象',
    detail: '内容',
    events: {
      'line.created': 'スレッド開設',
      'message.posted': 'メッセージ',
      'encounter.submitted': '報告提出',
      'message.seen': '既読',
      'message.acknowledged': '確認',
      'message.translated': '翻訳',
      'encounter.state': '協議開始',
      'encounter.closed': '終結',
      'heads.recorded': '配達記録',
      'escalation.raised': 'エスカレーション',
      'call.started': '発信',
      'call.ringing': '呼出し中',
      'call.answered': '通話応答',
      'call.ended': '通話終了',
      'key.rotated': '鍵の更新',
      'link.state': '回線状態',
      'link.skew': '時刻のずれ',
      'escalation.failed': '通知の不達',
    },
    threadMembers: (members) => `参加ノード：${members}`,
    reportRef: (ref) => `参照番号 ${ref}`,
    item: '報告の確認対象項目',
    onMessage: (message) => `${message} について`,
    reply: '返信',
    into: (language) => `${language}訳`,
    holds: (origin, seq) => `${origin} のイベントを第 ${seq} 件まで受信`,
    escalation: (step, roles) => `第 ${step} 段階：${roles} に通知`,
    keyRotated: 'ノードの署名鍵が更新された',
  },
  calls: {
    window: (from, to) => `遭遇（${from}）から終結または本記録の作成（${to}）までに発信された通話。`,
    none: 'この期間に通話はなかった。',
    started: '発信日時',
    media: '種類',
    caller: '発信者',
    callee: '着信ノード',
    answeredBy: '応答者',
    endedAt: '終了日時',
    reason: '終了の仕方',
    duration: '通話時間',
    recordings: '録音・録画（SHA-256）',
  },
  record: {
    lines: 'エクスポートした回線（最初のイベントから全件）',
    line: '回線',
    hotline: 'ホットライン',
    thread: '事案スレッド',
    heads: '各回線における各ノードの最終イベント',
    origin: 'ノード',
    seq: '連番',
    eventId: 'イベントID',
    sha256: 'JSONL 記録の SHA-256',
    events: (count) => `イベント ${count} 件。各イベントは発信ノードが署名し、ファイル末尾は本ノードが署名。`,
    howToCheck:
      '紙面とファイルの照合：各回線の最終イベントが上記のままのうちに、記録を JSONL 形式（format=jsonl）で取得する。「sha256sum FILE」の値が上記と一致し、「liaison verify FILE」がすべての署名・チェーン・最終イベントを検証する。',
  },
  languageNames: { en: '英語', zh: '中国語', ja: '日本語' },
  states: {
    draft: '下書き',
    submitted: '提出済み（確認待ち）',
    acknowledged: '確認済み',
    consultation: '協議中',
    closed: '終結',
  },
  codes: JA_CODES,
};

/** The dossier's words in each language. */
export const DOSSIER_WORDS: Record<Language, DossierWords> = { en: EN, zh: ZH, ja: JA };

/** A code's name in a language, then the code itself when the table lacks it (a newer peer's). */
export function codeName(language: Language, code: string): string {
  return DOSSIER_WORDS[language].codes[code] ?? code;
}
