/** The dashboards area's strings. */
export const id = {} as const;

export const en: Record<keyof typeof id, string> = {};
