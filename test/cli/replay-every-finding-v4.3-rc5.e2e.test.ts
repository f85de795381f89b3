// Every printed finding replays to itself (issue #6), part 2 of 3: v4.3-rc5, whose confirmed
// jbd2_handle / i_mmap_rwsem cycle replayed to another signature before cycle signatures named
// lock classes only.

import { describe, it } from 'vitest';
import { everyFindingReplays } from './replay-every-finding.js';

describe('every printed finding replays to itself', () => {
  it('v4.3-rc5: each occurrence of each finding, and its mermaid diagrams', async () => {
    const kinds = ['circular-dependency', 'deadlock', 'lost-write', 'recursive-locking'];
    await everyFindingReplays(
      ['--kernels', 'v4.3-rc5', '--fs', 'ext4', '--scenarios', 'read-fault-vs-write-fault'],
      kinds,
    );
  }, 60_000);
});
