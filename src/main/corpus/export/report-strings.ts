import { AU_NAMES, AU_NAMES_ZH } from '@shared/au-names';
import type { Language } from '@shared/language';
import { directionZh, EMOTION_WORDS_ZH, LABEL3_WORDS_ZH, PROVENANCE_WORDS_ZH, storedWord } from '@shared/label-words';
import { roiLabel } from '@shared/rois';
import { DATASET_CODER, UNLABELLED_CODER, type ReviewDecision } from './records';

/**
 * The session report's words per language: the window's language when the app writes it.
 * The records' own text (descriptions, comments, a dataset's own words) is written as
 * stored; these are the words around it, and the reading of the English vocabulary the
 * model and the rules store (emotion, category, provenance, motion direction).
 */
export interface ReportStrings {
  readonly lang: string;
  readonly title: string;
  /** `events` annotated, holding `labels` (an event × its coder); `unlabelled`: events listed that nobody labelled yet (spotted candidates). */
  generated(at: string, events: number, labels: number, unlabelled: number): string;
  /** The annotator column: a coder's name as stored, the placeholder coders in the report's words. */
  coder(name: string): string;
  clipMeta(dataset: string, subject: string, frames: number, fps: string, filmedAt: string | null, timesAt: string): string;
  readonly rows: {
    readonly event: string;
    readonly frames: string;
    readonly class: string;
    readonly aus: string;
    readonly emotion: string;
    readonly flags: string;
    readonly rois: string;
    readonly description: string;
    readonly annotator: string;
    readonly review: string;
  };
  expressionClass(kind: string, ms: string): string;
  readonly ausNotDetermined: string;
  auName(au: number): string;
  region(name: string): string;
  /** Stored vocabulary read in the report's language. */
  emotion(stored: string): string;
  label3(stored: string): string;
  provenance(stored: string): string;
  direction(stored: string): string;
  /** Where a region the eyeglass frame covers was read. */
  readonly readFrom: Readonly<Record<'below-rim' | 'above-rim', string>>;
  readonly flagText: Readonly<Record<string, string>>;
  readonly decision: Readonly<Record<ReviewDecision, string>>;
  readonly notReviewed: string;
  by(reviewer: string): string;
  apexFrame(frame: number): string;
  readonly flowFigure: string;
  readonly apexAlt: string;
  readonly flowAlt: string;
}

const EXPRESSION_ZH: Readonly<Record<string, string>> = { micro: '微表情', macro: '宏表情', blink: '眨眼' };

export const REPORT_STRINGS: Readonly<Record<Language, ReportStrings>> = {
  en: {
    lang: 'en',
    title: 'Micro-expression session report',
    generated: (at, events, labels, unlabelled) =>
      `Generated ${at} · ${events} annotated event${events === 1 ? '' : 's'}${labels !== events ? ` (${labels} labels)` : ''}${unlabelled ? `, ${unlabelled} not labelled yet` : ''}`,
    coder: (name) => name,
    clipMeta: (dataset, subject, frames, fps, filmedAt, timesAt) => `${dataset} · ${subject.trim() ? `subject ${subject}` : 'no subject recorded'} · ${frames} frames at ${fps} fps${filmedAt ? `, filmed at ${filmedAt} fps` : ''} · times at the capture rate, ${timesAt} fps`,
    rows: { event: 'Event', frames: 'Onset / apex / offset', class: 'Class', aus: 'Action Units', emotion: 'Emotion / category', flags: 'Import flags', rois: 'Strongest ROI motion', description: 'Description', annotator: 'Annotator', review: 'Review' },
    expressionClass: (kind, ms) => `${kind}-expression <span class="meta">(${ms} ms onset → offset)</span>`,
    ausNotDetermined: 'AUs not determined',
    auName: (au) => AU_NAMES[au] ?? '',
    region: (name) => name,
    emotion: (stored) => stored,
    label3: (stored) => stored,
    provenance: (stored) => stored,
    direction: (stored) => stored,
    readFrom: { 'below-rim': "(its AUs read below the glasses' rim)", 'above-rim': "(its AUs read above the glasses' rim)" },
    flagText: { aus_uncertain: 'AU coding marked uncertain by the coder', apex_missing: 'no apex in the sheet' },
    decision: { approved: 'approved', rejected: 'rejected', 'needs-changes': 'needs changes' },
    notReviewed: 'not reviewed',
    by: (reviewer) => ` by ${reviewer}`,
    apexFrame: (frame) => `Apex frame ${frame}`,
    flowFigure: 'Expression flow, onset → apex',
    apexAlt: 'apex frame',
    flowAlt: 'expression flow overlay',
  },
  'zh-CN': {
    lang: 'zh-CN',
    title: '微表情会话报告',
    generated: (at, events, labels, unlabelled) => `生成于 ${at} · 已标注事件 ${events} 个${labels !== events ? `（标注 ${labels} 条）` : ''}${unlabelled ? `，待标注 ${unlabelled} 个` : ''}`,
    coder: (name) => (name === UNLABELLED_CODER ? '（未标注）' : name === DATASET_CODER ? '（数据集编码表）' : name),
    clipMeta: (dataset, subject, frames, fps, filmedAt, timesAt) => `${dataset} · ${subject.trim() ? `被试 ${subject}` : '未记录被试'} · ${frames} 帧，${fps} fps${filmedAt ? `，拍摄帧率 ${filmedAt} fps` : ''} · 时间按采集帧率 ${timesAt} fps 计`,
    rows: { event: '事件', frames: '起始 / 顶点 / 结束', class: '类别', aus: '动作单元', emotion: '情绪 / 三分类', flags: '导入标记', rois: '运动最强的感兴趣区域', description: '描述', annotator: '标注者', review: '审核' },
    expressionClass: (kind, ms) => `${EXPRESSION_ZH[kind] ?? kind} <span class="meta">（起始 → 结束 ${ms} 毫秒）</span>`,
    ausNotDetermined: '无法确定动作单元',
    auName: (au) => AU_NAMES_ZH[au] ?? AU_NAMES[au] ?? '',
    region: (name) => roiLabel(name, 'zh-CN'),
    emotion: (stored) => storedWord(EMOTION_WORDS_ZH, stored),
    label3: (stored) => storedWord(LABEL3_WORDS_ZH, stored),
    provenance: (stored) => storedWord(PROVENANCE_WORDS_ZH, stored),
    direction: directionZh,
    readFrom: { 'below-rim': '（其 AU 在眼镜框下缘之下读取）', 'above-rim': '（其 AU 在眼镜框上缘之上读取）' },
    flagText: { aus_uncertain: '编码者标明动作单元编码不确定', apex_missing: '表格中没有顶点帧' },
    decision: { approved: '已批准', rejected: '已驳回', 'needs-changes': '需修改' },
    notReviewed: '未审核',
    by: (reviewer) => `（审核者 ${reviewer}）`,
    apexFrame: (frame) => `顶点帧 ${frame}`,
    flowFigure: '表情光流，起始 → 顶点',
    apexAlt: '顶点帧',
    flowAlt: '表情光流叠加图',
  },
};
