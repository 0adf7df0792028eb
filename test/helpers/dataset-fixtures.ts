/**
 * Coding-sheet fixtures in each dataset's released shape (header, preamble, worksheet
 * name, subject and file naming, frame-file naming) with a media root of tiny frames.
 * The released sheets are not ours to ship: these are written from what is public
 * about them (the issue's list of real coders' notations per dataset; loaders of the
 * datasets for their folder and file naming, cited per layout below).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Dataset } from '../../src/main/corpus/import';
import { writeSequence } from './corpus';

type Cell = string | number | null;

/** A frame folder: `segments` under the media root, files `name(n)` for n in first..last. */
export interface FixtureClip {
  readonly segments: readonly string[];
  readonly first: number;
  readonly last: number;
  readonly name: (n: number) => string;
}

/** One sheet row and what it must import as. */
export interface FixtureRow {
  readonly cells: readonly Cell[];
  /** Index into the fixture's clips. */
  readonly clip: number;
  /** The sheet's own frame numbers (apex null: the sheet's `/`). */
  readonly frames: { readonly onset: number; readonly apex: number | null; readonly offset: number };
  /** The AU text as the coder wrote it. */
  readonly aus: string | null;
  /** A notation the FACS parser must understand (AD codes, T/B/A prefixes, ranges, ref(), notes). */
  readonly notation?: boolean;
}

interface FixtureSpec {
  readonly file: string;
  readonly worksheet?: string;
  readonly preamble?: readonly (readonly Cell[])[];
  /** null: a headerless sheet (CAS(ME)²). */
  readonly header: readonly string[] | null;
  readonly clips: readonly FixtureClip[];
  readonly rows: readonly FixtureRow[];
  /** A row naming a clip folder that is not under the media root. */
  readonly missingClip: readonly Cell[];
  /** A row whose AU text is not FACS, and where the parser must point. */
  readonly garbage: { readonly cells: readonly Cell[]; readonly at: number };
}

export interface LayoutFixture {
  readonly dataset: Dataset;
  readonly root: string;
  readonly sheet: string;
  readonly header: readonly string[] | null;
  readonly clips: readonly FixtureClip[];
  /** The rows written, in sheet order. */
  readonly rows: readonly FixtureRow[];
  /** 1-based sheet rows of the broken rows, when asked for. */
  readonly broken: { readonly missingClipRow: number; readonly garbageRow: number; readonly garbageAt: number } | null;
}

const seq = (segments: string[], first: number, last: number, name: (n: number) => string): FixtureClip => ({ segments, first, last, name });
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** CASME II: `sub01/EP02_01f/img46.jpg`, subjects written `01` (CASME2-coding sheet); a coder's `?`. */
const CASME2: FixtureSpec = {
  file: 'CASME2-coding-20140508.xlsx',
  header: ['Subject', 'Filename', 'OnsetFrame', 'ApexFrame', 'OffsetFrame', 'Action Units', 'Estimated Emotion'],
  clips: [seq(['sub01', 'EP02_01f'], 46, 86, (n) => `img${n}.jpg`), seq(['sub17', 'EP05_03'], 1, 40, (n) => `img${n}.jpg`)],
  rows: [
    { cells: ['01', 'EP02_01f', 46, 59, 80, '1+2', 'surprise'], clip: 0, frames: { onset: 46, apex: 59, offset: 80 }, aus: '1+2' },
    { cells: ['17', 'EP05_03', 3, '/', 25, 'R12+L4B', 'happiness'], clip: 1, frames: { onset: 3, apex: null, offset: 25 }, aus: 'R12+L4B' },
    { cells: ['01', 'EP02_01f', 60, 70, 86, '?', 'others'], clip: 0, frames: { onset: 60, apex: 70, offset: 86 }, aus: '?' },
  ],
  missingClip: ['01', 'EP99_01', 1, 2, 3, '4', 'disgust'],
  garbage: { cells: ['17', 'EP05_03', 1, 2, 3, '4++7', 'disgust'], at: 2 },
};

/**
 * SAMM micro-expressions: 13 preamble rows, then the header; `006/006_1_2/006_05562.jpg`,
 * the number being the long video's frame (SAMM_Micro_FACS_Codes_v2.xlsx).
 */
const SAMM: FixtureSpec = {
  file: 'SAMM_Micro_FACS_Codes_v2.xlsx',
  preamble: Array.from({ length: 13 }, (_, i) => (i === 0 ? ['SAMM Micro-FACS Codes'] : i === 2 ? ['Coder 1 / Coder 2'] : [])),
  header: ['Subject', 'Filename', 'Inducement Code', 'Onset Frame', 'Apex Frame', 'Offset Frame', 'Duration', 'Type', 'Action Units', 'Estimated Emotion', 'Objective Classes', 'Notes'],
  clips: [seq(['006', '006_1_2'], 5562, 5600, (n) => `006_${pad(n, 5)}.jpg`), seq(['011', '011_2_3'], 4201, 4250, (n) => `011_${pad(n, 5)}.jpg`)],
  rows: [
    { cells: ['006', '006_1_2', 1, 5562, 5588, 5600, 39, 'Micro - 1/2', 'R14A+R17A', 'Contempt', 'III', ''], clip: 0, frames: { onset: 5562, apex: 5588, offset: 5600 }, aus: 'R14A+R17A' },
    { cells: ['011', '011_2_3', 2, 4201, 4210, 4230, 30, 'Micro - 1/2', '4+7', 'Anger', 'II', 'Notes kept'], clip: 1, frames: { onset: 4201, apex: 4210, offset: 4230 }, aus: '4+7' },
    ...(
      [
        ['A9E+ref(10)', 4211, 4212, 4213],
        ['B18+25', 4214, 4215, 4216],
        ['A7', 4217, 4218, 4219],
        ['7C+A12B', 4220, 4221, 4222],
        ['T18+39', 4223, 4224, 4225],
        ['4D+ref(6)+7C+43E', 4226, 4227, 4228],
        ['R14+17+soft focus', 4229, 4230, 4231],
        ['A14C', 4232, 4233, 4234],
        ['4A/B', 4235, 4236, 4237],
        ['10A/B', 4238, 4239, 4240],
        ['A/L12', 4241, 4242, 4243],
        ['(R6 or R12)+R15', 4244, 4245, 4246],
        ['ref(7B)+43', 4247, 4248, 4249],
      ] as const
    ).map(([aus, onset, apex, offset]) => ({ cells: ['011', '011_2_3', 2, onset, apex, offset, offset - onset + 1, 'Micro - 1/2', aus, 'Other', 'VII', ''], clip: 1, frames: { onset, apex, offset }, aus, notation: true })),
  ],
  missingClip: ['006', '006_9_9', 1, 10, 12, 14, 5, 'Micro - 1/2', '12', 'Happiness', 'I', ''],
  garbage: { cells: ['006', '006_1_2', 1, 5562, 5563, 5564, 3, 'Micro - 1/2', '12+XY', 'Happiness', 'I', ''], at: 3 },
};

/**
 * SAMM long videos: the header after a preamble (SAMM_LongVideos_V2_Release.xlsx, `…
 * Onset, Apex, Offset, Duration, Type, Action Units, Notes`), frames numbered through
 * the long video `006_1/006_1_0001.jpg`, rows naming the expression `006_1_1`.
 */
const SAMM_LONG: FixtureSpec = {
  file: 'SAMM_LongVideos_V2_Release.xlsx',
  preamble: Array.from({ length: 9 }, (_, i) => (i === 0 ? ['SAMM Long Videos'] : [])),
  header: ['Subject', 'Filename', 'Inducement Code', 'Onset', 'Apex', 'Offset', 'Duration', 'Type', 'Action Units', 'Notes'],
  clips: [seq(['006_1'], 1, 120, (n) => `006_1_${pad(n, 4)}.jpg`)],
  rows: [
    { cells: ['006', '006_1_1', 1, 30, 41, 60, 31, 'Micro - 1/2', 'R14A+R17A', ''], clip: 0, frames: { onset: 30, apex: 41, offset: 60 }, aus: 'R14A+R17A' },
    { cells: ['006', '006_1_2', 1, 80, 90, 118, 39, 'Macro', '12', ''], clip: 0, frames: { onset: 80, apex: 90, offset: 118 }, aus: '12' },
  ],
  missingClip: ['007', '007_5_1', 1, 1, 2, 3, 3, 'Macro', '12', ''],
  garbage: { cells: ['006', '006_1_3', 1, 2, 3, 4, 3, 'Macro', '12(', ''], at: 2 },
};

/** SMIC: no apex; `s1/micro/negative/s1_ne_01/image017581.jpg` (SMIC-HS-E loaders). */
const SMIC: FixtureSpec = {
  file: 'SMIC-HS-E_annotation.xlsx',
  header: ['Subject', 'Filename', 'OnsetFrame', 'OffsetFrame', 'Emotion'],
  clips: [seq(['s1', 'micro', 'negative', 's1_ne_01'], 17581, 17620, (n) => `image${pad(n, 6)}.jpg`), seq(['s3', 's3_po_05'], 2301, 2340, (n) => `image${pad(n, 6)}.jpg`)],
  rows: [
    { cells: [1, 's1_ne_01', 17585, 17610, 'negative'], clip: 0, frames: { onset: 17585, apex: null, offset: 17610 }, aus: null },
    { cells: [3, 's3_po_05', 2301, 2330, 'positive'], clip: 1, frames: { onset: 2301, apex: null, offset: 2330 }, aus: null },
  ],
  missingClip: [2, 's2_sur_01', 1, 9, 'surprise'],
  garbage: { cells: [1, 's1_ne_01', 'x', 17600, 'negative'], at: 0 }, // no AU column: a bad frame number instead
};

/**
 * CAS(ME)³ Part A: sheet `label` of cas(me)3_part_A_ME_label_JpgIndex_v2.xlsx; frames
 * are the long video's JPG indices from 0 (`spNO.1/a/color/0.jpg`), kept by the
 * ME-clip release in folders named subject_filename_onset, letter case as on its disk
 * (`spNo.2_b_120/120.jpg`).
 */
const CASME3: FixtureSpec = {
  file: 'cas(me)3_part_A_ME_label_JpgIndex_v2.xlsx',
  worksheet: 'label',
  header: ['Subject', 'Filename', 'Onset', 'Apex', 'Offset', 'AU', 'Objective class', 'emotion'],
  clips: [seq(['spNO.1', 'a', 'color'], 0, 99, (n) => `${n}.jpg`), seq(['spNo.2_b_120'], 120, 140, (n) => `${n}.jpg`)],
  rows: [
    { cells: ['spNO.1', 'a', 40, 45, 60, '4+7', 'I', 'disgust'], clip: 0, frames: { onset: 40, apex: 45, offset: 60 }, aus: '4+7' },
    { cells: ['spNO.2', 'b', 120, 126, 140, 'L12', 'II', 'happy'], clip: 1, frames: { onset: 120, apex: 126, offset: 140 }, aus: 'L12' },
    { cells: ['spNO.1', 'a', 61, 62, 63, 'T28+14', 'VII', 'others'], clip: 0, frames: { onset: 61, apex: 62, offset: 63 }, aus: 'T28+14', notation: true },
    { cells: ['spNO.1', 'a', 64, 65, 66, 'B23', 'VII', 'anger'], clip: 0, frames: { onset: 64, apex: 65, offset: 66 }, aus: 'B23', notation: true },
    { cells: ['spNO.1', 'a', 67, 68, 69, 'T18', 'VII', 'others'], clip: 0, frames: { onset: 67, apex: 68, offset: 69 }, aus: 'T18', notation: true },
    { cells: ['spNO.1', 'a', 70, 72, 74, '24+T18+16', 'VII', 'others'], clip: 0, frames: { onset: 70, apex: 72, offset: 74 }, aus: '24+T18+16', notation: true },
  ],
  missingClip: ['spNO.9', 'c', 1, 2, 3, '12', 'I', 'happy'],
  garbage: { cells: ['spNO.1', 'a', 1, 2, 3, '4+', 'I', 'disgust'], at: 2 },
};

/**
 * DFME: the columns and per-row frame rate of its sheet (500 fps for most; the DFME
 * paper, arXiv 2301.00985, records at 200 to 500 fps). How the release names its frame
 * files could not be found in public sources: the importer relies only on the last
 * number of a file name being its frame number, so the fixture uses `<n>.jpg` in
 * `<Subject>/<Filename>/`.
 */
const DFME: FixtureSpec = {
  file: 'DFME_label.xlsx',
  header: ['Subject', 'Filename', 'OnsetFrame', 'ApexFrame', 'OffsetFrame', 'Emotion', 'EmotionId', 'Fps', 'AU'],
  clips: [seq(['0001', '0001_01'], 1, 60, (n) => `${n}.jpg`), seq(['0002', '0002_03'], 1, 40, (n) => `${n}.jpg`)],
  rows: [
    { cells: ['0001', '0001_01', 5, 20, 41, 'disgust', 3, 500, '4+7'], clip: 0, frames: { onset: 5, apex: 20, offset: 41 }, aus: '4+7' },
    { cells: ['0002', '0002_03', 2, 9, 30, 'happiness', 4, 200, '12'], clip: 1, frames: { onset: 2, apex: 9, offset: 30 }, aus: '12' },
    { cells: ['0001', '0001_01', 42, 44, 46, 'anger', 1, 500, 'R4+AD38'], clip: 0, frames: { onset: 42, apex: 44, offset: 46 }, aus: 'R4+AD38', notation: true },
    { cells: ['0001', '0001_01', 47, 48, 49, 'fear', 5, 500, '7+R10+AD39'], clip: 0, frames: { onset: 47, apex: 48, offset: 49 }, aus: '7+R10+AD39', notation: true },
    { cells: ['0001', '0001_01', 50, 51, 52, 'surprise', 7, 500, 'L1+L2+L5+AD38'], clip: 0, frames: { onset: 50, apex: 51, offset: 52 }, aus: 'L1+L2+L5+AD38', notation: true },
    { cells: ['0001', '0001_01', 53, 55, 58, 'happiness', 4, 500, '12+AD38'], clip: 0, frames: { onset: 53, apex: 55, offset: 58 }, aus: '12+AD38', notation: true },
  ],
  missingClip: ['0003', '0003_01', 1, 2, 3, 'sadness', 6, 500, '15'],
  garbage: { cells: ['0001', '0001_01', 1, 2, 3, 'sadness', 6, 500, '15+AU'], at: 5 },
};

const MEGC_SMIC = (n: number) => `image${n}.jpg`;

/**
 * MEGC 2019 composite / apex list: `data` names the source dataset, label 0/1/2 =
 * negative/positive/surprise, frame paths as written on the machine that made the list
 * (absolute, with its own root). The last row has no paths: its source dataset's folder
 * names find the clip.
 */
const MEGC: FixtureSpec = {
  file: 'megc2019_composite_apex.csv',
  header: ['data', 'subject', 'clip', 'label', 'onset_frame', 'apex_frame', 'offset_frame', 'onset_frame_path', 'apex_frame_path', 'offset_frame_path'],
  clips: [
    seq(['casme2', 'sub01', 'EP02_01f'], 46, 86, (n) => `img${n}.jpg`),
    seq(['SAMM', '006', '006_1_2'], 5562, 5600, (n) => `006_${pad(n, 5)}.jpg`),
    seq(['SMIC_HS_E', 's01', 's1_ne_01'], 17581030, 17581060, MEGC_SMIC),
    seq(['sub02', 'EP09_03'], 1, 30, (n) => `img${n}.jpg`),
  ],
  rows: [
    { cells: ['casme2', 'sub01', 'EP02_01f', 2, 46, 59, 80, '/data/megc/casme2/sub01/EP02_01f/img46.jpg', '/data/megc/casme2/sub01/EP02_01f/img59.jpg', '/data/megc/casme2/sub01/EP02_01f/img80.jpg'], clip: 0, frames: { onset: 46, apex: 59, offset: 80 }, aus: null },
    { cells: ['samm', '006', '006_1_2', 0, 5562, 5588, 5600, '/data/megc/SAMM/006/006_1_2/006_05562.jpg', '/data/megc/SAMM/006/006_1_2/006_05588.jpg', '/data/megc/SAMM/006/006_1_2/006_05600.jpg'], clip: 1, frames: { onset: 5562, apex: 5588, offset: 5600 }, aus: null },
    { cells: ['smic', 's1', 's1_ne_01', 0, 17581035, 17581039, 17581050, 'D:\\MEGC\\SMIC_HS_E\\s01\\s1_ne_01\\image17581035.jpg', 'D:\\MEGC\\SMIC_HS_E\\s01\\s1_ne_01\\image17581039.jpg', 'D:\\MEGC\\SMIC_HS_E\\s01\\s1_ne_01\\image17581050.jpg'], clip: 2, frames: { onset: 17581035, apex: 17581039, offset: 17581050 }, aus: null },
    { cells: ['casme2', 'sub02', 'EP09_03', 1, 5, 9, 20, '', '', ''], clip: 3, frames: { onset: 5, apex: 9, offset: 20 }, aus: null },
  ],
  missingClip: ['samm', '007', '007_6_1', 0, 1, 2, 3, '/data/megc/SAMM/007/007_6_1/007_00001.jpg', '/data/megc/SAMM/007/007_6_1/007_00002.jpg', '/data/megc/SAMM/007/007_6_1/007_00003.jpg'],
  garbage: { cells: ['smic', 's1', 's1_ne_01', 7, 17581035, 17581039, 17581050, '', '', ''], at: 0 }, // no AU column: a class that is not 0/1/2
};

/** A generic sheet with the standard names: read without --columns. */
const GENERIC: FixtureSpec = {
  file: 'my-coding.csv',
  header: ['Subject', 'Filename', 'OnsetFrame', 'ApexFrame', 'OffsetFrame', 'AU', 'Emotion'],
  clips: [seq(['P01', 'take_3'], 0, 49, (n) => `frame_${pad(n, 4)}.png`)],
  rows: [
    { cells: ['P01', 'take_3', 4, 10, 20, 'AU12 or AU14', 'happiness'], clip: 0, frames: { onset: 4, apex: 10, offset: 20 }, aus: 'AU12 or AU14' },
    { cells: ['P01', 'take_3', 21, 25, 40, '1+2', 'surprise'], clip: 0, frames: { onset: 21, apex: 25, offset: 40 }, aus: '1+2' },
    { cells: ['P01', 'take_3', 41, 43, 45, '4+12?', 'others'], clip: 0, frames: { onset: 41, apex: 43, offset: 45 }, aus: '4+12?', notation: true },
  ],
  missingClip: ['P02', 'take_1', 1, 2, 3, '12', 'happiness'],
  garbage: { cells: ['P01', 'take_3', 1, 2, 3, '12 14x', 'happiness'], at: 5 },
};

/** The headerless CAS(ME)² sheet: participant, video name, onset, apex, offset, AUs, emotion, type, self-report. */
const CASME2X: FixtureSpec = {
  file: 'CAS(ME)^2code_final.xlsx',
  header: null,
  clips: [seq(['s15', '15_0101disgustingteeth'], 1, 60, (n) => `img${n}.jpg`)],
  rows: [{ cells: [15, '15_0101disgustingteeth', 5, 10, 30, '4+7', 'negative', 'micro-expression', 'disgust'], clip: 0, frames: { onset: 5, apex: 10, offset: 30 }, aus: '4+7' }],
  missingClip: [16, '16_0102eatingworms', 1, 2, 3, '4', 'negative', 'micro-expression', 'disgust'],
  garbage: { cells: [15, '15_0101disgustingteeth', 1, 2, 3, '4 or', 'negative', 'micro-expression', 'disgust'], at: 4 },
};

const MMEW: FixtureSpec = {
  file: 'MMEW_Micro_Exp.xlsx',
  header: ['Subject', 'Filename', 'OnsetFrame', 'ApexFrame', 'OffsetFrame', 'AU', 'Estimated Emotion'],
  clips: [seq(['happiness', 'S01_happiness_1'], 1, 30, (n) => `${n}.jpg`)],
  rows: [{ cells: ['S01', 'S01_happiness_1', 3, 5, 9, '6+12', 'happiness'], clip: 0, frames: { onset: 3, apex: 5, offset: 9 }, aus: '6+12' }],
  missingClip: ['S02', 'S02_fear_1', 1, 2, 3, '4', 'fear'],
  garbage: { cells: ['S01', 'S01_happiness_1', 1, 2, 3, '6+12+', 'happiness'], at: 5 },
};

const FOUR_DME: FixtureSpec = {
  file: '4DME_Labelling_Micro_release v1.xlsx',
  header: ['Subject', 'Filename', 'Onset', 'Apex', 'Offset', 'AUs', 'Emotion'],
  clips: [seq(['S1', 'S1_1'], 1, 30, (n) => `${n}.jpg`)],
  rows: [{ cells: ['S1', 'S1_1', 3, 5, 9, '1+2', 'Surprise'], clip: 0, frames: { onset: 3, apex: 5, offset: 9 }, aus: '1+2' }],
  missingClip: ['S9', 'S9_1', 1, 2, 3, '4', 'Negative'],
  garbage: { cells: ['S1', 'S1_1', 1, 2, 3, '1++2', 'Surprise'], at: 2 },
};

/** Every layout's fixture; `samm` in its micro-expression sheet, `samm-long` the long-video one. */
export const FIXTURES = {
  casme2: CASME2,
  samm: SAMM,
  'samm-long': SAMM_LONG,
  smic: SMIC,
  casme3: CASME3,
  dfme: DFME,
  megc: MEGC,
  generic: GENERIC,
  casme2x: CASME2X,
  mmew: MMEW,
  '4dme': FOUR_DME,
} as const satisfies Record<string, FixtureSpec>;
export type FixtureName = keyof typeof FIXTURES;

export const fixtureDataset = (name: FixtureName): Dataset => (name === 'samm-long' ? 'samm' : name);

/** Writes rows to an .xlsx (worksheet name as the dataset has it) or a .csv, by extension. */
export async function writeWorkbook(path: string, rows: readonly (readonly Cell[])[], worksheet = 'Sheet1'): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(worksheet);
  for (const row of rows) sheet.addRow([...row]);
  if (path.endsWith('.csv')) await workbook.csv.writeFile(path);
  else await workbook.xlsx.writeFile(path);
  return path;
}

/**
 * Writes one layout's fixture under `dir`: the media root with every clip's frames and
 * the sheet. `notation` adds the rows whose AU text needs the full FACS grammar;
 * `broken` appends a row whose clip folder is missing and one with garbage AU text.
 */
export async function writeLayoutFixture(dir: string, name: FixtureName, options: { notation?: boolean; broken?: boolean } = {}): Promise<LayoutFixture> {
  const spec: FixtureSpec = FIXTURES[name];
  const root = join(dir, `${name}-media`);
  mkdirSync(root, { recursive: true });
  for (const clip of spec.clips) await writeSequence(root, [...clip.segments], clip.first, clip.last, clip.name);
  const rows = spec.rows.filter((row) => options.notation || !row.notation);
  const lead = [...(spec.preamble ?? []), ...(spec.header ? [spec.header] : [])];
  const body: (readonly Cell[])[] = [...lead, ...rows.map((r) => r.cells)];
  let broken: LayoutFixture['broken'] = null;
  if (options.broken) {
    body.push(spec.missingClip, spec.garbage.cells);
    broken = { missingClipRow: body.length - 1, garbageRow: body.length, garbageAt: spec.garbage.at };
  }
  const sheet = await writeWorkbook(join(dir, spec.file), body, spec.worksheet);
  return { dataset: fixtureDataset(name), root, sheet, header: spec.header, clips: spec.clips, rows, broken };
}
