/**
 * NIK structure, by the same rules as the server (chalicelib/domain/nik.py): 16 ASCII digits
 * `PPKKCC DDMMYY SSSS`, a district in the region master data, a real birth date (women add
 * 40 to the day; the century is the latest that does not put the birth in the future) and a
 * serial other than 0000. The master data loads lazily: only forms with a NIK need it.
 */
export interface Regions {
  provinces: Record<string, string>;
  regencies: Record<string, string>;
  districts: Record<string, string>;
}

export interface NikReading {
  codes: NikProblem[];
  district?: string;
  regency?: string;
  province?: string;
  birthDate?: string; // YYYY-MM-DD
  sex?: "M" | "F";
}

export type NikProblem = "nik_length" | "nik_region" | "nik_date" | "nik_serial";

let loaded: Promise<Regions> | null = null;

export function loadRegions(): Promise<Regions> {
  loaded ??= import("./districts.generated").then((module) => module.default);
  return loaded;
}

export function compactNik(raw: string): string {
  return raw.replace(/\s+/g, "");
}

function realDate(year: number, month: number, day: number): boolean {
  const when = new Date(Date.UTC(year, month - 1, day));
  return when.getUTCFullYear() === year && when.getUTCMonth() === month - 1 && when.getUTCDate() === day;
}

export function birthDateOf(day: number, month: number, year2: number, today: string): string | null {
  for (const century of [2000, 1900]) {
    const year = century + year2;
    if (!realDate(year, month, day)) continue; // 29 Feb exists in 2000, not in 1900
    const iso = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
    if (iso <= today) return iso;
  }
  return null;
}

/** `today` is YYYY-MM-DD in WIB; `regions` null while the master data is still loading. */
export function readNik(raw: string, today: string, regions: Regions | null): NikReading {
  const nik = compactNik(raw);
  if (!/^[0-9]{16}$/.test(nik)) return { codes: ["nik_length"] };
  const codes: NikProblem[] = [];
  const reading: NikReading = { codes };
  if (regions) {
    const district = regions.districts[nik.slice(0, 6)];
    if (district === undefined) {
      codes.push("nik_region");
    } else {
      reading.district = district;
      reading.regency = regions.regencies[nik.slice(0, 4)];
      reading.province = regions.provinces[nik.slice(0, 2)];
    }
  }
  const dayPart = Number(nik.slice(6, 8));
  const female = dayPart > 40;
  const birth = birthDateOf(female ? dayPart - 40 : dayPart, Number(nik.slice(8, 10)), Number(nik.slice(10, 12)), today);
  if (birth === null) {
    codes.push("nik_date");
  } else {
    reading.birthDate = birth;
    reading.sex = female ? "F" : "M";
  }
  if (nik.slice(12) === "0000") codes.push("nik_serial");
  return reading;
}

/** A NIK kept sealed by the API comes back masked (327606********02): it is not typed again. */
export function isMaskedNik(value: string): boolean {
  return /^[0-9]{6}\*{8}[0-9]{2}$/.test(value);
}
