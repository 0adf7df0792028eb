import { describe, expect, it } from 'vitest';
import { sessionReportHtml } from '../../../src/main/corpus/export';
import { makeRecord } from '../../helpers/corpus-records';

/**
 * The session report a zh-CN window exports says its own words in 简体中文 (title, row
 * headings, AU and region names, the review decision); the records' text stays as stored.
 */
describe('the session report in the window language', () => {
  const record = makeRecord({
    aus: '12',
    review: 'approved',
    reviewer: 'rita',
    description: '3. 总结\n动作单元：12C。',
    roiFeatures: [{ region: 'Left Mouth Corner', meanMagnitude: 0.9, maxMagnitude: 2, direction: 'up (88°)' }],
  });

  it('zh-CN', () => {
    const html = [...sessionReportHtml([record], { language: 'zh-CN', generatedAt: new Date('2026-12-07T12:00:00Z') })].join('');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<h1>微表情会话报告</h1>');
    expect(html).toContain('生成于 2026-12-07T12:00:00.000Z · 已标注事件 1 个');
    for (const heading of ['事件', '起始 / 顶点 / 结束', '动作单元', '情绪 / 三分类', '运动最强的感兴趣区域', '描述', '标注者', '审核']) expect(html).toContain(`<th>${heading}</th>`);
    expect(html).toContain('AU12 唇角上拉');
    expect(html).toContain('左嘴角: 0.900 px');
    expect(html).toContain('<span class="decision-approved">已批准</span>（审核者 rita）');
    expect(html).toContain('3. 总结<br>动作单元：12C。');
    expect(html).not.toMatch(/Micro-expression session report|Action Units|not reviewed| by rita/);
  });

  it('zh-CN reads the stored emotion, category, provenance and motion direction in its own words; the records keep them as stored', () => {
    const words = (overrides: Parameters<typeof makeRecord>[0]) => [...sessionReportHtml([makeRecord(overrides)], { language: 'zh-CN' })].join('');
    const stored = { emotion: 'repression', label3: 'negative', provenance: 'accepted' } as const;
    const record = makeRecord(stored);
    const html = [...sessionReportHtml([record], { language: 'zh-CN' })].join('');
    expect(html).toContain('<td>压抑 / 消极</td>');
    expect(html).toContain('alice <span class="meta">已接受</span>');
    expect(html).toContain('左嘴角: 1.500 px, 向右上 (40°)');
    expect(html).toContain('下巴: 0.000 px, 无明显运动');
    expect(html).not.toMatch(/repression|negative|accepted|up-right|No significant motion/);
    expect(record).toMatchObject(stored);
    // The model's and the rules' words, in a dataset's capitals too; a dataset's own word stays as written.
    expect(words({ emotion: 'others', label3: 'surprise' })).toContain('<td>其他 / 惊讶</td>');
    expect(words({ emotion: 'Happiness', label3: 'positive' })).toContain('<td>高兴 / 积极</td>');
    expect(words({ emotion: 'tense', label3: null })).toContain('<td>tense / —</td>');
  });

  it('an event nobody labelled yet, and the sheet coder, are named in the report\'s words and not counted as annotated', () => {
    const candidate = makeRecord({ eventId: 'ev-2', aus: '', emotion: null, label3: null, description: null, annotator: '(unlabelled)', provenance: null, review: null });
    const fromSheet = makeRecord({ eventId: 'ev-3', annotator: '(dataset)', provenance: null, review: null });
    const at = new Date('2026-12-07T12:00:00Z');
    const zh = [...sessionReportHtml([record, candidate, fromSheet], { language: 'zh-CN', generatedAt: at })].join('');
    expect(zh).toContain('生成于 2026-12-07T12:00:00.000Z · 已标注事件 2 个，待标注 1 个');
    expect(zh).toContain('<th>标注者</th><td>（未标注）');
    expect(zh).toContain('<th>标注者</th><td>（数据集编码表）');
    expect(zh).not.toMatch(/\(unlabelled\)|\(dataset\)/);
    const en = [...sessionReportHtml([record, candidate], { generatedAt: at })].join('');
    expect(en).toContain('Generated 2026-12-07T12:00:00.000Z · 1 annotated event, 1 not labelled yet');
    expect(en).toContain('<th>Annotator</th><td>(unlabelled)');
  });

  it('en stays as it was, and is the default', () => {
    const html = [...sessionReportHtml([record])].join('');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<h1>Micro-expression session report</h1>');
    expect(html).toContain('AU12 Lip Corner Puller');
    expect(html).toContain('<span class="decision-approved">approved</span> by rita');
    expect(html).toContain('<td>happiness / positive</td>');
    expect(html).toContain('alice <span class="meta">edited</span>');
    expect(html).toContain('Left Mouth Corner: 0.900 px, up (88°)');
  });
});

describe('a clip without a subject in the session report', () => {
  it('says no subject was recorded, in either language, instead of leaving a blank', () => {
    const record = makeRecord({ subject: '' });
    const en = [...sessionReportHtml([record], {})].join('');
    const zh = [...sessionReportHtml([record], { language: 'zh-CN' })].join('');
    expect(en).toMatch(/ · no subject recorded · /);
    expect(zh).toMatch(/ · 未记录被试 · /);
    for (const html of [en, zh]) expect(html).not.toMatch(/subject {2}·|被试 {2}·/);
    expect([...sessionReportHtml([makeRecord({ subject: '07' })], {})].join('')).toMatch(/ · subject 07 · /);
  });
});
