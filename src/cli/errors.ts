/**
 * UserError: something the person running Parity can fix (a bad option, a missing file, an unknown
 * strategy). The CLI prints its message alone, without a stack trace, and exits non-zero.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
