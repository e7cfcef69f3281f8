/** A configuration file that cannot be used: what is wrong, and that nothing was started. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
