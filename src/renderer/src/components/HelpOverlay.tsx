/** The `?` overlay: every shortcut from the hotkey table, with the user's own bindings. */
import { useTranslation } from 'react-i18next';
import { chordsFor, HOTKEY_GROUPS, HOTKEYS } from '../hotkeys/table';
import { useSettings } from '../state/settings';

export function HelpOverlay({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const { settings } = useSettings();
  return (
    <div
      className="overlay"
      role="dialog"
      aria-modal="true"
      aria-labelledby="help-title"
      data-testid="help-overlay"
      onClick={onClose}
      onKeyDown={(event) => event.key === 'Escape' && onClose()}
    >
      <div className="overlay-card" onClick={(event) => event.stopPropagation()}>
        <header>
          <h2 id="help-title">{t('hotkeys.title')}</h2>
          <button type="button" onClick={onClose} autoFocus>
            {t('common.close')}
          </button>
        </header>
        <div className="help-groups">
          {HOTKEY_GROUPS.map((group) => (
            <section key={group}>
              <h3>{t(`hotkeys.groups.${group}`)}</h3>
              <dl>
                {HOTKEYS.filter((def) => def.group === group).map((def) => (
                  <div key={def.id}>
                    <dt>
                      {chordsFor(def.id, settings?.shortcuts).map((chord) => (
                        <kbd key={chord}>{chord}</kbd>
                      ))}
                    </dt>
                    <dd>{t(`hotkeys.actions.${def.id}`)}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
