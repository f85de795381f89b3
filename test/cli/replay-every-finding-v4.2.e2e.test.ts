// Every printed finding replays to itself (issue #6), part 1 of 3: v4.2's data findings.

import { describe, it } from 'vitest';
import { everyFindingReplays } from './replay-every-finding.js';

describe('every printed finding replays to itself', () => {
  it('v4.2: each occurrence of each finding, and its mermaid diagrams', async () => {
    const kinds = ['exposed-data', 'pagecache-incoherent', 'stale-mapping', 'stale-read'];
    await everyFindingReplays(
      [
        '--kernels',
        'v4.2',
        '--fs',
        'ext4',
        '--scenarios',
        'read-fault-vs-write-fault,write-fault-vs-write-fault',
      ],
      kinds,
    );
  }, 60_000);
});
