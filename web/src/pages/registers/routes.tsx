/** The registers area's pages and header entries (see ../areaNav.ts). */
import type { RouteObject } from "react-router";
import { allRoles } from "../../auth/Auth";
import type { NavEntry } from "../areaNav";
import { page } from "../lazyPage";

// The register's own roles (chalicelib/domain/people.py). Deciders, viewers and admins read dams
// too, but only those on a dam office's line, which a role's node alone does not say: the header
// offers the register to the roles that exist for it, and the page is open to anyone.
const DAM_ROLES = ["dam_registrar", "dam_operator", "dam_inspector"];

export const routes: RouteObject[] = [
  { path: "dams", ...page(() => import("./DamsPage")) },
  { path: "dams/:id", ...page(() => import("./DamPage")) },
  { path: "regulations", ...page(() => import("./RegulationsPage")) },
  { path: "regulations/new", ...page(() => import("./NewRegulationPage")) },
  { path: "regulations/:id", ...page(() => import("./RegulationPage")) },
];

export const nav: NavEntry[] = [
  { to: "/dams", label: "dams.nav", shownTo: (me) => allRoles(me).some((r) => DAM_ROLES.includes(r.role)) },
  { to: "/regulations", label: "library.nav", shownTo: () => true },
];
