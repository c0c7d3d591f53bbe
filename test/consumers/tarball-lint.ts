import { readFile } from 'node:fs/promises';
import type { Tarball } from './pack';

/**
 * publint on the tarball itself (not the folder), strict (warnings count as errors), at the
 * suggestion level: every message it prints is returned, formatted as publint prints it.
 */
export async function publintMessages(tarball: Tarball): Promise<string[]> {
  const { publint } = await import('publint');
  const { formatMessage } = await import('publint/utils');
  const bytes = await readFile(tarball.path);
  const tarballData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const { messages, pkg } = await publint({ pack: { tarball: tarballData }, level: 'suggestion', strict: true });
  return messages.map((m) => `${m.type}: ${formatMessage(m, pkg, { color: false }) ?? m.code}`);
}

/**
 * @arethetypeswrong/core — what `attw <tarball>` runs — with the CLI's default ("strict")
 * profile: every entry point (`.`, `./conformance`, …) resolved as node10, node16 from CommonJS,
 * node16 from ESM and bundler, each of which must find types that match the JavaScript.
 */
export async function attwProblems(tarball: Tarball): Promise<string[]> {
  const { checkPackage, createPackageFromTarballData } = await import('@arethetypeswrong/core');
  const { problemKindInfo } = await import('@arethetypeswrong/core/problems');
  const result = await checkPackage(createPackageFromTarballData(new Uint8Array(await readFile(tarball.path))));
  if (!result.types) return ['no types: the package ships no .d.ts the resolutions find'];
  return result.problems.map((p) => {
    const where = 'entrypoint' in p ? ` ${p.entrypoint} (${p.resolutionKind})` : 'fileName' in p ? ` ${String(p.fileName)}` : '';
    return `${p.kind}: ${problemKindInfo[p.kind].title}${where}`;
  });
}
