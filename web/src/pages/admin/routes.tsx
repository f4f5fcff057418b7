/** The admin area's pages and header entries (see ../areaNav.ts). */
import type { RouteObject } from "react-router";
import { holds, isStaff } from "../../auth/Auth";
import type { NavEntry } from "../areaNav";
import { page } from "../lazyPage";

export const routes: RouteObject[] = [
  { path: "admin/org", ...page(() => import("./OrgIndexPage")) },
  { path: "admin/org/:id", ...page(() => import("./OrgNodePage")) },
  { path: "admin/subscriptions", ...page(() => import("./SubscriptionsPage")) },
  { path: "catalogue", ...page(() => import("./CataloguePage")) },
  { path: "catalogue/:id", ...page(() => import("./CatalogueServicePage")) },
];

export const nav: NavEntry[] = [
  { to: "/admin/org", label: "admin.nav", shownTo: (me) => holds(me, "admin") },
  { to: "/catalogue", label: "admin.nav_catalogue", shownTo: (me) => isStaff(me) },
];
