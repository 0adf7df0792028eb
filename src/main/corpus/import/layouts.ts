/**
 * Coding-sheet layouts of the ME datasets: which header names mean which field, the
 * header each dataset releases (export writes it back, `--dataset auto` recognises it)
 * and where a row's clip lives under the media root. Frame numbers in sheets are the
 * numbers in the frame file names (the last number in the name). Layouts, from the
 * datasets' release sheets and public loaders of them:
 *
 * - CASME II  `Subject, Filename, OnsetFrame, ApexFrame, OffsetFrame, Action Units,
 *             Estimated Emotion` (some blank columns); clip = `sub01/EP02_01f/img46.jpg`.
 * - SAMM      13 preamble rows, then `Subject, Filename, Inducement Code, Onset Frame,
 *             Apex Frame, Offset Frame, Duration, Type, Action Units, Estimated Emotion,
 *             Objective Classes, Notes`; clip = `006/006_1_2/006_05562.jpg`, the number
 *             being the frame of the long video `006_1`. The long-video sheet
 *             (`SAMM_LongVideos_V*_Release.xlsx`: `… Onset, Apex, Offset, Duration, Type,
 *             Action Units, Notes`) numbers the same way; its frames are
 *             `006_1/006_1_0001.jpg`, found from the row's `006_1_1`.
 * - SMIC      `Subject, Filename, OnsetFrame, OffsetFrame, Emotion` (no apex; SMIC-E
 *             writes `OnsetF, OffsetF`); clip = `s1/micro/negative/s1_ne_01` or
 *             `s1/s1_ne_01`, frames `image017581.jpg`.
 * - CAS(ME)²  no header row: participant, video name, onset, apex, offset, AUs, estimated
 *             emotion, expression type, self-reported emotion; clip = `s15/<video name>`.
 * - CAS(ME)³  Part A `Subject, Filename, Onset, Apex, Offset, AU, Objective class,
 *             emotion` (sheet `label` of `cas(me)3_part_A_ME_label_JpgIndex_v2.xlsx`);
 *             the numbers index the long video's JPGs (`spNO.1/a/color/355.jpg`, from 0),
 *             which the ME-clip release keeps in folders named subject_filename_onset
 *             (`spNo.1_a_355/355.jpg`, its letter case differing from the sheet's).
 * - MMEW      `Subject, Filename, OnsetFrame, ApexFrame, OffsetFrame, AU, Estimated
 *             Emotion`; clip = `<emotion>/<filename>` or `<filename>`.
 * - 4DME      `Subject, Filename, Onset, Apex, Offset, AUs, Emotion`; clip =
 *             `<subject>/<filename>` or `<filename>`.
 * - DFME      `Subject, Filename, OnsetFrame, ApexFrame, OffsetFrame, Emotion, EmotionId,
 *             Fps, AU`, a frame rate per row (500 fps for most); clip =
 *             `<subject>/<filename>` or `<filename>`.
 * - MEGC      composite / apex lists: `data, subject, clip, label, onset_frame,
 *             apex_frame, offset_frame, onset_frame_path, apex_frame_path,
 *             offset_frame_path`; `data` names the source dataset (casme2, samm, smic),
 *             label 0/1/2 = negative/positive/surprise. A row's frame paths, when
 *             present, name its clip folder and frames; otherwise the source dataset's
 *             own layout finds the clip.
 */
import type { ImportField } from '@shared/corpus-import';
import type { DATASETS } from '@shared/workspace';

export type Dataset = (typeof DATASETS)[number];

/** Header spellings seen across the datasets, compared lower-case without punctuation. */
export const FIELD_ALIASES: Readonly<Record<ImportField, readonly string[]>> = {
  subject: ['subject', 'participant', 'sub', 'subjectid'],
  filename: ['filename', 'videoname', 'video', 'file', 'clip', 'sample'],
  onset: ['onsetframe', 'onset', 'onsetf'],
  apex: ['apexframe', 'apex', 'apexf'],
  offset: ['offsetframe', 'offset', 'offsetf'],
  aus: ['actionunits', 'actionunit', 'aus', 'au'],
  emotion: ['estimatedemotion', 'emotion', 'emotions'],
  fps: ['fps', 'framerate'],
  source: ['data', 'dataset', 'database'],
  label: ['label'],
  onsetPath: ['onsetframepath', 'onframepath'],
  apexPath: ['apexframepath'],
  offsetPath: ['offsetframepath', 'offframepath'],
};

export interface RowKeys {
  subject: string;
  filename: string;
  emotion: string | null;
  /** The sheet's onset number: CAS(ME)³ clip folders are named after it. */
  onset: number | null;
  /** The dataset a composite (MEGC) row comes from. */
  source: Dataset | null;
}

/** One column of a released header: its text, and the field it carries (null: an extra kept by name). */
export interface SheetColumn {
  readonly header: string;
  readonly field: ImportField | null;
}

export interface DatasetLayout {
  readonly dataset: Dataset;
  readonly label: string;
  /** Recording rate, used when the media layer cannot tell (frame folders carry none). */
  readonly fps: number;
  /** Fields the sheet must have; apex is optional where the dataset has none. */
  readonly required: readonly ImportField[];
  /** Fields the layout reads; other named columns are kept as extras. */
  readonly fields: readonly ImportField[];
  /** The header row as the dataset releases it (none for a headerless sheet). */
  readonly columns: readonly SheetColumn[];
  /** Header names (normalised) besides the fields that `--dataset auto` needs to see. */
  readonly signature: readonly string[];
  /** Column order when the sheet has no header row (CAS(ME)²). */
  readonly headerless?: readonly (ImportField | null)[];
  /** Candidate clip locations relative to the media root, tried in order. */
  clipCandidates(keys: RowKeys): string[][];
}

export const normalizeHeader = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, '');

const digits = (subject: string): string => subject.replace(/^\D+/, '');
const pad = (subject: string, width: number): string => (/^\d+$/.test(digits(subject)) ? digits(subject).padStart(width, '0') : subject);
const column = (header: string, field: ImportField | null = null): SheetColumn => ({ header, field });

const FULL: readonly ImportField[] = ['subject', 'filename', 'onset', 'apex', 'offset'];
const LABELS: readonly ImportField[] = [...FULL, 'aus', 'emotion'];

/** `006_1_2` (SAMM expression) → `006_1`, the long video it was cut from. */
const sammVideo = (filename: string): string | null => /^(\d+_\d+)_\d+$/.exec(filename)?.[1] ?? null;

export const LAYOUTS: Readonly<Record<Dataset, DatasetLayout>> = {
  casme2: {
    dataset: 'casme2',
    label: 'CASME II',
    fps: 200,
    required: FULL,
    fields: LABELS,
    columns: [column('Subject', 'subject'), column('Filename', 'filename'), column('OnsetFrame', 'onset'), column('ApexFrame', 'apex'), column('OffsetFrame', 'offset'), column('Action Units', 'aus'), column('Estimated Emotion', 'emotion')],
    signature: ['actionunits', 'estimatedemotion'],
    clipCandidates: (k) => [[`sub${pad(k.subject, 2)}`, k.filename]],
  },
  samm: {
    dataset: 'samm',
    label: 'SAMM',
    fps: 200,
    required: FULL,
    fields: LABELS,
    columns: [
      column('Subject', 'subject'),
      column('Filename', 'filename'),
      column('Inducement Code'),
      column('Onset Frame', 'onset'),
      column('Apex Frame', 'apex'),
      column('Offset Frame', 'offset'),
      column('Duration'),
      column('Type'),
      column('Action Units', 'aus'),
      column('Estimated Emotion', 'emotion'),
      column('Objective Classes'),
      column('Notes'),
    ],
    signature: ['inducementcode', 'actionunits'],
    clipCandidates: (k) => {
      const video = sammVideo(k.filename);
      return [[pad(k.subject, 3), k.filename], [k.filename], ...(video ? [[video], [pad(k.subject, 3), video]] : [])];
    },
  },
  smic: {
    dataset: 'smic',
    label: 'SMIC',
    fps: 100,
    required: ['subject', 'filename', 'onset', 'offset'],
    fields: ['subject', 'filename', 'onset', 'offset', 'emotion'],
    columns: [column('Subject', 'subject'), column('Filename', 'filename'), column('OnsetFrame', 'onset'), column('OffsetFrame', 'offset'), column('Emotion', 'emotion')],
    signature: [],
    clipCandidates: (k) => {
      const s = `s${digits(k.subject) || k.subject}`;
      const s2 = `s${pad(k.subject, 2)}`;
      return [...(k.emotion ? [[s, 'micro', k.emotion.toLowerCase(), k.filename]] : []), [s, k.filename], [s2, k.filename], [k.filename]];
    },
  },
  casme2x: {
    dataset: 'casme2x',
    label: 'CAS(ME)²',
    fps: 30,
    required: FULL,
    fields: LABELS,
    columns: [],
    signature: [],
    headerless: ['subject', 'filename', 'onset', 'apex', 'offset', 'aus', 'emotion', null, null],
    clipCandidates: (k) => [[`s${digits(k.subject) || k.subject}`, k.filename], [k.filename]],
  },
  casme3: {
    dataset: 'casme3',
    label: 'CAS(ME)³',
    fps: 30,
    required: FULL,
    fields: LABELS,
    columns: [column('Subject', 'subject'), column('Filename', 'filename'), column('Onset', 'onset'), column('Apex', 'apex'), column('Offset', 'offset'), column('AU', 'aus'), column('Objective class'), column('emotion', 'emotion')],
    signature: ['objectiveclass'],
    clipCandidates: (k) => [
      [k.subject, k.filename, 'color'],
      [k.subject, k.filename],
      ...(k.onset !== null ? [[`${k.subject}_${k.filename}_${k.onset}`]] : []),
    ],
  },
  mmew: {
    dataset: 'mmew',
    label: 'MMEW',
    fps: 90,
    required: FULL,
    fields: LABELS,
    columns: [column('Subject', 'subject'), column('Filename', 'filename'), column('OnsetFrame', 'onset'), column('ApexFrame', 'apex'), column('OffsetFrame', 'offset'), column('AU', 'aus'), column('Estimated Emotion', 'emotion')],
    signature: ['au', 'estimatedemotion'],
    clipCandidates: (k) => [...(k.emotion ? [[k.emotion, k.filename]] : []), [k.subject, k.filename], [k.filename]],
  },
  '4dme': {
    dataset: '4dme',
    label: '4DME',
    fps: 60,
    required: FULL,
    fields: LABELS,
    columns: [column('Subject', 'subject'), column('Filename', 'filename'), column('Onset', 'onset'), column('Apex', 'apex'), column('Offset', 'offset'), column('AUs', 'aus'), column('Emotion', 'emotion')],
    signature: ['aus'],
    clipCandidates: (k) => [[k.subject, k.filename], [k.filename]],
  },
  dfme: {
    dataset: 'dfme',
    label: 'DFME',
    fps: 500,
    required: [...FULL, 'fps'],
    fields: [...LABELS, 'fps'],
    columns: [
      column('Subject', 'subject'),
      column('Filename', 'filename'),
      column('OnsetFrame', 'onset'),
      column('ApexFrame', 'apex'),
      column('OffsetFrame', 'offset'),
      column('Emotion', 'emotion'),
      column('EmotionId'),
      column('Fps', 'fps'),
      column('AU', 'aus'),
    ],
    signature: ['fps'],
    clipCandidates: (k) => [[k.subject, k.filename], [k.filename]],
  },
  megc: {
    dataset: 'megc',
    label: 'MEGC composite',
    fps: 200,
    required: ['source', 'subject', 'filename', 'onset', 'offset'],
    fields: ['source', 'subject', 'filename', 'label', 'onset', 'apex', 'offset', 'onsetPath', 'apexPath', 'offsetPath', 'aus', 'emotion'],
    columns: [
      column('data', 'source'),
      column('subject', 'subject'),
      column('clip', 'filename'),
      column('label', 'label'),
      column('onset_frame', 'onset'),
      column('apex_frame', 'apex'),
      column('offset_frame', 'offset'),
      column('onset_frame_path', 'onsetPath'),
      column('apex_frame_path', 'apexPath'),
      column('offset_frame_path', 'offsetPath'),
    ],
    signature: ['data'],
    clipCandidates: (k) => (k.source && k.source !== 'megc' ? LAYOUTS[k.source].clipCandidates({ ...k, source: null }) : []),
  },
  generic: {
    dataset: 'generic',
    label: 'generic',
    fps: 30,
    required: ['filename', 'onset', 'offset'],
    fields: ['subject', 'filename', 'onset', 'apex', 'offset', 'aus', 'emotion', 'fps'],
    columns: [column('Subject', 'subject'), column('Filename', 'filename'), column('OnsetFrame', 'onset'), column('ApexFrame', 'apex'), column('OffsetFrame', 'offset'), column('AU', 'aus'), column('Emotion', 'emotion')],
    signature: [],
    clipCandidates: (k) => [...(k.subject ? [[k.subject, k.filename]] : []), [k.filename]],
  },
};

/** MEGC `data` values → datasets: `casme2`, `SAMM`, `smic`, `CAS(ME)3`, `cas(me)^2`, … */
export function sourceDataset(text: string): Dataset | null {
  const raw = text.trim().toLowerCase();
  if (/^cas\(me\)\s*(\^|²)?\s*2$|^cas\(me\)²$/.test(raw)) return 'casme2x';
  const key = normalizeHeader(raw.replace('³', '3'));
  const known: Record<string, Dataset> = {
    casme2: 'casme2',
    casmeii: 'casme2',
    samm: 'samm',
    smic: 'smic',
    smichs: 'smic',
    smice: 'smic',
    smichse: 'smic',
    casme2x: 'casme2x',
    casme3: 'casme3',
    mmew: 'mmew',
    '4dme': '4dme',
    dfme: 'dfme',
  };
  return known[key] ?? null;
}

/** The `data` value a composite list writes for a dataset (MEGC 2019: casme2, samm, smic). */
export const MEGC_SOURCE_NAMES: Readonly<Record<Dataset, string>> = {
  casme2: 'casme2',
  samm: 'samm',
  smic: 'smic',
  casme2x: 'casme2x',
  casme3: 'casme3',
  mmew: 'mmew',
  '4dme': '4dme',
  dfme: 'dfme',
  megc: 'megc',
  generic: 'generic',
};
