/**
 * Start-up: read config.json (where the API is; it sits beside index.html and differs per
 * deployment, so one build serves every stage), make the API client, draw the app.
 */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { createApi, installApi } from "./api/client";
import { AuthProvider } from "./auth/Auth";
import { I18nProvider, currentLanguage, storedLanguage } from "./i18n/I18n";
import { translator } from "./i18n/catalogue";
import { makeRouter } from "./router";
import "./styles.css";

interface RuntimeConfig {
  api_url: string;
}

async function loadConfig(): Promise<RuntimeConfig> {
  const answer = await fetch("/config.json", { cache: "no-store" });
  if (!answer.ok) throw new Error(`config.json: HTTP ${answer.status}`);
  const config = (await answer.json()) as Partial<RuntimeConfig>;
  if (typeof config.api_url !== "string" || !config.api_url) throw new Error("config.json names no api_url");
  return { api_url: config.api_url.replace(/\/+$/, "") };
}

/** Links sent before the app used paths (/#/applications/…) still open the right page. */
function followOldHashLink(): void {
  const { hash } = window.location;
  if (hash.startsWith("#/")) {
    const [path = "/", query = ""] = hash.slice(1).split("?");
    window.history.replaceState(null, "", path + (query ? `#${query}` : ""));
  }
}

function showStartupFailure(): void {
  const t = translator(storedLanguage());
  const root = document.getElementById("root");
  if (!root) return;
  const box = document.createElement("div");
  box.className = "alert alert-error startup-failure";
  box.setAttribute("role", "alert");
  const text = document.createElement("p");
  text.textContent = t("problem.network");
  const retry = document.createElement("button");
  retry.type = "button";
  retry.textContent = t("common.retry");
  retry.addEventListener("click", () => window.location.reload());
  box.append(text, retry);
  root.replaceChildren(box);
}

async function start(): Promise<void> {
  followOldHashLink();
  document.documentElement.lang = storedLanguage();
  let config: RuntimeConfig;
  try {
    config = await loadConfig();
  } catch {
    showStartupFailure();
    return;
  }
  installApi(createApi(config.api_url, { language: currentLanguage }));
  const root = document.getElementById("root");
  if (!root) return;
  createRoot(root).render(
    <StrictMode>
      <I18nProvider>
        <AuthProvider>
          <RouterProvider router={makeRouter()} />
        </AuthProvider>
      </I18nProvider>
    </StrictMode>,
  );
}

void start();
