import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import type { Manifest, Tarball } from './pack';

const run = promisify(execFile);

/** Unpacks a tarball into `<into>/package` (as npm does) and returns that folder. */
export async function unpack(tarball: Tarball, into: string): Promise<string> {
  await mkdir(into, { recursive: true });
  await run('tar', ['-xzf', tarball.path, '-C', into]);
  return join(into, 'package');
}

/** Files a published package may hold: its manifest, README, LICENSE, the build and the sources its maps point at. */
const ALLOWED = /^(package\.json|README\.md|LICENSE|dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map)|src\/.+\.ts)$/;

/** What is wrong with the file list: stray files, build info, a missing README or LICENSE. */
export function strayFiles(tarball: Tarball): string[] {
  const problems = tarball.files.filter((f) => !ALLOWED.test(f) || f.endsWith('.tsbuildinfo')).map((f) => `ships ${f}`);
  for (const needed of ['package.json', 'README.md', 'LICENSE']) {
    if (!tarball.files.includes(needed)) problems.push(`does not ship ${needed}`);
  }
  return problems;
}

/** Every file path a manifest points at: main, types, bin, and each `exports` target. */
export function entryPoints(manifest: Manifest): string[] {
  const targets: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') targets.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.main);
  walk(manifest.types);
  walk(manifest.bin);
  walk(manifest.exports);
  return [...new Set(targets.map((t) => posix.normalize(t)))];
}

/** Entry points that are not in the tarball. */
export function missingEntryPoints(tarball: Tarball): string[] {
  return entryPoints(tarball.manifest).filter((t) => !tarball.files.includes(t)).map((t) => `points at ${t}, which it does not ship`);
}

/** Source maps (and declaration maps) whose sources are not in the tarball, and .js/.d.ts whose map is missing. */
export async function brokenMaps(tarball: Tarball, unpacked: string): Promise<string[]> {
  const problems: string[] = [];
  for (const file of tarball.files) {
    if (file.endsWith('.map')) {
      const map = JSON.parse(await readFile(join(unpacked, file), 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const source of map.sources) {
        const path = posix.normalize(posix.join(posix.dirname(file), map.sourceRoot ?? '', source));
        if (!tarball.files.includes(path)) problems.push(`${file} maps to ${path}, which it does not ship`);
      }
    } else if (/\.(js|d\.ts)$/.test(file)) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(await readFile(join(unpacked, file), 'utf8'))?.[1];
      if (url && !tarball.files.includes(posix.join(posix.dirname(file), url))) problems.push(`${file} names ${url}, which it does not ship`);
    }
  }
  return problems;
}

const BUILTINS = new Set(builtinModules);

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * Packages that the built code loads (`require("x")`, `import("x")`) without declaring them in
 * dependencies, peerDependencies or optionalDependencies. In the workspace, or in any install that
 * hoists, such a package is found anyway; a user with another layout (pnpm, a fresh install
 * without the package that brought it) gets MODULE_NOT_FOUND.
 */
export async function undeclaredRequires(tarball: Tarball, unpacked: string): Promise<string[]> {
  const { manifest } = tarball;
  const declared = new Set([manifest.name, ...Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies })]);
  const problems: string[] = [];
  for (const file of tarball.files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'))) {
    const code = await readFile(join(unpacked, file), 'utf8');
    for (const [, specifier] of code.matchAll(/\b(?:require|import)\(\s*["']([^"']+)["']\s*\)/g)) {
      if (specifier!.startsWith('.') || specifier!.startsWith('/') || specifier!.startsWith('node:') || BUILTINS.has(specifier!)) continue;
      if (!declared.has(packageOf(specifier!))) problems.push(`${file} loads ${specifier}, which is not a dependency or peer dependency`);
    }
  }
  return problems;
}

/** The `@agentway/*` packages a tarball needs at run time: dependencies and required peers. */
export function internalNeeds(manifest: Manifest): string[] {
  const optional = (name: string) => manifest.peerDependenciesMeta?.[name]?.optional === true;
  const peers = Object.keys(manifest.peerDependencies ?? {}).filter((name) => !optional(name));
  return [...Object.keys(manifest.dependencies ?? {}), ...peers].filter((name) => name.startsWith('@agentway/'));
}

/** Manifest fields a published package must have. */
export function manifestProblems(manifest: Manifest): string[] {
  const problems: string[] = [];
  const expect = (ok: boolean, what: string) => { if (!ok) problems.push(what); };
  expect(manifest.type === 'commonjs', '"type" is not "commonjs" (the build is CommonJS; without it Node guesses per file)');
  expect(typeof manifest.engines?.node === 'string', 'no engines.node');
  expect((manifest as { license?: string }).license === 'MIT', 'license is not MIT');
  expect((manifest as { publishConfig?: { access?: string } }).publishConfig?.access === 'public', 'publishConfig.access is not "public" (a scoped package would publish as restricted)');
  const sideEffects = (manifest as { sideEffects?: unknown }).sideEffects;
  expect(sideEffects === false || Array.isArray(sideEffects), 'no sideEffects (false, or the files that have some)');
  const exportsMap = manifest.exports as Record<string, unknown> | undefined;
  expect(exportsMap?.['./package.json'] === './package.json', 'exports has no "./package.json"');
  return problems;
}
