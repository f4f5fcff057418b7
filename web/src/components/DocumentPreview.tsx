/**
 * A clean document shown in the page: an image as it is, a PDF drawn page by page with pdf.js
 * (phones do not show PDFs in a frame, and a frame would need the file's own origin). The file
 * comes from a short-lived presigned link; pdf.js loads only when a PDF is opened.
 */
import { useEffect, useRef, useState } from "react";
import { api, call } from "../api/client";
import type { DocumentItem } from "../api/types";
import { useI18n } from "../i18n/I18n";
import { ProblemAlert } from "./Feedback";

const MAX_PAGES = 20;

async function fetchBlob(url: string): Promise<Blob> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`download failed: ${response.status}`);
  return response.blob();
}

function PdfPages({ data, filename }: { data: ArrayBuffer; filename: string }) {
  const { t } = useI18n();
  const words = useRef(t);
  words.current = t;
  const holder = useRef<HTMLDivElement>(null);
  const [pages, setPages] = useState<number | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let cancelled = false;
    let destroy: (() => void) | null = null;
    (async () => {
      const pdfjs = await import("pdfjs-dist");
      const worker = await import("pdfjs-dist/build/pdf.worker.min.mjs?url");
      pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
      // A copy: pdf.js hands its buffer to the worker, which would leave ours empty for the next opening.
      const task = pdfjs.getDocument({ data: new Uint8Array(data.slice(0)), isEvalSupported: false, enableXfa: false });
      destroy = () => void task.destroy();
      const pdf = await task.promise;
      if (cancelled) return;
      setPages(pdf.numPages);
      const target = holder.current;
      if (!target) return;
      target.replaceChildren();
      const width = Math.min(target.clientWidth || 800, 900);
      for (let number = 1; number <= Math.min(pdf.numPages, MAX_PAGES); number += 1) {
        const page = await pdf.getPage(number);
        if (cancelled) return;
        const unscaled = page.getViewport({ scale: 1 });
        const scale = (width / unscaled.width) * (window.devicePixelRatio || 1);
        const viewport = page.getViewport({ scale });
        const canvas = document.createElement("canvas");
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.className = "pdf-page";
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", words.current("preview.pdf_page", { page: number, pages: pdf.numPages, name: filename }));
        target.appendChild(canvas);
        await page.render({ canvas, viewport }).promise;
      }
    })().catch(() => {
      if (!cancelled) setFailed(true);
    });
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [data, filename]);

  if (failed) return <p className="field-error">{t("preview.failed")}</p>;
  return (
    <div>
      <div ref={holder} className="pdf-pages" />
      {pages !== null && pages > MAX_PAGES ? <p className="field-help">{t("preview.more_pages", { shown: MAX_PAGES, pages })}</p> : null}
    </div>
  );
}

export function DocumentPreview({ applicationId, document }: { applicationId: string; document: DocumentItem }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [link, setLink] = useState<string | null>(null);
  const [image, setImage] = useState<string | null>(null);
  const [pdf, setPdf] = useState<ArrayBuffer | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => () => {
    if (image) URL.revokeObjectURL(image);
  }, [image]);

  async function show() {
    setOpen(true);
    if (image || pdf) return;
    setError(null);
    try {
      const answer = await call(
        api().GET("/applications/{id}/documents/{document_id}", {
          params: { path: { id: applicationId, document_id: document.document_id } },
        }),
      );
      setLink(answer.download_url);
      const blob = await fetchBlob(answer.download_url);
      if (document.content_type === "application/pdf") setPdf(await blob.arrayBuffer());
      else if (document.content_type.startsWith("image/")) setImage(URL.createObjectURL(blob));
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <div className="document-preview">
      <button
        type="button"
        className="link-button"
        aria-expanded={open}
        onClick={() => (open ? setOpen(false) : void show())}
      >
        {open ? t("preview.hide") : t("preview.show")}
        <span className="visually-hidden"> {document.filename}</span>
      </button>
      {link ? (
        <a className="link-button" href={link} rel="noopener">
          {t("preview.download")}
          <span className="visually-hidden"> {document.filename}</span>
        </a>
      ) : null}
      {open ? (
        <div className="preview-body">
          <ProblemAlert error={error} />
          {image ? <img src={image} alt={document.filename} className="preview-image" /> : null}
          {pdf ? <PdfPages data={pdf} filename={document.filename} /> : null}
          {!image && !pdf && !error ? <p className="loading">{t("common.loading")}</p> : null}
        </div>
      ) : null}
    </div>
  );
}
