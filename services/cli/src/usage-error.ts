import { ChainwatchError } from '@chainwatch/runtime';

/** Wrong command-line usage (CW_USAGE): printed as the one line it says, exit code 2. */
export class UsageError extends ChainwatchError {
  constructor(message: string) {
    super('CW_USAGE', message);
    this.name = 'UsageError';
    // The line is the fix itself (`unknown option --prot ...; did you mean --port?`): no prefix.
    this.message = message;
  }
}
