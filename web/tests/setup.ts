import { afterEach } from "vitest";
import { cleanup } from "@testing-library/react";

afterEach(() => {
  if (typeof window === "undefined") return; // a file run without a page (@vitest-environment node)
  cleanup();
  window.localStorage.clear();
  window.sessionStorage.clear();
});
