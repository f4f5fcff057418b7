/**
 * A file straight from the browser to S3 with the presigned POST the API gave: the API never
 * carries the bytes. XMLHttpRequest rather than fetch, because only it reports upload progress.
 */
import { ApiError } from "./problems";
import type { Upload } from "./types";

export function postToStorage(
  upload: Upload,
  file: Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append("file", file); // S3 reads every field after "file" as part of the file: it goes last
    const request = new XMLHttpRequest();
    request.open("POST", upload.url);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new ApiError(request.status, null));
      }
    };
    request.onerror = () => reject(new ApiError(0, null));
    request.onabort = () => reject(new ApiError(0, null));
    signal?.addEventListener("abort", () => request.abort());
    request.send(form);
  });
}

/** The type the browser gives a file, or the one its name implies when it gives none. */
export function contentTypeOf(file: File): string {
  if (file.type) return file.type === "image/jpg" ? "image/jpeg" : file.type;
  const extension = file.name.split(".").pop()?.toLowerCase();
  const byExtension: Record<string, string> = {
    pdf: "application/pdf",
    jpg: "image/jpeg",
    jpeg: "image/jpeg",
    png: "image/png",
    zip: "application/zip",
  };
  return (extension && byExtension[extension]) || "application/octet-stream";
}
