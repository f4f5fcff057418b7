import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { LANGUAGES, translator, type Language, type Translate } from "./catalogue";
import { formatBytes, formatDateTime, formatDay, formatMoney, formatNumber, formatRelative } from "./format";

const STORAGE_KEY = "satupintu.language";

export interface I18n {
  language: Language;
  t: Translate;
  setLanguage: (language: Language) => void;
  dateTime: (iso: string | null | undefined) => string;
  day: (day: string | null | undefined) => string;
  money: (amount: number | null | undefined) => string;
  number: (value: number) => string;
  bytes: (size: number) => string;
  relative: (iso: string) => string;
  /** The catalog's own words (labels, names) in the user's language: `pick(label, label_en)`. */
  pick: (indonesian: string, english: string | null | undefined) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function storedLanguage(): Language {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved && (LANGUAGES as readonly string[]).includes(saved)) return saved as Language;
  } catch {
    // storage off: Indonesian, the default
  }
  return "id";
}

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Language }) {
  const [language, setLanguageState] = useState<Language>(initial ?? storedLanguage());

  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // the choice lasts for this visit only
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const value = useMemo<I18n>(
    () => ({
      language,
      t: translator(language),
      setLanguage,
      dateTime: (iso) => formatDateTime(iso, language),
      day: (value) => formatDay(value, language),
      money: formatMoney,
      number: (value) => formatNumber(value, language),
      bytes: (size) => formatBytes(size, language),
      relative: (iso) => formatRelative(iso, language),
      pick: (indonesian, english) => (language === "en" && english ? english : indonesian),
    }),
    [language, setLanguage],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const found = useContext(I18nContext);
  if (!found) throw new Error("useI18n outside I18nProvider");
  return found;
}

/** The language the API should answer in (Accept-Language), read outside React. */
export function currentLanguage(): Language {
  return document.documentElement.lang === "en" ? "en" : "id";
}
