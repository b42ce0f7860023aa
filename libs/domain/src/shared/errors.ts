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

/** For the `default` of a switch over a command union: a type the decider does not know. */
export function unknownCommand(command: never): never {
  throw new DomainRuleViolation('unknown_command', `unknown command ${String((command as { type?: unknown }).type)}`, 'type');
}
