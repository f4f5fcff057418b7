/** The operations area's pages and header entries (see ../areaNav.ts). */
import type { RouteObject } from "react-router";
import type { NavEntry } from "../areaNav";

export const routes: RouteObject[] = [];

export const nav: NavEntry[] = [];
