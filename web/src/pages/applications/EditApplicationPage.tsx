/**
 * Fill in a draft (or fix a returned application): the form generated from the service, every
 * document uploaded straight to storage and checked, then submit.
 *
 * What the person types is also kept in this tab's sessionStorage until the server has it, so
 * a lost connection, a reload or a session that ended mid-form loses nothing.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { loggedInPage } from "../../auth/loggedIn";
import { api, call } from "../../api/client";
import { ApiError, fieldErrorsUnder } from "../../api/problems";
import type { Application, DocumentItem, Service } from "../../api/types";

import { StatusBadge } from "../../components/Badges";
import { DynamicForm, useFormState } from "../../components/DynamicForm";
import { Loading, Notice, ProblemAlert } from "../../components/Feedback";
import { UploadSlot } from "../../components/UploadSlot";
import { fromApiValue, toApiData, type FormValues } from "../../forms/rules";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { loadService } from "../../services";
import { documentsFor, loadDocuments, loadHistory, returnComment, stillChecking, usePolling } from "./shared";

const EDITABLE = ["draft", "returned"];

function backupKey(id: string): string {
  return `satupintu.unsaved.${id}`;
}

function readBackup(id: string): FormValues | null {
  try {
    const raw = window.sessionStorage.getItem(backupKey(id));
    return raw ? (JSON.parse(raw) as FormValues) : null;
  } catch {
    return null;
  }
}

function writeBackup(id: string, values: FormValues | null): void {
  try {
    if (values === null) window.sessionStorage.removeItem(backupKey(id));
    else window.sessionStorage.setItem(backupKey(id), JSON.stringify(values));
  } catch {
    // storage full or off: the form still works, only without the safety copy
  }
}

interface Loaded {
  app: Application;
  service: Service;
  documents: DocumentItem[];
  returned: string | null;
}

function Editor({ loaded, reloadAll }: { loaded: Loaded; reloadAll: () => Promise<void> }) {
  const { t, pick, money, language } = useI18n();
  const navigate = useNavigate();
  const { app, service } = loaded;
  const [documents, setDocuments] = useState(loaded.documents);
  const [error, setError] = useState<unknown>(null);
  const [documentErrors, setDocumentErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const version = useRef(app.version);
  // After a refused save or submission, the first thing to fix gets the focus: once the page
  // shows the problems and the form is enabled again (a disabled field cannot take focus).
  const [focusAsked, setFocusAsked] = useState(0);
  const focusFirstProblem = () => setFocusAsked((n) => n + 1);
  useEffect(() => {
    if (!focusAsked || busy) return;
    const first = document.querySelector<HTMLElement>("main [aria-invalid='true'], main .upload-slot.field-invalid button");
    first?.focus();
    first?.scrollIntoView({ block: "center" });
  }, [focusAsked, busy]);

  const sealed = useMemo(() => {
    const stand_ins: Record<string, unknown> = {};
    for (const name of app.masked_fields ?? []) stand_ins[name] = app.data[name];
    return stand_ins;
  }, [app]);
  const fromServer = useMemo(() => {
    const values: FormValues = {};
    for (const spec of service.fields) values[spec.name] = fromApiValue(spec, app.data[spec.name], money, language);
    return values;
    // The language the page opened in: switching it later must not rewrite what is in the boxes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [app, service, money]);
  const backup = useMemo(() => readBackup(app.id), [app.id]);
  const restored = backup !== null && JSON.stringify(backup) !== JSON.stringify(fromServer);
  const form = useFormState(service.fields, restored && backup ? { ...fromServer, ...backup } : fromServer, sealed);

  useEffect(() => {
    if (form.dirty) writeBackup(app.id, form.values);
  }, [app.id, form.dirty, form.values]);

  const refreshDocuments = async () => {
    try {
      const fresh = await loadDocuments(app.id);
      setDocuments(fresh);
      // A requirement that now has a clean file is no longer a problem.
      setDocumentErrors((shown) =>
        Object.fromEntries(Object.entries(shown).filter(([name]) => !fresh.some((d) => d.requirement === name && d.status === "clean"))),
      );
    } catch {
      // the next poll or action tries again
    }
  };
  const checking = stillChecking(documents);
  usePolling(checking, refreshDocuments);

  async function save(): Promise<boolean> {
    form.revealAll(false);
    setError(null);
    try {
      const updated = await call(
        api().PATCH("/applications/{id}", { params: { path: { id: app.id } }, body: { data: toApiData(service.fields, form.values, language) } }),
      );
      version.current = updated.version;
      writeBackup(app.id, null);
      form.markSaved();
      return true;
    } catch (failure) {
      form.setServerErrors(fieldErrorsUnder(failure, "data.", t));
      setError(failure);
      focusFirstProblem();
      if (failure instanceof ApiError && failure.status === 409) await reloadAll();
      return false;
    }
  }

  async function onSave() {
    setBusy(true);
    setSaved(false);
    if (await save()) setSaved(true);
    setBusy(false);
  }

  async function onSubmit() {
    setSaved(false);
    const formRight = form.revealAll(true);
    // What the server would refuse about the files, said before asking it.
    const missing: Record<string, string> = {};
    for (const spec of service.documents) {
      const mine = documentsFor(documents, spec.name);
      if (spec.required && !mine.some((d) => d.status === "clean")) {
        missing[spec.name] = t(mine.some((d) => d.status === "rejected") ? "rule.document_rejected" : "rule.document_required");
      }
    }
    setDocumentErrors(missing);
    if (!formRight || Object.keys(missing).length > 0) {
      setError(new ApiError(422, null));
      focusFirstProblem();
      return;
    }
    setBusy(true);
    try {
      if (!(await save())) return;
      await call(api().POST("/applications/{id}/submit", { params: { path: { id: app.id } } }));
      navigate(`/applications/${app.id}?submitted=1`, { replace: true });
    } catch (failure) {
      form.setServerErrors(fieldErrorsUnder(failure, "data.", t));
      setDocumentErrors(fieldErrorsUnder(failure, "documents.", t));
      setError(failure);
      focusFirstProblem();
      await refreshDocuments();
    } finally {
      setBusy(false);
    }
  }

  const administrative = service.documents.filter((d) => (d.group ?? "administrative") === "administrative");
  const technical = service.documents.filter((d) => d.group === "technical");
  const slots = (specs: typeof service.documents) =>
    specs.map((spec) => (
      <UploadSlot
        key={spec.name}
        applicationId={app.id}
        spec={spec}
        documents={documentsFor(documents, spec.name)}
        editable
        onChanged={refreshDocuments}
        serverError={documentErrors[spec.name]}
      />
    ));

  return (
    <>
      <nav className="breadcrumbs" aria-label={t("nav.breadcrumbs")}>
        <Link to="/applications">{t("nav.my_applications")}</Link> › <Link to={`/applications/${app.id}`}>{app.tracking_code}</Link>
      </nav>
      <h1>{pick(service.name, service.name_en)}</h1>
      <p className="meta">
        <StatusBadge status={app.status} /> {t("edit.tracking", { code: app.tracking_code })} · {app.node_name}
      </p>
      {loaded.returned ? (
        <div className="alert alert-warning" role="status">
          <p>
            <strong>{t("edit.returned")}</strong>
          </p>
          <blockquote>{loaded.returned}</blockquote>
        </div>
      ) : null}
      {restored ? <Notice>{t("edit.restored")}</Notice> : null}
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void onSubmit();
        }}
      >
        <section className="card" aria-labelledby="form-heading">
          <h2 id="form-heading">{t("edit.form")}</h2>
          <p className="field-help">{t("edit.required_note")}</p>
          <DynamicForm fields={service.fields} form={form} disabled={busy} maskedFields={app.masked_fields ?? []} />
        </section>
        {service.documents.length > 0 ? (
          <section className="card" aria-labelledby="documents-heading">
            <h2 id="documents-heading">{t("edit.documents")}</h2>
            {technical.length > 0 ? <h3>{t("service.documents_administrative")}</h3> : null}
            {slots(administrative)}
            {technical.length > 0 ? <h3>{t("service.documents_technical")}</h3> : null}
            {slots(technical)}
          </section>
        ) : null}
        <div className="sticky-actions">
          <ProblemAlert error={error} context="form" />
          {saved ? <Notice kind="success">{t("edit.saved")}</Notice> : null}
          <div className="button-row">
            <button type="button" className="button-secondary" disabled={busy} onClick={() => void onSave()}>
              {t("edit.save")}
            </button>
            <button type="submit" disabled={busy || checking}>
              {app.status === "returned" ? t("edit.resubmit") : t("edit.submit")}
            </button>
          </div>
          {checking ? <p className="field-help">{t("edit.wait_for_checks")}</p> : null}
        </div>
      </form>
    </>
  );
}

function Edit() {
  const { id = "" } = useParams();
  const { t } = useI18n();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  useTitle(t("edit.title"));

  const loadAll = async () => {
    try {
      const app = await call(api().GET("/applications/{id}", { params: { path: { id } } }));
      const [service, documents, history] = await Promise.all([loadService(app.service_id), loadDocuments(id), loadHistory(id)]);
      if (!service) throw new ApiError(404, null);
      setLoaded({ app, service, documents, returned: app.status === "returned" ? returnComment(history) : null });
      setGeneration((n) => n + 1);
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  };

  useEffect(() => {
    void loadAll();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  if (error && !loaded) return <ProblemAlert error={error} />;
  if (!loaded) return <Loading />;
  if (!EDITABLE.includes(loaded.app.status)) {
    return (
      <Notice kind="warning">
        {t("edit.not_editable")} <Link to={`/applications/${id}`}>{t("edit.see_application")}</Link>
      </Notice>
    );
  }
  return <Editor key={generation} loaded={loaded} reloadAll={loadAll} />;
}

export default loggedInPage(Edit);
