// The one error the customer-lifetime-value models throw, with a stable code and a message a user can act on.
// Never return NaN, Infinity or a silent default from a model: throw one of these instead.

export type ModelErrorCode =
  | 'INVALID_INPUT'
  | 'NO_CUSTOMERS'
  | 'NO_REPEAT_PURCHASES'
  | 'TOO_FEW_CUSTOMERS'
  | 'FIT_DID_NOT_CONVERGE'
  | 'SERIES_DID_NOT_CONVERGE'
  | 'LOST_PRECISION'
  | 'NOT_FINITE';

export class ModelError extends Error {
  constructor(
    readonly code: ModelErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

/** Throws INVALID_INPUT unless `value` passes `test`; `rule` says in words what was expected. */
export function requireInput(value: number, test: boolean, what: string, rule: string): void {
  if (!test) throw new ModelError('INVALID_INPUT', `${what} must be ${rule}, got ${value}`);
}

/** Throws INVALID_INPUT unless `value` is a finite number above zero. */
export function requirePositive(value: number, what: string): void {
  requireInput(value, Number.isFinite(value) && value > 0, what, 'a finite number above zero');
}

/** `value` itself, or NOT_FINITE naming `what` when the arithmetic overflowed or lost its meaning. */
export function finite(value: number, what: string): number {
  if (!Number.isFinite(value)) {
    throw new ModelError(
      'NOT_FINITE',
      `${what} is not a finite number (${value}); the inputs are outside what this model can compute`,
    );
  }
  return value;
}
