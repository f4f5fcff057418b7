/**
 * What went wrong, as the API says it (problem+json, RFC 9457) or as the network does, and
 * the one place that turns it into a sentence in the user's language.
 *
 * People read our catalogues, chosen by the status, the problem's type and, for fields, the
 * rule's `code` with its `params`; a field rule we have no words for shows the API's own
 * `detail`, which it words in the language the request's Accept-Language asks for.
 */
import type { components } from "./schema";
import type { MessageKey, Translate } from "../i18n/catalogue";

export type Problem = components["schemas"]["Problem"];
export type FieldError = NonNullable<Problem["errors"]>[number];

export class ApiError extends Error {
  constructor(
    /** 0 when the request never got an answer (offline, DNS, CORS, time-out). */
    readonly status: number,
    readonly problem: Problem | null,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(problem?.detail ?? (status === 0 ? "network error" : `HTTP ${status}`));
    this.name = "ApiError";
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }

  /** The last part of the problem's type URI, e.g. "account-not-verified". */
  get slug(): string | null {
    const type = this.problem?.type;
    return type ? (type.split("/").pop() ?? null) : null;
  }

  get fieldErrors(): FieldError[] {
    return this.problem?.errors ?? [];
  }
}

export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Problem).status === "number" &&
    typeof (value as Problem).type === "string"
  );
}

export function apiErrorFrom(response: Response, body: unknown): ApiError {
  const retryAfter = Number(response.headers.get("Retry-After"));
  return new ApiError(response.status, isProblem(body) ? body : null, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}

/**
 * Where the error happened changes what the sentence should say: a 401 while logging in is a
 * wrong password, elsewhere an ended session; a 409 on a decision means someone else decided.
 */
export type ProblemContext = "login" | "decision" | "code" | "upload" | "form" | "general";

export function problemSentence(error: unknown, t: Translate, context: ProblemContext = "general"): string {
  if (!(error instanceof ApiError)) return t("problem.unexpected");
  if (error.isNetwork) return context === "form" ? t("problem.network.form") : t("problem.network");
  const slug = error.slug;
  switch (error.status) {
    case 400:
      return t("problem.400");
    case 401:
      return context === "login" ? t("problem.401.login") : t("problem.401");
    case 403:
      if (slug === "account-not-verified") return t("problem.403.not_verified");
      return t("problem.403");
    case 404:
      return t("problem.404");
    case 409:
      if (context === "decision") return t("problem.409.decision");
      if (context === "code") return t("problem.409.code");
      return t("problem.409");
    case 413:
      return t("problem.413");
    case 422:
      if (context === "code" || error.fieldErrors.some((e) => e.code === "code_invalid")) return t("problem.422.code");
      return t("problem.422");
    case 429: {
      const minutes = Math.max(1, Math.ceil((error.retryAfterSeconds ?? 60) / 60));
      return t("problem.429", { minutes });
    }
    case 503:
      return t("problem.503");
    default:
      return error.status >= 500 ? t("problem.500") : t("problem.unexpected");
  }
}

const FIELD_CODES: Record<string, MessageKey> = {
  required: "rule.required",
  unknown_field: "rule.unknown_field",
  max_length: "rule.max_length",
  min_length: "rule.min_length",
  max_items: "rule.max_items",
  min_items: "rule.min_items",
  min: "rule.min",
  max: "rule.max",
  type: "rule.type",
  format: "rule.format",
  control_characters: "rule.control_characters",
  single_line: "rule.single_line",
  whole_rupiah: "rule.whole_rupiah",
  date_format: "rule.date_format",
  real_date: "rule.real_date",
  not_future: "rule.not_future",
  number: "rule.number",
  nik: "rule.nik",
  nik_length: "rule.nik_length",
  nik_region: "rule.nik_region",
  nik_date: "rule.nik_date",
  nik_serial: "rule.nik_serial",
  npwp: "rule.npwp",
  npwp_length: "rule.npwp_length",
  npwp_format: "rule.npwp_format",
  npwp_checksum: "rule.npwp_checksum",
  email: "rule.email",
  phone: "rule.phone",
  phone_country: "rule.phone_country",
  phone_prefix: "rule.phone_prefix",
  phone_length: "rule.phone_length",
  choice: "rule.choice",
  timezone: "rule.format",
  document_required: "rule.document_required",
  document_rejected: "rule.document_rejected",
  document_scanning: "rule.document_scanning",
  document_uploading: "rule.document_uploading",
  file_type: "rule.file_type",
  file_too_large: "rule.file_too_large",
  code_invalid: "rule.code_invalid",
  exceeds_budget: "rule.exceeds_budget",
  ends_before_start: "rule.ends_before_start",
  in_the_past: "rule.in_the_past",
  delegation_too_long: "rule.delegation_too_long",
  starts_too_late: "rule.starts_too_late",
  plain_text: "rule.plain_text",
  no_such_colleague: "rule.no_such_colleague",
  not_yourself: "rule.not_yourself",
  not_staff: "rule.not_staff",
};

/** One field's problem in the user's language; a rule we have no words for says so plainly. */
export function fieldMessage(error: FieldError, t: Translate): string {
  const key = FIELD_CODES[error.code];
  if (!key) return t("rule.invalid", { detail: error.detail });
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(error.params ?? {})) {
    if (typeof value === "number" || typeof value === "string") params[name] = value;
    else if (Array.isArray(value)) params[name] = value.join(", ");
  }
  return t(key, params);
}

/**
 * The field errors keyed by the form's own names: `data.birth_date` → `birth_date` with the
 * prefix "data.", `documents.ktp` → `ktp` with "documents.". Errors of other fields are left out.
 */
export function fieldErrorsUnder(error: unknown, prefix: string, t: Translate): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const found: Record<string, string> = {};
  for (const item of error.fieldErrors) {
    if (!item.field.startsWith(prefix)) continue;
    const name = item.field.slice(prefix.length);
    if (name && !(name in found)) found[name] = fieldMessage(item, t);
  }
  return found;
}
