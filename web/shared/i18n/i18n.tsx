/**
 * The customer pages' language: English or German, chosen from the browser's preferred
 * languages, changed with a switch, and remembered in localStorage.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { de } from './de.js';
import { en, type Catalogue } from './en.js';

export type Lang = 'en' | 'de';
export const CATALOGUES: Record<Lang, Catalogue> = { en, de };
export const LANGS: readonly Lang[] = ['en', 'de'];
const STORAGE_KEY = 'lobby.lang';

const isLang = (value: unknown): value is Lang => value === 'en' || value === 'de';

/** The first of the browser's languages we have ("de-AT" counts as "de"); else English. */
export function detectLanguage(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLang(primary)) return primary;
  }
  return 'en';
}

function initialLanguage(): Lang {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // storage blocked: fall back to the browser's choice
  }
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  return detectLanguage(preferred);
}

interface I18n {
  lang: Lang;
  t: Catalogue;
  setLang(lang: Lang): void;
}

const I18nContext = createContext<I18n | null>(null);

interface ProviderProps {
  children: ReactNode;
  /** Called with each language chosen, e.g. to set <html lang>. */
  onLanguage?(lang: Lang): void;
}

export function I18nProvider({ children, onLanguage }: ProviderProps) {
  const [lang, setLangState] = useState<Lang>(initialLanguage);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // storage blocked: the choice lasts as long as the page
    }
  }, []);
  useEffect(() => onLanguage?.(lang), [lang, onLanguage]);
  const value = useMemo(() => ({ lang, t: CATALOGUES[lang], setLang }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

/** English | Deutsch: each language named in itself, the current one pressed. */
export function LanguageSwitch() {
  const { lang, t, setLang } = useI18n();
  return (
    <div className="lang-switch" role="group" aria-label={t.common.language}>
      {LANGS.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          className="lang-switch__option"
          aria-pressed={l === lang}
          onClick={() => setLang(l)}
        >
          {CATALOGUES[l].languageName}
        </button>
      ))}
    </div>
  );
}
