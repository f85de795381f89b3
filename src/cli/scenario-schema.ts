// The scenario file schema: what a YAML or JSON scenario may say, checked before anything runs.
// It mirrors the Scenario type of src/workload (geometry, filesystem, the file's initial state,
// mappings, and threads as lists of actions). Unknown fields are errors, so a typo is not
// silently ignored.

import { z } from 'zod';
import { type MmuWalk, mmuWalks } from '../workload/scenario.js';

const count = z.number().int().nonnegative();
const name = z.string().min(1);

export const FsNameSchema = z.enum(['ext4', 'xfs']);

export const BlockInitSchema = z.union(
  [z.literal('hole'), z.literal('unwritten'), z.object({ written: z.number().int() }).strict()],
  { error: "expected 'hole', 'unwritten' or { written: VALUE }" },
);

export const MappingInitSchema = z
  .object({
    id: name,
    process: name,
    shared: z.boolean(),
    huge: z.boolean().optional(),
    pgoff: count.optional(),
    pages: count.optional(),
  })
  .strict();

const range = { page: count, pages: count };

export const ActionSchema = z.discriminatedUnion('do', [
  z
    .object({
      do: z.literal('mmap'),
      map: name,
      shared: z.boolean(),
      huge: z.boolean().optional(),
      pgoff: count.optional(),
      pages: count.optional(),
    })
    .strict(),
  z.object({ do: z.literal('munmap'), map: name }).strict(),
  z.object({ do: z.literal('load'), map: name, page: count }).strict(),
  z.object({ do: z.literal('store'), map: name, page: count, value: z.number().int() }).strict(),
  z.object({ do: z.literal('truncate'), size: count }).strict(),
  z.object({ do: z.literal('write'), page: count, value: z.number().int() }).strict(),
  z.object({ do: z.literal('unbind') }).strict(),
  z.object({ do: z.literal('invalidate'), ...range }).strict(),
  z.object({ do: z.literal('punch'), ...range }).strict(),
  z.object({ do: z.literal('commit') }).strict(),
]);

export const ThreadSchema = z
  .object({ name, process: name.optional(), actions: z.array(ActionSchema).min(1) })
  .strict();

export const ScenarioSchema = z
  .object({
    name,
    description: z.string().optional(),
    fs: FsNameSchema.optional(),
    geometry: z.object({ pmdPages: count.optional(), filePages: count.optional() }).strict().optional(),
    file: z
      .object({
        size: count,
        blocks: z.array(BlockInitSchema).optional(),
        cachedHoles: z.array(count).optional(),
      })
      .strict(),
    mappings: z.array(MappingInitSchema).optional(),
    limits: z.object({ maxFaults: z.number().int().positive().optional() }).strict().optional(),
    mmu: z
      .object({ walk: z.enum(mmuWalks as [MmuWalk, ...MmuWalk[]]).optional() })
      .strict()
      .optional(),
    threads: z.array(ThreadSchema).min(1),
  })
  .strict()
  .superRefine((s, ctx) => {
    // Names are how traces and reports tell threads and mappings apart: they must be unique.
    const threads = new Set<string>();
    s.threads.forEach((t, i) => {
      if (threads.has(t.name))
        ctx.addIssue({
          code: 'custom',
          path: ['threads', i, 'name'],
          message: `duplicate thread name '${t.name}'`,
        });
      threads.add(t.name);
    });
    const maps = new Set<string>();
    (s.mappings ?? []).forEach((m, i) => {
      if (maps.has(m.id))
        ctx.addIssue({
          code: 'custom',
          path: ['mappings', i, 'id'],
          message: `duplicate mapping id '${m.id}'`,
        });
      maps.add(m.id);
    });
    for (const t of s.threads) for (const a of t.actions) if (a.do === 'mmap') maps.add(a.map);
    s.threads.forEach((t, i) => {
      t.actions.forEach((a, j) => {
        if ('map' in a && a.do !== 'mmap' && !maps.has(a.map))
          ctx.addIssue({
            code: 'custom',
            path: ['threads', i, 'actions', j, 'map'],
            message: `unknown mapping '${a.map}': declare it under 'mappings' or mmap it in an action${
              maps.size ? ` (known: ${[...maps].join(', ')})` : ''
            }`,
          });
      });
    });
  });

export type Scenario = z.infer<typeof ScenarioSchema>;
export type Action = z.infer<typeof ActionSchema>;
export type BlockInit = z.infer<typeof BlockInitSchema>;
export type MappingInit = z.infer<typeof MappingInitSchema>;
