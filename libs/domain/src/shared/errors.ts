/**
 * A command that the current state does not allow. `code` is stable for
 * clients; `field` names the part of the command at fault, when there is one.
 */
export class DomainRuleViolation extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainRuleViolation';
  }
}
