/**
 * One required document of an application: what is uploaded for it and where each file stands
 * (uploading with progress → being checked → clean, or rejected with the reason), and a way to
 * add, replace or remove a file while the application can still change. On a phone, an image
 * requirement can be photographed directly with the camera.
 */
import { useId, useRef, useState } from "react";
import { api, call } from "../api/client";
import { fieldErrorsUnder } from "../api/problems";
import { contentTypeOf, postToStorage } from "../api/upload";
import type { DocumentItem, DocumentSpec } from "../api/types";
import { useI18n } from "../i18n/I18n";
import { DocumentBadge } from "./Badges";
import { DocumentPreview } from "./DocumentPreview";
import { ProblemAlert } from "./Feedback";

const TYPE_NAMES: Record<string, string> = {
  "application/pdf": "PDF",
  "image/jpeg": "JPG",
  "image/png": "PNG",
  "application/zip": "ZIP",
};

export function typeNames(types: readonly string[]): string {
  return types.map((type) => TYPE_NAMES[type] ?? type).join(", ");
}

interface Props {
  applicationId: string;
  spec: DocumentSpec;
  documents: DocumentItem[];
  editable: boolean;
  /** Called after a change, so the page reloads the list (and polls while a file is checked). */
  onChanged: () => Promise<void> | void;
  /** The server's problem for this requirement (e.g. on a submit that found it missing). */
  serverError?: string | undefined;
}

export function UploadSlot({ applicationId, spec, documents, editable, onChanged, serverError }: Props) {
  const { t, pick, bytes, language } = useI18n();
  const inputId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const cameraInput = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const label = pick(spec.label, spec.label_en);
  const takesImages = spec.content_types.some((type) => type.startsWith("image/"));
  const current = documents;

  async function upload(file: File) {
    setError(null);
    setFileProblem(null);
    const contentType = contentTypeOf(file);
    if (!(spec.content_types as string[]).includes(contentType)) {
      setFileProblem(t("rule.file_type", { allowed: typeNames(spec.content_types) }));
      return;
    }
    if (file.size > spec.max_bytes) {
      setFileProblem(t("upload.too_large", { max: bytes(spec.max_bytes), size: bytes(file.size) }));
      return;
    }
    if (file.size === 0) {
      setFileProblem(t("upload.empty"));
      return;
    }
    const replacing = documents.filter((d) => !d.evidence);
    setBusy(true);
    setProgress(0);
    let slot: string | null = null;
    try {
      const created = await call(
        api().POST("/applications/{id}/documents", {
          params: { path: { id: applicationId } },
          body: { requirement: spec.name, filename: file.name.slice(0, 200), content_type: contentType, size: file.size },
        }),
      );
      slot = created.document_id;
      await postToStorage(created.upload, file, setProgress);
      slot = null;
      // The new file replaces what was there; a submitted application's files are evidence and stay.
      for (const old of replacing) {
        try {
          await call(
            api().DELETE("/applications/{id}/documents/{document_id}", {
              params: { path: { id: applicationId, document_id: old.document_id } },
            }),
          );
        } catch {
          // an old file that cannot be removed stays listed; it does not block the new one
        }
      }
    } catch (failure) {
      if (slot) {
        // The file never reached storage: drop its empty slot rather than leave it "uploading".
        await call(
          api().DELETE("/applications/{id}/documents/{document_id}", { params: { path: { id: applicationId, document_id: slot } } }),
        ).catch(() => undefined);
      }
      const messages = fieldErrorsUnder(failure, "", t);
      setFileProblem(messages.content_type ?? messages.size ?? null);
      setError(messages.content_type || messages.size ? null : failure);
    } finally {
      setBusy(false);
      setProgress(null);
      await onChanged();
    }
  }

  async function remove(document: DocumentItem) {
    setError(null);
    setBusy(true);
    try {
      await call(
        api().DELETE("/applications/{id}/documents/{document_id}", {
          params: { path: { id: applicationId, document_id: document.document_id } },
        }),
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
      await onChanged();
    }
  }

  function chosen(input: HTMLInputElement | null) {
    const file = input?.files?.[0];
    if (input) input.value = "";
    if (file) void upload(file);
  }

  const problem = fileProblem ?? serverError;
  return (
    <section className={`upload-slot${problem ? " field-invalid" : ""}`} aria-labelledby={`${inputId}-label`}>
      <div className="upload-head">
        <h4 id={`${inputId}-label`}>
          {label}
          {spec.required ? <span className="required" aria-hidden="true"> *</span> : <span className="optional"> ({t("field.optional")})</span>}
        </h4>
        <p className="field-help">
          {t("upload.accepts", { types: typeNames(spec.content_types), max: bytes(spec.max_bytes) })}
        </p>
      </div>
      {current.length > 0 ? (
        <ul className="document-list">
          {current.map((document) => (
            <li key={document.document_id}>
              <div className="document-row">
                <span className="document-name">{document.filename}</span>
                <span className="document-size">{bytes(document.size)}</span>
                <DocumentBadge status={document.status} />
                {editable && !document.evidence && document.status !== "scanning" ? (
                  <button type="button" className="link-button" disabled={busy} onClick={() => void remove(document)}>
                    {t("upload.remove")}
                    <span className="visually-hidden"> {document.filename}</span>
                  </button>
                ) : null}
              </div>
              {document.status === "rejected" ? (
                <p className="field-error">
                  {t("upload.rejected_because", {
                    reason: (language === "en" ? document.reasons?.en : document.reasons?.id) ?? document.reason ?? "",
                  })}
                </p>
              ) : null}
              {document.status === "clean" ? <DocumentPreview applicationId={applicationId} document={document} /> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {current.length === 0 && !editable ? <p className="empty">{t("upload.none")}</p> : null}
      {progress !== null ? (
        <div className="upload-progress">
          <label htmlFor={`${inputId}-progress`}>{t("upload.uploading")}</label>
          <progress id={`${inputId}-progress`} max={1} value={progress}>
            {Math.round(progress * 100)}%
          </progress>
          <span aria-live="polite">{Math.round(progress * 100)}%</span>
        </div>
      ) : null}
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      <ProblemAlert error={error} context="upload" />
      {editable ? (
        <div className="upload-actions">
          <input
            ref={fileInput}
            id={`${inputId}-file`}
            className="visually-hidden"
            type="file"
            tabIndex={-1}
            aria-hidden="true"
            accept={spec.content_types.join(",")}
            data-requirement={spec.name}
            onChange={(e) => chosen(e.currentTarget)}
            disabled={busy}
          />
          <button type="button" className="button-secondary" disabled={busy} onClick={() => fileInput.current?.click()}>
            {current.length > 0 ? t("upload.replace", { label }) : t("upload.choose", { label })}
          </button>
          {takesImages ? (
            <>
              <input
                ref={cameraInput}
                className="visually-hidden"
                type="file"
                accept="image/*"
                capture="environment"
                tabIndex={-1}
                aria-hidden="true"
                onChange={(e) => chosen(e.currentTarget)}
                disabled={busy}
              />
              <button type="button" className="button-secondary camera-button" disabled={busy} onClick={() => cameraInput.current?.click()}>
                {t("upload.camera")}
              </button>
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
