// Files that long runs rewrite while they go (checkpoints, shard results): written beside the
// target and renamed over it, so a run killed mid-write leaves the previous file whole.

import { renameSync, writeFileSync } from 'node:fs';

export function writeFileAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}
