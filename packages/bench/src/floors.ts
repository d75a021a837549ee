/**
 * The two floors generation is compared with, on the very objects the generators produce for a platform:
 * - `json`: every file's documents written with `JSON.stringify` (the serialization floor);
 * - `yaml`: the same documents written with the project's YAML serializer alone.
 * Both write one file per artifact into an empty folder (the same number of files generate writes, less its
 * bookkeeping), so the floors include the disk, as generate does. Files whose artifact carries no documents
 * (Markdown, scripts, ...) are written as they are in both floors.
 *
 * The objects come from a dump (dump.ts); each floor runs in its own process (`floor <kind>`), so its peak
 * memory is its own: the objects, the serializer, the writes.
 */
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
// The serializer module itself, not core's index: the floor process holds the objects and the serializer,
// not the rest of platform-gen (schemas, validators), so its peak memory is the floor's own.
import { toYamlDocuments } from '../../core/src/yaml.js';
import type { DumpedArtifact } from './dump.js';

export type FloorKind = 'json' | 'yaml';

export interface FloorResult {
  readonly kind: FloorKind;
  readonly files: number;
  /** Files written from documents (the rest were written as generated text). */
  readonly documentFiles: number;
  readonly documents: number;
  readonly bytes: number;
  /** Time spent serializing only. */
  readonly serializeMs: number;
  /** Serializing and writing every file: the floor. */
  readonly totalMs: number;
  /** CPU time (user and system) of the same. */
  readonly cpuMs: number;
  /** User CPU time alone of the same. */
  readonly userMs: number;
}

/** Reads the dump, then serializes and writes every file into `outDir` (which must not exist yet). */
export async function runFloor(kind: FloorKind, dump: string, outDir: string): Promise<FloorResult> {
  const artifacts: DumpedArtifact[] = [];
  const lines = createInterface({ input: createReadStream(dump, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) if (line !== '') artifacts.push(JSON.parse(line) as DumpedArtifact);

  const serialize =
    kind === 'json'
      ? (documents: readonly unknown[]) => documents.map((d) => JSON.stringify(d)).join('\n')
      : (documents: readonly unknown[]) => toYamlDocuments(documents);

  // Serializing alone, to tell the serializer's share from the disk's.
  let start = performance.now();
  for (const artifact of artifacts) if (artifact.documents !== undefined) serialize(artifact.documents);
  const serializeMs = performance.now() - start;

  start = performance.now();
  const cpu = process.cpuUsage();
  const made = new Set<string>();
  let bytes = 0;
  let documentFiles = 0;
  let documents = 0;
  for (const artifact of artifacts) {
    let text: string;
    if (artifact.documents === undefined) text = artifact.content ?? '';
    else {
      text = serialize(artifact.documents);
      documentFiles += 1;
      documents += artifact.documents.length;
    }
    const target = join(outDir, artifact.path);
    const dir = dirname(target);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(target, text);
    bytes += Buffer.byteLength(text);
  }
  const totalMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const userMs = used.user / 1000;
  return { kind, files: artifacts.length, documentFiles, documents, bytes, serializeMs, totalMs, cpuMs, userMs };
}
