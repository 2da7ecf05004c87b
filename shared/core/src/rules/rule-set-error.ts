/** Load-time problems of a rule set: every issue cites its file (and line), and the rule/macro/list. */

export interface RuleIssue {
  /** Source name (file path, or the name given to parseRuleSet). */
  readonly file: string;
  /** 1-based line of the item, when known. */
  readonly line?: number;
  /** 'rule X', 'macro X', 'list X', or undefined for file-level problems. */
  readonly item?: string;
  readonly message: string;
}

export function formatIssue(issue: RuleIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return issue.item === undefined ? `${where}: ${issue.message}` : `${where}: ${issue.item}: ${issue.message}`;
}

export class RuleSetError extends Error {
  readonly issues: readonly RuleIssue[];

  constructor(issues: readonly RuleIssue[]) {
    const shown = issues.slice(0, 20).map(formatIssue);
    const more = issues.length > 20 ? `\n… and ${issues.length - 20} more` : '';
    super(`invalid rule set (${issues.length} error${issues.length === 1 ? '' : 's'}):\n${shown.join('\n')}${more}`);
    this.name = 'RuleSetError';
    this.issues = issues;
  }
}
