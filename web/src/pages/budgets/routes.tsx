/** The budgets area's pages and header entries (see ../areaNav.ts). */
import type { RouteObject } from "react-router";
import { allRoles } from "../../auth/Auth";
import type { NavEntry } from "../areaNav";
import { page } from "../lazyPage";
import { BUDGET_ROLES } from "./budgetRules";

export const routes: RouteObject[] = [
  { path: "budgets", ...page(() => import("./BudgetsHome")) },
  { path: "budgets/:nodeId/:period", ...page(() => import("./BudgetPage")) },
];

export const nav: NavEntry[] = [
  {
    to: "/budgets",
    label: "budgets.nav",
    shownTo: (me) => allRoles(me).some((r) => (BUDGET_ROLES as readonly string[]).includes(r.role)),
  },
];
