/**
 * The address of what is on screen, in the URL's hash: `#/annotate?clip=3&event=5`. A
 * reload reads it back to the same view, clip and event (the frame comes from the
 * clip's saved place). Anything unreadable falls back to the default view.
 */
export interface Route {
  readonly view: string;
  /** The workspace clip id shown in Annotate. */
  readonly clip: number | null;
  readonly event: number | null;
}

const id = (text: string | null): number | null => (text !== null && /^[1-9]\d{0,14}$/.test(text) ? Number(text) : null);

export function parseRoute(hash: string, views: readonly string[], fallback: string): Route {
  const match = /^#\/([a-z-]{1,32})(?:\?(.{0,200}))?$/.exec(hash);
  const view = match?.[1] && views.includes(match[1]) ? match[1] : fallback;
  const query = new URLSearchParams(match?.[2] ?? '');
  const clip = id(query.get('clip'));
  return { view, clip, event: clip === null ? null : id(query.get('event')) };
}

export function formatRoute(route: Route): string {
  const query = new URLSearchParams();
  if (route.clip !== null) query.set('clip', String(route.clip));
  if (route.clip !== null && route.event !== null) query.set('event', String(route.event));
  const text = query.toString();
  return `#/${route.view}${text ? `?${text}` : ''}`;
}
