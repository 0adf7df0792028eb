/** Rebinding shortcuts: press the new chord in an action's field; Reset returns to the default. */
import { useTranslation } from 'react-i18next';
import { chordOf, chordsFor, conflicts, HOTKEYS, type HotkeyId } from '../hotkeys/table';
import { useSettings } from '../state/settings';

export function ShortcutSettings() {
  const { t } = useTranslation();
  const { settings, update } = useSettings();
  const overrides = settings?.shortcuts ?? {};
  const clashes = conflicts(overrides);
  const set = (id: HotkeyId, chord: string | null) => {
    const next: Record<string, string> = { ...overrides };
    if (chord) next[id] = chord;
    else delete next[id];
    void update({ shortcuts: next });
  };

  return (
    <section aria-labelledby="shortcuts-title" className="shortcut-settings">
      <h2 id="shortcuts-title">{t('settings.shortcuts')}</h2>
      <p className="muted">{t('settings.shortcutsHint')}</p>
      {clashes.map(([a, b, chord]) => (
        <p key={`${a}-${b}`} role="alert" className="warn">
          {t('settings.shortcutConflict', { chord, a: t(`hotkeys.actions.${a}`), b: t(`hotkeys.actions.${b}`) })}
        </p>
      ))}
      <table>
        <tbody>
          {HOTKEYS.map((def) => (
            <tr key={def.id}>
              <th scope="row">{t(`hotkeys.actions.${def.id}`)}</th>
              <td>
                <input
                  readOnly
                  name={`shortcut-${def.id}`}
                  aria-label={t('settings.shortcutFor', { action: t(`hotkeys.actions.${def.id}`) })}
                  value={chordsFor(def.id, overrides).join(', ')}
                  onKeyDown={(event) => {
                    if (event.key === 'Tab') return;
                    event.preventDefault();
                    event.stopPropagation();
                    const chord = chordOf(event);
                    if (chord) set(def.id, chord);
                  }}
                />
              </td>
              <td>
                {overrides[def.id] && (
                  <button type="button" onClick={() => set(def.id, null)}>
                    {t('settings.reset')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
