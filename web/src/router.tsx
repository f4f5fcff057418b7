/**
 * Every page and its address. Pages load on first visit (each is its own chunk), so the first
 * load carries only the frame and the page asked for.
 *
 * Addresses are paths (history routing): the links the system sends are
 * /applications/{id}, /track/{code}, /verify/{code}, /set-password#…, /forgot-password;
 * the static host answers index.html for any path without a file extension.
 */
import { createBrowserRouter, type RouteObject } from "react-router";
import { Layout } from "./components/Layout";
import { routes as adminRoutes } from "./pages/admin/routes";
import { routes as budgetRoutes } from "./pages/budgets/routes";
import { routes as dashboardRoutes } from "./pages/dashboards/routes";
import { page } from "./pages/lazyPage";
import { routes as operationsRoutes } from "./pages/operations/routes";
import { routes as registerRoutes } from "./pages/registers/routes";
import { RouteError } from "./pages/RouteError";

export const routes: RouteObject[] = [
  {
    element: <Layout />,
    errorElement: <RouteError />,
    // The first page's code is still loading: an empty page, not a flash of something else.
    hydrateFallbackElement: <div className="app" aria-busy="true" />,
    children: [
      { index: true, ...page(() => import("./pages/portal/HomePage")) },
      { path: "services", ...page(() => import("./pages/portal/ServicesPage")) },
      { path: "services/:id", ...page(() => import("./pages/portal/ServicePage")) },
      { path: "track", ...page(() => import("./pages/portal/TrackPage")) },
      { path: "track/:code", ...page(() => import("./pages/portal/TrackPage")) },
      { path: "verify", ...page(() => import("./pages/portal/VerifyPage")) },
      { path: "verify/:code", ...page(() => import("./pages/portal/VerifyPage")) },
      { path: "register", ...page(() => import("./pages/account/RegisterPage")) },
      { path: "verify-email", ...page(() => import("./pages/account/VerifyEmailPage")) },
      { path: "login", ...page(() => import("./pages/account/LoginPage")) },
      { path: "forgot-password", ...page(() => import("./pages/account/ForgotPasswordPage")) },
      { path: "reset-password", ...page(() => import("./pages/account/ResetPasswordPage")) },
      { path: "set-password", ...page(() => import("./pages/account/SetPasswordPage")) },
      { path: "apply/:serviceId", ...page(() => import("./pages/applications/ApplyPage")) },
      { path: "applications", ...page(() => import("./pages/applications/ApplicationsPage")) },
      { path: "applications/:id", ...page(() => import("./pages/applications/ApplicationPage")) },
      { path: "applications/:id/edit", ...page(() => import("./pages/applications/EditApplicationPage")) },
      { path: "notifications", ...page(() => import("./pages/applications/NotificationsPage")) },
      { path: "inbox", ...page(() => import("./pages/workspace/InboxPage")) },
      { path: "delegations", ...page(() => import("./pages/workspace/DelegationsPage")) },
      ...dashboardRoutes,
      ...budgetRoutes,
      ...registerRoutes,
      ...operationsRoutes,
      ...adminRoutes,
      { path: "*", ...page(() => import("./pages/NotFoundPage")) },
    ],
  },
];

export function makeRouter() {
  return createBrowserRouter(routes);
}
