import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyProject, installedPackages, npmInstall, packWorkspaces } from './pack.js';
const dest = mkdtempSync(join(tmpdir(), 'pm-'));
const packed = await packWorkspaces(dest);
const byName = new Map(packed.map((p) => [p.name, p]));
const sets: Record<string, string[]> = {
  '@rd-contract/contract': ['@rd-contract/contract'],
  '@rd-contract/client': ['@rd-contract/contract', '@rd-contract/client'],
  '@rd-contract/mock': ['@rd-contract/contract', '@rd-contract/client', '@rd-contract/mock'],
};
for (const p of packed)
  console.log(
    `${p.name}: packed ${(p.size / 1024).toFixed(0)} KiB, unpacked ${(p.unpackedSize / 1048576).toFixed(2)} MiB,` +
      ` ${p.files.length} files`,
  );
for (const [name, deps] of Object.entries(sets)) {
  const project = mkdtempSync(join(tmpdir(), 'pm-proj-'));
  emptyProject(project);
  const ms = await npmInstall(
    project,
    deps.map((d) => byName.get(d)!.tarball),
  );
  const all = installedPackages(project);
  const theirs = all.filter((p) => !p.name.startsWith('@rd-contract/'));
  const mb = (b: number) => (b / 1048576).toFixed(2);
  console.log(
    `${name}: install ${(ms / 1000).toFixed(1)} s; ${all.length} packages (${theirs.length} third-party:` +
      ` ${theirs.map((p) => p.name).join(', ')}), ${mb(all.reduce((s, p) => s + p.bytes, 0))} MiB in all, third-party` +
      ` ${mb(theirs.reduce((s, p) => s + p.bytes, 0))} MiB; install scripts:` +
      ` ${all.filter((p) => p.hasInstallScript).length}; native files: ${all.reduce((s, p) => s + p.nativeFiles, 0)}`,
  );
  rmSync(project, { recursive: true, force: true });
}
rmSync(dest, { recursive: true, force: true });
