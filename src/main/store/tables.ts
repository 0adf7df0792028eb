/**
 * Every table of a workspace with its columns, in an order that satisfies the foreign
 * keys (a row's references are copied before it). What `workspace copy` moves and the
 * canonical dump hashes: a table or column missing here would be lost by a copy, so
 * test/unit/workspace-tables.test.ts compares this list with the schema the migrations
 * build.
 */

/** How a value is compared and carried across dialects. */
export type ColumnType = 'int' | 'real' | 'text' | 'blob' | 'flag';

export interface TableColumn {
  readonly name: string;
  readonly type: ColumnType;
}

export interface WorkspaceTable {
  readonly name: string;
  /** The primary key, in order: rows are read in key order (paged) and hashed in it. */
  readonly key: readonly string[];
  /** Whether `id` is generated (its sequence is moved past the copied ids on a server). */
  readonly serial: boolean;
  readonly columns: readonly TableColumn[];
}

const col = (spec: string): TableColumn[] =>
  spec.split(/\s+/).filter(Boolean).map((pair) => {
    const [name, type] = pair.split(':') as [string, ColumnType];
    return { name, type };
  });

export const WORKSPACE_TABLES: readonly WorkspaceTable[] = [
  { name: 'annotators', key: ['id'], serial: true, columns: col('id:int name:text role:text') },
  {
    name: 'clips',
    key: ['id'],
    serial: true,
    columns: col(
      'id:int path:text kind:text sha256:text fps:real frames:int width:int height:int subject:text dataset:text dataset_row:int ' +
        'dataset_filename:text face_index:int created_at:text deleted_at:text deleted_by:int media_root:text media_path:text capture_fps:real',
    ),
  },
  {
    name: 'events',
    key: ['id'],
    serial: true,
    columns: col(
      'id:int clip_id:int onset:int apex:int offset:int source:text dataset_onset:int dataset_apex:int dataset_offset:int ' +
        'dataset_aus:text dataset_emotion:text dataset_extra:text flags:text created_at:text deleted_at:text deleted_by:int',
    ),
  },
  { name: 'analyses', key: ['id'], serial: true, columns: col('id:int event_id:int models:text result:text timings:text created_at:text config_key:text') },
  {
    name: 'annotations',
    key: ['id'],
    serial: true,
    columns: col(
      'id:int event_id:int annotator_id:int aus:text emotion:text label3:text description:text status:text provenance:text version:int locked:flag updated_at:text',
    ),
  },
  { name: 'annotation_events', key: ['id'], serial: true, columns: col('id:int annotation_id:int annotator_id:int version:int snapshot:text at:text') },
  {
    name: 'reviews',
    key: ['id'],
    serial: true,
    columns: col('id:int annotation_id:int annotation_version:int reviewer_id:int decision:text comment:text created_at:text'),
  },
  { name: 'frame_motion', key: ['clip_id', 'frame'], serial: false, columns: col('clip_id:int frame:int lag:int rois:blob aus:text') },
  { name: 'job_claims', key: ['key'], serial: false, columns: col('key:text owner:text state:text attempts:int lease_until:int error:text checkpoint:blob') },
  { name: 'deletions', key: ['id'], serial: true, columns: col('id:int target:text target_id:int action:text actor_id:int at:text') },
  {
    name: 'spotting_runs',
    key: ['clip_id'],
    serial: false,
    columns: col('clip_id:int created_at:text created_by:text app_version:text config_key:text settings:text models:text report:text curve:blob curve_points:int'),
  },
];

/** One row as plain values: integers and reals as numbers, text as strings, blobs as bytes, flags as 0 or 1. */
export type TableRow = Record<string, number | string | Uint8Array | null>;
