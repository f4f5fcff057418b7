/**
 * An office's region code, by the same rules as the server (chalicelib/domain/regions.py,
 * office_region_problem): a kota or kabupaten names a regency (32.76), a kecamatan a district
 * (32.76.06), a kelurahan or desa a village (32.76.06.1002, checked as far as its district: the
 * master data stops there); any code is a real region and lies inside the parent office's code.
 */
import type { Regions } from "../../forms/nik";

export const REGION_LEVEL_OF_KIND: Record<string, 1 | 2 | 3 | 4> = {
  provinsi: 1,
  kota: 2,
  kabupaten: 2,
  kecamatan: 3,
  kelurahan: 4,
  desa: 4,
};

const EXAMPLES: Record<1 | 2 | 3 | 4, string> = { 1: "32", 2: "32.76", 3: "32.76.06", 4: "32.76.06.1002" };
const PATTERN = /^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$/;

export type RegionProblem =
  | { code: "region_required" }
  | { code: "region_format" }
  | { code: "region_level"; example: string }
  | { code: "region_unknown" }
  | { code: "region_outside_parent"; parent: string };

export function exampleFor(kind: string): string | undefined {
  const level = REGION_LEVEL_OF_KIND[kind];
  return level ? EXAMPLES[level] : undefined;
}

/** The master data's name for a code (as far as districts), or undefined when it has none. */
export function regionName(code: string, regions: Regions): string | undefined {
  const parts = code.split(".");
  if (parts.length === 1) return regions.provinces[code];
  if (parts.length === 2) return regions.regencies[parts.join("")];
  const district = regions.districts[parts.slice(0, 3).join("")];
  if (district === undefined) return undefined;
  const regency = regions.regencies[parts.slice(0, 2).join("")] ?? "";
  // A village is named by its district: the master data has no villages.
  return `${district}, ${regency}`;
}

/** What is wrong with `code` for an office of `kind` under a parent with `parentCode`; null if nothing. */
export function regionProblem(kind: string, code: string, parentCode: string | null | undefined, regions: Regions | null): RegionProblem | null {
  const level = REGION_LEVEL_OF_KIND[kind];
  if (!code) return level ? { code: "region_required" } : null;
  if (!PATTERN.test(code)) return { code: "region_format" };
  const parts = code.split(".");
  if (level && parts.length !== level) return { code: "region_level", example: EXAMPLES[level] };
  if (regions && regionName(parts.slice(0, 3).join("."), regions) === undefined) return { code: "region_unknown" };
  if (parentCode && code !== parentCode && !code.startsWith(`${parentCode}.`)) return { code: "region_outside_parent", parent: parentCode };
  return null;
}

export interface RegionChoice {
  code: string;
  name: string;
}

/**
 * Search as you type: the regions of the kind's level inside the parent's code whose code or
 * name holds what was typed (case and accents aside), at most `limit`.
 */
export function regionChoices(kind: string, typed: string, parentCode: string | null | undefined, regions: Regions, limit = 20): RegionChoice[] {
  const level = REGION_LEVEL_OF_KIND[kind] ?? 3;
  const wanted = fold(typed.trim());
  const inside = (code: string) => !parentCode || code === parentCode || code.startsWith(`${parentCode}.`);
  const matches = (code: string, name: string) => !wanted || code.startsWith(typed.trim()) || fold(name).includes(wanted);
  const found: RegionChoice[] = [];
  const consider = (code: string, name: string) => {
    if (found.length < limit && inside(code) && matches(code, name)) found.push({ code, name });
  };
  if (level === 1) {
    for (const [code, name] of Object.entries(regions.provinces)) consider(code, name);
  } else if (level === 2) {
    for (const [compact, name] of Object.entries(regions.regencies)) consider(`${compact.slice(0, 2)}.${compact.slice(2)}`, name);
  } else {
    // A village's code starts with its district's: offer the districts; the village's four digits are typed.
    for (const [compact, name] of Object.entries(regions.districts)) {
      const code = `${compact.slice(0, 2)}.${compact.slice(2, 4)}.${compact.slice(4)}`;
      const regency = regions.regencies[compact.slice(0, 4)] ?? "";
      if (level === 4 && parentCode && code !== parentCode) continue;
      consider(level === 4 ? `${code}.` : code, `${name}, ${regency}`);
    }
  }
  return found;
}

function fold(text: string): string {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}
