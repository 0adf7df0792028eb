import { resolve } from 'node:path';

/**
 * Where a workspace lives: a SQLite file path, or a PostgreSQL server's URL
 * (`postgres://` or `postgresql://`, TLS options such as `sslmode` and `sslrootcert` in
 * its query). A password may be given in the URL to connect, but it is never kept: what
 * is remembered, shown or logged is `redactLocation`'s form, and reopening that finds
 * the password in the environment (PGPASSWORD) or ~/.pgpass.
 */
const SERVER_URL = /^postgres(?:ql)?:\/\//i;

export function isServerLocation(location: string): boolean {
  return SERVER_URL.test(location.trim());
}

/** A file path made absolute; a server URL unchanged. */
export function normalizeLocation(location: string): string {
  return isServerLocation(location) ? location.trim() : resolve(location);
}

/** The URL without its password (in the user part or as a `password` query parameter); a path unchanged. */
export function redactLocation(location: string): string {
  if (!isServerLocation(location)) return location;
  const url = location.trim();
  const match = /^([a-z]+:\/\/)([^/?#]*)(.*)$/i.exec(url);
  if (!match) return url;
  const [, scheme, authority = '', rest = ''] = match;
  const at = authority.lastIndexOf('@');
  let host = authority;
  if (at >= 0) {
    const user = authority.slice(0, at);
    const colon = user.indexOf(':');
    host = `${colon >= 0 ? user.slice(0, colon) : user}@${authority.slice(at + 1)}`;
  }
  return `${scheme}${host}${stripPasswordParam(rest)}`;
}

function stripPasswordParam(rest: string): string {
  const q = rest.indexOf('?');
  if (q < 0) return rest;
  const hash = rest.indexOf('#', q);
  const query = rest.slice(q + 1, hash < 0 ? undefined : hash);
  const kept = query.split('&').filter((pair) => pair !== '' && safeDecode(pair.split('=')[0] ?? '').toLowerCase() !== 'password');
  return `${rest.slice(0, q)}${kept.length ? `?${kept.join('&')}` : ''}${hash < 0 ? '' : rest.slice(hash)}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
