/** The dashboards area's pages and header entries (see ../areaNav.ts). */
import type { RouteObject } from "react-router";
import type { NavEntry } from "../areaNav";
import { page } from "../lazyPage";
import { allRoles } from "../../auth/Auth";
import { FIGURES_ROLES } from "./figures";

export const routes: RouteObject[] = [
  { path: "dashboard", ...page(() => import("./MyDashboardPage")) },
  { path: "dashboard/:nodeId", ...page(() => import("./DashboardPage")) },
];

export const nav: NavEntry[] = [
  { to: "/dashboard", label: "dash.nav", shownTo: (me) => allRoles(me).some((r) => FIGURES_ROLES.includes(r.role)) },
];
