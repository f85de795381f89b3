// The scenario schema: what a scenario file holds (the CLI validates files into these types).

export type FsName = 'xfs' | 'ext4';

/** 'ptl': the walk and the access hold the page-table lock, a stand-in for the TLB shootdown.
 *  'atomic': the walk reads the entry, the access is a second step that checks the entry is
 *  still the one walked (its TLB entry not flushed), with no lock. */
export type MmuWalk = 'ptl' | 'atomic';
export const mmuWalks: readonly MmuWalk[] = ['ptl', 'atomic'];

/** Initial state of one file block: a hole, an unwritten extent, or written with a value. */
export type BlockInit = 'hole' | 'unwritten' | { written: number };

/** A mapping that exists when the scenario starts (as if mmap'ed and never touched). */
export interface MappingInit {
  id: string;
  process: string;
  shared: boolean;
  /** PMD-aligned (a candidate for huge faults). */
  huge?: boolean;
  /** First file page mapped (default 0). */
  pgoff?: number;
  /** Pages mapped (default: the whole file geometry). */
  pages?: number;
}

export type Action =
  | { do: 'mmap'; map: string; shared: boolean; huge?: boolean; pgoff?: number; pages?: number }
  | { do: 'munmap'; map: string }
  | { do: 'load'; map: string; page: number }
  | { do: 'store'; map: string; page: number; value: number }
  | { do: 'truncate'; size: number }
  | { do: 'write'; page: number; value: number }
  | { do: 'unbind' }
  | { do: 'invalidate'; page: number; pages: number }
  | { do: 'punch'; page: number; pages: number } // ext4 later
  | { do: 'commit' }; // ext4 later

export interface Scenario {
  name: string;
  description?: string;
  fs?: FsName;
  /** pmdPages: pages per PMD (default 4, so that huge faults stay explorable); filePages: pages of
   *  the file's address range that mappings cover (default: max(size, pmdPages)). */
  geometry?: { pmdPages?: number; filePages?: number };
  /** size in pages; blocks[i] is block i (default hole); cachedHoles: indexes with a hole page cached. */
  file: { size: number; blocks?: BlockInit[]; cachedHoles?: number[] };
  mappings?: MappingInit[];
  /** maxFaults: faults one load or store may take before it is a `livelock` finding (default
   *  MAX_FAULTS_PER_ACCESS, 5). A lone load needs 1, a lone store 2; a smaller bound makes a
   *  fault-and-zap chase (findings E5, F12) finite sooner, and completeness means "up to it". */
  limits?: { maxFaults?: number };
  /** How a CPU's access through the page tables is ordered against a zap (default 'ptl'; see
   *  MmuWalk above, mmu_access_ptl and mmu_access_atomic in actors.ts, docs/soundness.md). */
  mmu?: { walk?: MmuWalk };
  threads: { name: string; process?: string; actions: Action[] }[];
}

/** The `limits` fields buildModel honours (the CLI's `--max-faults` needs `maxFaults`). */
export const scenarioLimits: readonly (keyof NonNullable<Scenario['limits']>)[] = ['maxFaults'];
