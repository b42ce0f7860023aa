/**
 * Audit views of one commitment stream: what each version changed
 * (`commitmentHistory`), how the commitment changed over valid time as known
 * at one transaction time (`effectiveAxis`) and how our knowledge of it
 * changed over transaction time (`knowledgeAxis`). Pure: no I/O, no clock.
 */
export { applyFieldChanges, fieldChanges } from './field-changes';
export type { FieldChange } from './field-changes';
export { auditedFields, END_OF_TIME, RECORDED } from './audit-fields';
export type { AuditedCommitment, AuditedFields } from './audit-fields';
export { commitmentHistory } from './commitment-history';
export type { HistoryCorrectionRef, HistoryFix, HistoryRetractionRef, HistoryVersion } from './commitment-history';
export { effectiveAxis, knowledgeAxis } from './commitment-axes';
export type { EffectiveAxisEntry, KnowledgeAxisEntry } from './commitment-axes';
