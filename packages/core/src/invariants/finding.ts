import { type Issue, issue } from '../issues.js';
import { kindOf, nameOf, type RepoObject } from '../repo-view.js';

/** An invariant violation at an object: names the rule, the file and line, the object, what and how to fix. */
export function finding(id: string, entry: RepoObject, path: string, message: string, hint: string): Issue {
  return issue({
    code: `E_${id.replace('-', '')}`,
    file: entry.file,
    line: entry.line,
    path,
    message: `${id}: ${kindOf(entry.object)} ${nameOf(entry.object)}: ${message}`,
    hint,
  });
}

/** An invariant violation in a Vault policy or role file (line 1: the file as a whole). */
export function fileFinding(id: string, file: string, path: string, message: string, hint: string, line = 1): Issue {
  return issue({ code: `E_${id.replace('-', '')}`, file, line, path, message: `${id}: ${message}`, hint });
}
