/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

// `npm run dev` has no static server in front of it: answer /config.json the way `make run`
// and CloudFront do, naming the API (SATUPINTU_API_URL, else the local stack's).
function devConfigJson(): Plugin {
  return {
    name: "satupintu-dev-config",
    configureServer(server) {
      server.middlewares.use("/config.json", (_request, response) => {
        response.setHeader("Content-Type", "application/json");
        response.end(JSON.stringify({ api_url: process.env.SATUPINTU_API_URL ?? "http://127.0.0.1:8000" }));
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), devConfigJson()],
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // pdf.js is loaded only when a PDF is previewed; it is large, and that is expected.
    chunkSizeWarningLimit: 1200,
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.ts", "tests/**/*.test.tsx"],
    setupFiles: ["tests/setup.ts"],
  },
});
