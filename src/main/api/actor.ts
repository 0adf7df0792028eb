import type { Services } from './context';

/**
 * Who is acting: on a server workspace the database role the connection logged in as
 * (the server enforces it, so a name typed in Settings cannot override it); on a file,
 * Settings' annotator name (one person's file).
 */
export async function actingName(services: Pick<Services, 'workspaces' | 'settings'>): Promise<string> {
  const open = services.workspaces.current;
  return (open?.isOpen ? open.actingRole : null) ?? (await services.settings.get()).annotator;
}
