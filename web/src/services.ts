/** The public catalog, loaded once per visit and shared by the pages that name services. */
import { api, call } from "./api/client";
import type { Service } from "./api/types";
import type { MessageKey } from "./i18n/catalogue";

let catalog: Promise<Service[]> | null = null;

export function loadServices(): Promise<Service[]> {
  catalog ??= call(api().GET("/services")).then((answer) => answer.items).catch((error: unknown) => {
    catalog = null; // try again next time
    throw error;
  });
  return catalog;
}

export async function loadService(id: string): Promise<Service | undefined> {
  return (await loadServices()).find((service) => service.id === id);
}

export const PROGRAM_KEYS: Record<Service["program"], MessageKey> = {
  dam: "program.dam",
  "civil-registry": "program.civil-registry",
  "city-permit": "program.city-permit",
  "marketing-fee": "program.marketing-fee",
};

export const PROGRAM_ORDER: Service["program"][] = ["city-permit", "dam", "civil-registry", "marketing-fee"];

/** An SLA as people say it: "3 hari" for whole days, else hours. */
export function slaWords(hours: number, t: (key: MessageKey, params?: Record<string, string | number>) => string): string {
  if (hours >= 24 && hours % 24 === 0) return t("sla.days", { days: hours / 24 });
  return t("sla.hours", { hours });
}
