/** Names for the API's shapes, all taken from the generated schema (never written by hand). */
import type { components } from "./schema";

type Schemas = components["schemas"];

export type Application = Schemas["ApplicationOut"];
export type ApplicationStatus = Application["status"];
export type SlaState = NonNullable<Application["sla_state"]>;
export type Service = Schemas["ServiceType"];
export type DocumentSpec = Schemas["DocumentSpec"];
export type FieldSpec = Schemas["FieldSpec"];
export type StepSpec = Schemas["StepSpec"];
export type Office = Schemas["OfficeOut"];
export type DocumentItem = Schemas["DocumentOut"];
export type HistoryEntry = Schemas["HistoryEntryOut"];
export type User = Schemas["UserOut"];
export type Notification = Schemas["NotificationOut"];
export type NotificationList = Schemas["NotificationList"];
export type ApplicationList = Schemas["ApplicationList"];
export type Delegation = Schemas["DelegationOut"];
export type Track = Schemas["TrackOut"];
export type Verification = Schemas["VerifyOut"];
export type Certificate = Schemas["CertificateOut"];
export type Receipt = Schemas["ReceiptOut"];
export type BatchItem = Schemas["BatchItemOut"];
export type OrgNode = Schemas["NodeOut"];
export type Upload = Schemas["UploadOut"];
