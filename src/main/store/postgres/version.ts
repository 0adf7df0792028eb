import pg from 'pg';
import { AppError } from '@shared/errors';
import { redactLocation } from '../location';
import { pgAppError } from './errors';

/** The version of the server a workspace URL names (checked by `mellm doctor`); one short connection, nothing written. */
export async function postgresServerVersion(url: string): Promise<string> {
  const location = redactLocation(url);
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: 'mellm doctor' });
  } catch (error) {
    throw pgAppError(error, location);
  }
  try {
    await client.connect();
    const row = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0];
    if (!row) throw new AppError('INTERNAL', `${location} did not report its version`);
    return `PostgreSQL ${row.v}`;
  } catch (error) {
    throw pgAppError(error, location);
  } finally {
    await client.end().catch(() => undefined);
  }
}
