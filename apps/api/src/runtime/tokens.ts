/** Injection tokens for what the runtime provides. */
export const RUNTIME = Symbol('RUNTIME');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const CLOCK = Symbol('CLOCK');
