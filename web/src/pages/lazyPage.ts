/** A page that loads on first visit (its own chunk), so the first load carries only the frame. */
import type { RouteObject } from "react-router";

type PageModule = { default: React.ComponentType };

export function page(load: () => Promise<PageModule>): Pick<RouteObject, "lazy"> {
  return { lazy: async () => ({ Component: (await load()).default }) };
}
