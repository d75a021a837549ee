/**
 * Runs every generator once on a platform and stores the artifacts as NDJSON, one file a line, as objects
 * when the artifact has them: the input of the floors (floors.ts).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { GENERATORS } from '@platform-gen/cli';
import { loadModel } from '@platform-gen/core';

/** One line of the dump: a generated file, as objects when it has them. */
export interface DumpedArtifact {
  readonly path: string;
  readonly documents?: readonly unknown[];
  readonly content?: string;
}

/** Loads the platform at `root`, runs every generator and writes its artifacts to `out` as NDJSON. */
export async function dumpObjects(root: string, out: string): Promise<{ artifacts: number }> {
  // The same generators the scenarios run (the real CLI's).
  const { model, issues } = await loadModel(root);
  if (model === undefined) throw new Error(`${root} is invalid:\n${issues.map((i) => i.message).join('\n')}`);
  const fd = openSync(out, 'w');
  let artifacts = 0;
  try {
    for (const generator of GENERATORS) {
      for (const artifact of generator.generate(model)) {
        const line: DumpedArtifact =
          artifact.documents === undefined
            ? { path: artifact.path, content: artifact.content }
            : { path: artifact.path, documents: artifact.documents };
        writeSync(fd, `${JSON.stringify(line)}\n`);
        artifacts += 1;
      }
    }
  } finally {
    closeSync(fd);
  }
  return { artifacts };
}
