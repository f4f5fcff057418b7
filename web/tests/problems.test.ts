/** The problem mapper: every problem+json becomes a sentence in the user's language. */
import { describe, expect, it } from "vitest";
import { ApiError, fieldErrorsUnder, fieldMessage, problemSentence } from "../src/api/problems";
import { MESSAGES, translator } from "../src/i18n/catalogue";
import * as areas from "../src/i18n/catalogue";

const id = translator("id");
const en = translator("en");

function error(status: number, slug = "x", errors?: { field: string; detail: string; code: string; params?: Record<string, unknown> }[], retryAfter: number | null = null) {
  return new ApiError(status, { type: `/problems/${slug}`, title: "t", status, detail: "English detail", errors }, retryAfter);
}

describe("whole problems", () => {
  it("say a wrong password at login, an ended session elsewhere", () => {
    expect(problemSentence(error(401, "unauthenticated"), id, "login")).toBe(MESSAGES.id["problem.401.login"]);
    expect(problemSentence(error(401, "unauthenticated"), en)).toBe(MESSAGES.en["problem.401"]);
  });
  it("say someone else decided on a stale decision", () => {
    expect(problemSentence(error(409, "conflict"), id, "decision")).toBe(MESSAGES.id["problem.409.decision"]);
    expect(problemSentence(error(409, "conflict"), id)).toBe(MESSAGES.id["problem.409"]);
  });
  it("name the unverified address by its problem type", () => {
    expect(problemSentence(error(403, "account-not-verified"), id)).toBe(MESSAGES.id["problem.403.not_verified"]);
    expect(problemSentence(error(403, "forbidden"), id)).toBe(MESSAGES.id["problem.403"]);
  });
  it("say how long to wait after too many tries, in minutes", () => {
    expect(problemSentence(error(429, "too-many-requests", undefined, 600), en)).toBe("Too many attempts. Try again in 10 min.");
    expect(problemSentence(error(429, "too-many-requests", undefined, 5), en)).toBe("Too many attempts. Try again in 1 min.");
  });
  it("say a request that got no answer is a connection problem", () => {
    expect(problemSentence(new ApiError(0, null), id)).toBe(MESSAGES.id["problem.network"]);
  });
  it("never show the API's English detail to an Indonesian reader", () => {
    for (const status of [400, 401, 403, 404, 409, 413, 422, 429, 500, 502, 503]) {
      expect(problemSentence(error(status), id)).not.toContain("English detail");
    }
  });
  it("have something to say for anything else", () => {
    expect(problemSentence(new Error("boom"), id)).toBe(MESSAGES.id["problem.unexpected"]);
    expect(problemSentence(error(418), id)).toBe(MESSAGES.id["problem.unexpected"]);
  });
});

describe("field problems", () => {
  it("are worded from their rule code and numbers", () => {
    expect(fieldMessage({ field: "data.title", detail: "x", code: "max_length", params: { limit: 200 } }, id)).toBe("Paling banyak 200 karakter.");
    expect(fieldMessage({ field: "data.title", detail: "x", code: "max_length", params: { limit: 200 } }, en)).toBe("At most 200 characters.");
    expect(fieldMessage({ field: "documents.ktp", detail: "x", code: "document_required" }, id)).toBe(MESSAGES.id["rule.document_required"]);
  });
  it("fall back to a plain sentence for a rule without words", () => {
    expect(fieldMessage({ field: "x", detail: "tidak lazim", code: "something_new" }, id)).toBe("Isian ini belum benar: tidak lazim.");
    expect(fieldMessage({ field: "x", detail: "is odd", code: "something_new" }, en)).toBe("This is not right: is odd.");
  });
  it("land beside the fields they name", () => {
    const failure = error(422, "validation-error", [
      { field: "data.birth_date", detail: "x", code: "not_future" },
      { field: "documents.ktp", detail: "x", code: "document_rejected" },
      { field: "data.name", detail: "x", code: "required" },
    ]);
    expect(fieldErrorsUnder(failure, "data.", id)).toEqual({
      birth_date: MESSAGES.id["rule.not_future"],
      name: MESSAGES.id["rule.required"],
    });
    expect(fieldErrorsUnder(failure, "documents.", id)).toEqual({ ktp: MESSAGES.id["rule.document_rejected"] });
  });
});

describe("the catalogues", () => {
  it("define each key in one area only", () => {
    const seen = new Map<string, string>();
    for (const [area, module] of Object.entries(areas.AREAS)) {
      for (const key of Object.keys(module.id)) {
        expect(seen.get(key), `${key} is in ${seen.get(key)} and ${area}`).toBeUndefined();
        seen.set(key, area);
      }
    }
  });
  it("have the same placeholders in both languages", () => {
    const holes = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(MESSAGES.id) as (keyof typeof MESSAGES.id)[]) {
      expect(holes(MESSAGES.en[key]), key).toEqual(holes(MESSAGES.id[key]));
    }
  });
});
