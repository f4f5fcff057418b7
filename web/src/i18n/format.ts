/**
 * Dates, times, money and sizes as people here read them: times in WIB (Asia/Jakarta, where the
 * organisations work, whatever the device's own zone), money in whole rupiah.
 */
import type { Language } from "./catalogue";

export const TIME_ZONE = "Asia/Jakarta";

const locales: Record<Language, string> = { id: "id-ID", en: "en-GB" };

export function formatDateTime(iso: string | null | undefined, language: Language): string {
  if (!iso) return "";
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  const text = new Intl.DateTimeFormat(locales[language], {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: TIME_ZONE,
  }).format(when);
  return `${text} WIB`;
}

/** A calendar day as written in a form (YYYY-MM-DD): no time zone may move it. */
export function formatDay(day: string | null | undefined, language: Language): string {
  if (!day) return "";
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return formatDateTime(day, language);
  const when = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(locales[language], { dateStyle: "long", timeZone: "UTC" }).format(when);
}

/** Today in WIB, as YYYY-MM-DD: what "not in the future" is measured against, as on the server. */
export function todayInJakarta(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

const rupiah = new Intl.NumberFormat("id-ID", { style: "currency", currency: "IDR", maximumFractionDigits: 0 });

/** Rp 2.500.000 in both languages: that is how rupiah are written. */
export function formatMoney(amount: number | null | undefined): string {
  if (amount === null || amount === undefined) return "";
  return rupiah.format(amount).replace(/\u00a0/g, " ");
}

export function formatNumber(value: number, language: Language): string {
  return new Intl.NumberFormat(locales[language], { maximumFractionDigits: 6 }).format(value);
}

export function formatBytes(bytes: number, language: Language): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${new Intl.NumberFormat(locales[language], { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** "in 3 hours" / "2 days ago", in the user's language. */
export function formatRelative(iso: string, language: Language, now: number = Date.now()): string {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const format = new Intl.RelativeTimeFormat(locales[language], { numeric: "auto" });
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(Math.round(seconds / 60), "minute");
}
