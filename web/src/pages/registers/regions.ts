/** Region names for the register's codes, from the master data the NIK check already loads lazily. */
import { loadRegions, type Regions } from "../../forms/nik";
import { useAsync } from "../../hooks/useAsync";
import { regionKey } from "./model";

export function useRegions() {
  return useAsync<Regions | null>(() => loadRegions().catch(() => null), []);
}

export interface RegionNames {
  province: string;
  regency: string;
  district: string;
}

/** The names of a place's province, regency and district (its code when the data lacks one). */
export function regionNames(
  regions: Regions | null | undefined,
  location: { province_code: string; regency_code: string; district_code: string },
): RegionNames {
  const name = (table: Record<string, string> | undefined, code: string) => table?.[regionKey(code)] ?? code;
  return {
    province: name(regions?.provinces, location.province_code),
    regency: name(regions?.regencies, location.regency_code),
    district: name(regions?.districts, location.district_code),
  };
}
