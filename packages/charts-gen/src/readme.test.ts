import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { COMPONENTS } from '@platform-gen/core';
import { loadExampleModel, WORKSPACE_ROOT } from '@platform-gen/core/testing';
import { describe, expect, it } from 'vitest';
import { chartsEntries, chartsReadme } from './readme.js';

describe('charts/README.md', () => {
  it('names every folder under charts/ with its pinned upstream chart and version', async () => {
    const folders = readdirSync(join(WORKSPACE_ROOT, 'charts'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `${e.name}/`)
      .sort();
    expect(chartsEntries().map((e) => e.folder)).toEqual(folders);
    const content = chartsReadme(await loadExampleModel()).content;
    for (const component of Object.values(COMPONENTS)) {
      if (component.source.type !== 'chart') continue;
      expect(content).toContain(
        `\`${component.source.chart}\` ${component.source.version} from ${component.source.repoURL}`,
      );
    }
    expect(content).toContain('**Do not edit these files**');
    expect(content).toContain('Who owns it');
  });
});
