// What a patch and a version are, as the outside world (CLI, reports) sees them.

export interface PatchInfo {
  /** Commit id (12 hex digits), or a posting's name where the patch was never merged. */
  id: string;
  title: string;
  author: string;
  /** Date of the commit or posting, YYYY-MM-DD. */
  date: string;
  link: string;
  /** Names of the modelled functions it replaces. */
  replaces: string[];
}

/** A named kernel state: an ordered patch series applied to v4.2. */
export interface VersionInfo {
  name: string;
  description: string;
  patches: PatchInfo[];
}
