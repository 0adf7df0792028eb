/**
 * Coding-sheet layouts of the ME datasets: which header names mean which field and where
 * a row's clip lives under the media root. Assumed layouts (from the datasets' release
 * sheets and common loaders; the generic mapping covers anything else):
 *
 * - CASME II  `Subject, Filename, OnsetFrame, ApexFrame, OffsetFrame, Action Units,
 *             Estimated Emotion` (some blank columns); clip = `sub01/EP02_01f/img46.jpg`.
 * - SAMM      13 preamble rows, then `Subject, Filename, Inducement Code, Onset Frame,
 *             Apex Frame, Offset Frame, Duration, Type, Action Units, Estimated Emotion,
 *             Objective Classes, Notes`; clip = `006/006_1_2/006_05562.jpg`.
 * - SMIC      `Subject, Filename, OnsetFrame, OffsetFrame, Emotion` (no apex); clip =
 *             `s1/micro/negative/s1_ne_01` or `s1/s1_ne_01`.
 * - CAS(ME)²  no header row: participant, video name, onset, apex, offset, AUs, estimated
 *             emotion, expression type, self-reported emotion; clip = `s15/<video name>`.
 * - CAS(ME)³  Part A `Subject, Filename, Onset, Apex, Offset, AU, Objective class,
 *             emotion`; clip = `spNO.1/a/color` (or `spNO.1/a`).
 * - MMEW      `Subject, Filename, OnsetFrame, ApexFrame, OffsetFrame, AU, Estimated
 *             Emotion`; clip = `<emotion>/<filename>` or `<filename>`.
 * - 4DME      `Subject, Filename, Onset, Apex, Offset, AUs, Emotion`; clip =
 *             `<subject>/<filename>` or `<filename>`.
 * Frame numbers in sheets are the numbers in the frame file names.
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
};

export interface RowKeys {
  subject: string;
  filename: string;
  emotion: string | null;
}

export interface DatasetLayout {
  readonly dataset: Dataset;
  readonly label: string;
  /** Recording rate, used when the media layer cannot tell (frame folders carry none). */
  readonly fps: number;
  /** Fields the sheet must have; apex is optional where the dataset has none. */
  readonly required: readonly ImportField[];
  /** Column order when the sheet has no header row (CAS(ME)²). */
  readonly headerless?: readonly (ImportField | null)[];
  /** Candidate clip locations relative to the media root, tried in order. */
  clipCandidates(keys: RowKeys): string[][];
}

export const normalizeHeader = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, '');

const digits = (subject: string): string => subject.replace(/^\D+/, '');
const pad = (subject: string, width: number): string => (/^\d+$/.test(digits(subject)) ? digits(subject).padStart(width, '0') : subject);

const FULL: readonly ImportField[] = ['subject', 'filename', 'onset', 'apex', 'offset'];

export const LAYOUTS: Readonly<Record<Dataset, DatasetLayout>> = {
  casme2: {
    dataset: 'casme2',
    label: 'CASME II',
    fps: 200,
    required: FULL,
    clipCandidates: (k) => [[`sub${pad(k.subject, 2)}`, k.filename]],
  },
  samm: {
    dataset: 'samm',
    label: 'SAMM',
    fps: 200,
    required: FULL,
    clipCandidates: (k) => [[pad(k.subject, 3), k.filename], [k.filename]],
  },
  smic: {
    dataset: 'smic',
    label: 'SMIC',
    fps: 100,
    required: ['subject', 'filename', 'onset', 'offset'],
    clipCandidates: (k) => {
      const s = `s${digits(k.subject) || k.subject}`;
      return [...(k.emotion ? [[s, 'micro', k.emotion.toLowerCase(), k.filename]] : []), [s, k.filename], [k.filename]];
    },
  },
  casme2x: {
    dataset: 'casme2x',
    label: 'CAS(ME)²',
    fps: 30,
    required: FULL,
    headerless: ['subject', 'filename', 'onset', 'apex', 'offset', 'aus', 'emotion', null, null],
    clipCandidates: (k) => [[`s${digits(k.subject) || k.subject}`, k.filename], [k.filename]],
  },
  casme3: {
    dataset: 'casme3',
    label: 'CAS(ME)³',
    fps: 30,
    required: FULL,
    clipCandidates: (k) => [[k.subject, k.filename, 'color'], [k.subject, k.filename]],
  },
  mmew: {
    dataset: 'mmew',
    label: 'MMEW',
    fps: 90,
    required: FULL,
    clipCandidates: (k) => [...(k.emotion ? [[k.emotion, k.filename]] : []), [k.subject, k.filename], [k.filename]],
  },
  '4dme': {
    dataset: '4dme',
    label: '4DME',
    fps: 60,
    required: FULL,
    clipCandidates: (k) => [[k.subject, k.filename], [k.filename]],
  },
  generic: {
    dataset: 'generic',
    label: 'generic',
    fps: 30,
    required: ['filename', 'onset', 'offset'],
    clipCandidates: (k) => [...(k.subject ? [[k.subject, k.filename]] : []), [k.filename]],
  },
};
