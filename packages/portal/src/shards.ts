/**
 * The catalog in shards: several ConfigMaps, each one small enough for the way Argo CD applies it.
 *
 *   platform        groups.yaml, users.yaml, domains.yaml, systems.yaml     ConfigMap backstage-catalog-platform
 *   ns | ns-<bits>  namespace-<ns>.yaml, by a hash of the file name         ConfigMap backstage-catalog-ns-<bits>
 *
 * Each shard also holds `index-<shard>.yaml`, a Location listing its other files; Backstage's app-config
 * registers one file location per shard (charts-gen's backstage values), and the pod projects every shard's
 * ConfigMap into one folder.
 *
 * Namespace files are placed by the bits of sha256(file name), in a binary tree: a node whose files fit in one
 * ConfigMap is a shard, a node that does not fit is split by the next bit. Whether a node splits depends only on
 * the files under it, so adding a namespace changes only the shard it lands in (which may split in two); every
 * other shard keeps its ConfigMap byte for byte. See ADR 13, "Sharded catalog".
 */
import { createHash } from 'node:crypto';
import {
  type Artifact,
  COMPONENTS,
  type ComponentSpec,
  compareStrings,
  PlatformError,
  type PlatformModel,
  renderFile,
  yamlArtifact,
} from '@platform-gen/core';
import type { CatalogKind } from './catalog-kinds.js';
import { type CatalogFile, entityFiles, shardLocation } from './entities.js';
import {
  CATALOG_DIR,
  CATALOG_NAMESPACE,
  catalogConfigMapName,
  namespaceShardId,
  PLATFORM_SHARD,
  shardIndexFile,
} from './layout.js';

const KIB = 1024;
const COMPONENT: ComponentSpec = COMPONENTS.backstageCatalog;
const SERVER_SIDE = COMPONENT.serverSideApply === true;

/**
 * How much catalog one ConfigMap can carry. Applied client-side (Argo CD's default), kubectl copies the whole
 * object into its last-applied-configuration annotation, and annotations hold at most 256 KiB; applied
 * server-side, the ConfigMap's own 1 MiB limit is what counts. 8 KiB are kept for the metadata.
 */
export const CATALOG_SIZE_LIMIT = (SERVER_SIDE ? 1024 * KIB : 256 * KIB) - 8 * KIB;

/** Bits of the hash a namespace shard can be named by: `backstage-catalog-ns-<32 bits>` is 53 characters. */
export const MAX_SHARD_DEPTH = 32;

/** What each shard's location may bring (Backstage's app-config rules): Groups and Users only the platform's. */
export const SHARD_KINDS = {
  platform: ['Group', 'User', 'Domain', 'System', 'Location'],
  namespaces: ['Resource', 'Component', 'Location'],
} as const satisfies Record<string, readonly CatalogKind[]>;

export interface CatalogShard {
  /** `platform`, `ns` or `ns-<bits>`. */
  readonly id: string;
  /** Its ConfigMap in Backstage's namespace, also the name of its Location entity. */
  readonly configMap: string;
  /** The key of its Location, which lists its other keys. */
  readonly index: string;
  /** The kinds its files hold, which its location in Backstage's app-config allows. */
  readonly kinds: readonly CatalogKind[];
  /** Its files, the Location first: the keys of its ConfigMap. */
  readonly files: readonly CatalogFile[];
  /** Bytes its ConfigMap's data take in kubectl's last-applied annotation (at most CATALOG_SIZE_LIMIT). */
  readonly size: number;
}

export interface Catalog {
  /** The platform shard first, then the namespace shards in the order of their bits. */
  readonly shards: readonly CatalogShard[];
  /** Every file of every shard as an artifact (the kustomization is generator.ts's). */
  readonly artifacts: readonly Artifact[];
}

const SPECIAL_IN_GO_JSON: readonly [RegExp, number][] = [
  [/[<>&]/g, 5], // \u003c instead of one byte
  // biome-ignore lint/suspicious/noControlCharactersInRegex: counting the two control characters Go escapes longer
  [/[\u0008\u000c]/g, 4], // \u0008 instead of JavaScript's \b
  [/[\u2028\u2029]/g, 3], // \u2028 instead of three bytes of UTF-8
];

/**
 * Bytes `text` takes as a JSON string in the last-applied annotation. kubectl marshals it with Go's
 * encoding/json, which escapes `<`, `>`, `&`, U+2028 and U+2029 where JSON.stringify does not.
 */
export function appliedSize(text: string): number {
  let size = Buffer.byteLength(JSON.stringify(text));
  for (const [pattern, extra] of SPECIAL_IN_GO_JSON) size += (text.match(pattern)?.length ?? 0) * extra;
  return size;
}

/** The size of a ConfigMap's `data` as JSON: `{"key":"value",...}`. */
export function appliedDataSize(data: ReadonlyMap<string, string>): number {
  let size = 2 + Math.max(0, data.size - 1);
  for (const [key, value] of data) size += appliedSize(key) + 1 + appliedSize(value);
  return size;
}

/** A namespace file as the planner sees it: its name and the bytes it adds to its shard's ConfigMap. */
export interface ShardUnit {
  readonly name: string;
  readonly cost: number;
}

export interface NamespaceShardPlan {
  /** The hash prefix the shard holds, `''` for all namespaces. */
  readonly bits: string;
  /** Its files, sorted by name. */
  readonly names: readonly string[];
}

/** The first MAX_SHARD_DEPTH bits of sha256(name), as `0`s and `1`s. */
export function shardBits(name: string): string {
  const hex = createHash('sha256')
    .update(name)
    .digest('hex')
    .slice(0, MAX_SHARD_DEPTH / 4);
  return Number.parseInt(hex, 16).toString(2).padStart(MAX_SHARD_DEPTH, '0');
}

/**
 * The namespace shards: the leaves of the binary tree over the hash bits, each holding files whose costs add
 * up to at most `budget`. A node splits only when its own files do not fit; empty leaves are left out.
 */
export function planNamespaceShards(units: readonly ShardUnit[], budget: number): NamespaceShardPlan[] {
  const keyed = units.map((unit) => ({ ...unit, bits: shardBits(unit.name) }));
  const plans: NamespaceShardPlan[] = [];
  const place = (node: typeof keyed, bits: string): void => {
    if (node.length === 0) return;
    const cost = node.reduce((sum, unit) => sum + unit.cost, 0);
    if (cost <= budget) {
      plans.push({ bits, names: node.map((unit) => unit.name).sort(compareStrings) });
      return;
    }
    const [single] = node;
    if (node.length === 1 && single !== undefined) throw tooLarge(single.name, single.cost, budget);
    if (bits.length === MAX_SHARD_DEPTH) {
      throw tooLarge(`${node.map((unit) => unit.name).join(', ')} (one hash prefix)`, cost, budget);
    }
    place(
      node.filter((unit) => unit.bits[bits.length] === '0'),
      `${bits}0`,
    );
    place(
      node.filter((unit) => unit.bits[bits.length] === '1'),
      `${bits}1`,
    );
  };
  place(keyed, '');
  return plans;
}

function tooLarge(what: string, size: number, limit: number): PlatformError {
  return new PlatformError(
    'E_CATALOG_TOO_LARGE',
    `${CATALOG_DIR}: ${what} cannot be split across ConfigMaps and needs ${size} bytes in one, more than the ` +
      `${limit} bytes a ConfigMap of ${CATALOG_NAMESPACE} can carry when Argo CD applies it ` +
      `${SERVER_SIDE ? 'server' : 'client'}-side; ` +
      (SERVER_SIDE
        ? 'list fewer members in platform.teams[].members, or fewer sources in the namespace'
        : 'set serverSideApply on COMPONENTS.backstageCatalog (packages/core/src/components.ts) to raise the limit to 1 MiB'),
  );
}

interface Rendered {
  readonly file: CatalogFile;
  readonly artifact: Artifact;
  /** The final bytes, as kustomize puts them into the ConfigMap. */
  readonly text: string;
}

function render(file: CatalogFile): Rendered {
  const artifact = yamlArtifact(`${CATALOG_DIR}${file.name}`, file.source, file.entities);
  return { file, artifact, text: renderFile(artifact.path, artifact.source, artifact.content) };
}

/** What a file adds to its shard: its key and value, and its line among the Location's targets. */
function unitCost(file: Rendered): number {
  // `    - "./<name>"` as the serializer writes it, escaped in JSON; names are [-._a-zA-Z0-9] only.
  const target = Buffer.byteLength(`    - "./${file.file.name}"\n`) + 8;
  return appliedSize(file.file.name) + 1 + appliedSize(file.text) + 1 + target;
}

function buildShard(model: PlatformModel, id: string, kinds: readonly CatalogKind[], members: readonly Rendered[]) {
  const index = shardIndexFile(id);
  const location = render({
    name: index,
    source: model.platformFile,
    entities: [
      shardLocation(
        model,
        id,
        members.map((m) => m.file.name),
      ),
    ],
  });
  const all = [location, ...members];
  const size = appliedDataSize(new Map(all.map((r) => [r.file.name, r.text])));
  const shard: CatalogShard = {
    id,
    configMap: catalogConfigMapName(id),
    index,
    kinds,
    files: all.map((r) => r.file),
    size,
  };
  return { shard, artifacts: all.map((r) => r.artifact) };
}

function buildCatalog(model: PlatformModel): Catalog {
  const files = entityFiles(model);
  const platform = buildShard(model, PLATFORM_SHARD, SHARD_KINDS.platform, files.platform.map(render));
  if (platform.shard.size > CATALOG_SIZE_LIMIT) {
    const names = files.platform.map((f) => f.name).join(', ');
    throw tooLarge(`the platform-wide part of the catalog (${names})`, platform.shard.size, CATALOG_SIZE_LIMIT);
  }

  const rendered = new Map(files.namespaces.map((file) => [file.name, render(file)]));
  // The fixed part of a shard: its Location without targets, under the longest name a shard can have.
  const empty = buildShard(model, namespaceShardId('0'.repeat(MAX_SHARD_DEPTH)), SHARD_KINDS.namespaces, []);
  const budget = CATALOG_SIZE_LIMIT - empty.shard.size;
  const units = [...rendered.values()].map((r) => {
    const cost = unitCost(r);
    if (cost > budget) throw tooLarge(`${r.file.name} (the entities of ${r.file.source})`, cost, budget);
    return { name: r.file.name, cost };
  });
  const plans = planNamespaceShards(units, budget);
  const namespaceShards = plans.map((plan) => {
    const built = buildShard(
      model,
      namespaceShardId(plan.bits),
      SHARD_KINDS.namespaces,
      plan.names.map((name) => rendered.get(name) as Rendered),
    );
    // The plan's costs are an upper bound of the real size: failing here is a bug in unitCost.
    if (built.shard.size > CATALOG_SIZE_LIMIT) throw new Error(`catalog shard ${built.shard.id} outgrew its plan`);
    return built;
  });
  const all = [platform, ...namespaceShards];
  return { shards: all.map((s) => s.shard), artifacts: all.flatMap((s) => s.artifacts) };
}

/** Generators are pure: one model gives one catalog, built once however many generators ask for it. */
const built = new WeakMap<PlatformModel, Catalog>();

/** The catalog of a model, in shards (portal writes them; charts-gen's Backstage values mount and register them). */
export function catalogOf(model: PlatformModel): Catalog {
  let catalog = built.get(model);
  if (catalog === undefined) {
    catalog = buildCatalog(model);
    built.set(model, catalog);
  }
  return catalog;
}

export function catalogShards(model: PlatformModel): readonly CatalogShard[] {
  return catalogOf(model).shards;
}

/** Every file of the catalog, shard by shard, each shard's Location first. */
export function catalogFiles(model: PlatformModel): CatalogFile[] {
  return catalogShards(model).flatMap((shard) => shard.files);
}
