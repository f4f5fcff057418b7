/** The operations area's pages and header entries (see ../areaNav.ts): for people holding `ops`. */
import type { RouteObject } from "react-router";
import { holds } from "../../auth/Auth";
import type { NavEntry } from "../areaNav";
import { page } from "../lazyPage";

export const routes: RouteObject[] = [
  { path: "ops", ...page(() => import("./SendsPage")) },
  { path: "ops/sends", ...page(() => import("./SendsPage")) },
  { path: "ops/sends/:id", ...page(() => import("./SendRecordPage")) },
  { path: "ops/queues", ...page(() => import("./QueuesPage")) },
  { path: "ops/schedules", ...page(() => import("./SchedulesPage")) },
];

export const nav: NavEntry[] = [{ to: "/ops/sends", label: "ops.nav", shownTo: (me) => holds(me, "ops") }];
