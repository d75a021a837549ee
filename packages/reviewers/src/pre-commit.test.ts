/** scripts/pre-commit is hand-written: it must stay POSIX sh that shellcheck accepts, and executable. */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@platform-gen/core/testing';
import { describe, expect, it } from 'vitest';

/** The real shellcheck, installed by the set-up script (README). */
const SHELLCHECK = '/usr/bin/shellcheck';
const HOOK = join(WORKSPACE_ROOT, 'scripts/pre-commit');

describe('scripts/pre-commit', () => {
  it('passes shellcheck as POSIX sh', () => {
    const result = spawnSync(SHELLCHECK, ['-s', 'sh', HOOK], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('is executable and prints how to install it', () => {
    expect(() => accessSync(HOOK, constants.X_OK)).not.toThrow();
    const result = spawnSync(HOOK, ['--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('ln -s ../../scripts/pre-commit .git/hooks/pre-commit');
  });
});
