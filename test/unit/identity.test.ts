import { describe, expect, it } from 'vitest';
import { identityOf } from '../../src/renderer/src/state/identity';

describe('who works, in the renderer', () => {
  it('is the login role on a team server, whatever Settings say', () => {
    expect(identityOf({ identity: 'database-role', actingAs: 'ana' }, 'rita')).toEqual({ name: 'ana', source: 'database-role' });
    expect(identityOf({ identity: 'database-role', actingAs: 'ana' }, '')).toEqual({ name: 'ana', source: 'database-role' });
  });

  it('is Settings’ name on a file, on a server account outside the team roles, and before a workspace is open', () => {
    expect(identityOf({ identity: 'settings', actingAs: null }, 'rita')).toEqual({ name: 'rita', source: 'settings' });
    expect(identityOf(null, 'rita')).toEqual({ name: 'rita', source: 'settings' });
    expect(identityOf(null, undefined)).toEqual({ name: '', source: 'settings' });
  });
});
