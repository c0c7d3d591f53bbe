import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { cleanEnv } from './clean-env';

const run = promisify(execFile);

/** The repository root. */
export const ROOT = resolve(__dirname, '..', '..');

/** The fields of a package.json the checks read. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  main?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: unknown;
  files?: string[];
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
}

/** A workspace package that is published (not `private`). */
export interface Publishable {
  readonly dir: string;
  readonly manifest: Manifest;
}

/** A packed package: its tarball and what `npm pack` put in it. */
export interface Tarball extends Publishable {
  /** Absolute path of the .tgz. */
  readonly path: string;
  /** Paths inside the package (`dist/index.js`, `package.json`, …). */
  readonly files: readonly string[];
}

/** Every package under packages/ that npm would publish, read now (mocha declares tests from it). */
export function publishablePackages(root = ROOT): Publishable[] {
  return readdirSync(join(root, 'packages')).sort()
    .map((name) => join(root, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }))
    .filter(({ manifest }) => manifest.private !== true);
}

interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

/**
 * `npm pack` of every publishable package, in one npm call, into `destination`. The packages must
 * be built (`npm run build`): npm packs what is in dist/.
 */
export async function packWorkspaces(destination: string, root = ROOT): Promise<Tarball[]> {
  const packages = publishablePackages(root);
  await mkdir(destination, { recursive: true });
  const args = ['pack', '--json', '--pack-destination', destination, ...packages.flatMap((p) => ['--workspace', p.dir])];
  const { stdout } = await run('npm', args, { cwd: root, env: cleanEnv(root), maxBuffer: 64 * 1024 * 1024 });
  const results = JSON.parse(stdout) as PackResult[];
  return Promise.all(packages.map(async (p) => {
    const result = results.find((r) => r.name === p.manifest.name);
    if (!result) throw new Error(`npm pack did not pack ${p.manifest.name}`);
    const path = join(destination, result.filename);
    await readFile(path); // it is there
    return { ...p, path, files: result.files.map((f) => f.path).sort() };
  }));
}

/** `node --import tsx test/consumers/pack.ts <folder>`: packs every published package into <folder>. */
if (require.main === module) {
  const destination = resolve(process.argv[2] ?? 'packs');
  packWorkspaces(destination).then((tarballs) => {
    for (const t of tarballs) console.log(`${t.manifest.name}@${t.manifest.version}\t${t.files.length} files\t${t.path}`);
  }, (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
