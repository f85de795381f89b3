// The `faultline` command line: commander glue only. Each command resolves its inputs, calls the
// module that does the work (target, matrix, bisect, replay) and renders the result.

import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ReplayMismatch, TokenError, tokenParts } from '../engine/index.js';
import { runBisect } from './bisect.js';
import { checkCheckpoint, finishCheckpoint } from './check-checkpoint.js';
import { runTargetOnWorkers } from './check-pool.js';
import { runTargetOnDporWorkers } from './dpor-pool.js';
import { EXIT, UsageError } from './errors.js';
import { renderBisect } from './format/bisect-report.js';
import { type Format, renderCheck } from './format/check-report.js';
import { LISTS, type ListWhat, renderList } from './format/list-report.js';
import { matrixMarkdown, matrixText } from './format/matrix-report.js';
import { renderReplay } from './format/replay-report.js';
import type { Interrupt } from './interrupt.js';
import {
  type MatrixCell,
  type MatrixPlan,
  type MatrixResult,
  matrixJson,
  planCellKeys,
  planIdentity,
  runMatrix,
  type Shard,
  savedRunsInProgress,
} from './matrix.js';
import { runMatrixPool } from './matrix-pool.js';
import { type ProgressLine, type ProgressUpdate, progressLine, sharePercent } from './progress.js';
import { checkFs, DEFAULT_PROVIDER, loadProvider, type Provider } from './provider.js';
import { replayTarget } from './replay.js';
import { ScenarioFileError } from './scenario-file.js';
import type { Scenario } from './scenario-schema.js';
import { checkOutPath, mergeShards, parseShard, type ShardCommand, writeShardFile } from './shard.js';
import { colorEnabled, makeStyle, type Style } from './style.js';
import {
  type Budget,
  exploresWithDpor,
  resolveFs,
  resolveKernel,
  resolveScenario,
  runTarget,
  scenarioWith,
  settingsOf,
  type Target,
  tokenTarget,
  withScenarioSettings,
  withStepBound,
} from './target.js';
import { kernelOfTrace, readTraceFile, writeTraceFiles } from './trace-out.js';

/** Where a command writes, and what it knows of the terminal (a worker thread cannot ask). */
export interface CliContext {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  stdoutTTY: boolean;
  stderrTTY: boolean;
  columns?: number;
  env: NodeJS.ProcessEnv;
  /** Starts listening for Ctrl-C for the duration of a run. */
  interrupt(): Interrupt;
}

// ---- option parsing ---------------------------------------------------------------------------

function integer(name: string, min = 0) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min)
      throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got '${v}'`);
    return Number(v);
  };
}

/** `90`, `90s`, `1500ms`, `2m`, `1h`: a plain number is seconds. */
export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`expected a duration like 30s, 1500ms, 2m or 1h, got '${v}'`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!);
}

/** `--shard I/N`, `--out FILE` and `--no-timings`: for running a plan on many machines (matrix, explore). */
/** matrix and explore: --shard, --out, --no-timings, and the checkpoint of a plan. */
function planOptions(cmd: Command): Command {
  return cmd
    .option(
      '--checkpoint <file>',
      'save each finished run there (and each DPOR run in progress in <file>.runs/), and resume from it when it exists',
    )
    .option(
      '--checkpoint-every <seconds>',
      'with --checkpoint: how often a run in progress saves (default 60)',
      integer('--checkpoint-every', 1),
    )
    .option(
      '--shard <I/N>',
      "run only shard I of N (1-based; each scenario's runs dealt to the shards in turn); merge the --out files with faultline merge",
      (v: string) => {
        try {
          return parseShard(v);
        } catch (e) {
          throw new InvalidArgumentError((e as Error).message);
        }
      },
    )
    .option('--out <file>', "write the runs for 'faultline merge' (format faultline-shard/1) to this file")
    .option('--no-timings', 'leave run times (elapsedMs) out of the JSON: equal results print equal bytes');
}

interface PlanOutputOpts {
  format: Format;
  timings?: boolean;
}

/** The exit status of a plan's result: matrix's (findings are its output) or explore's. */
function planExitCode(command: ShardCommand, m: MatrixResult, failOnFindings = false): number {
  if (m.interrupted) return EXIT.interrupted;
  return (command === 'explore' || failOnFindings) && m.findings.length ? EXIT.found : EXIT.ok;
}

function formatOption(allowed: readonly Format[]) {
  return new Option('--format <format>', 'output format').choices(allowed).default('text');
}

/** What names a token's target (replay, view): scenario, kernel, fs, and the bounds it was found under. */
interface TokenTargetOpts {
  scenario?: string;
  kernel?: string;
  fs?: string;
  maxSteps?: number;
  maxFaults?: number;
  mmuWalk?: string;
}

const MMU_WALK_HELP =
  "DAX model: how a CPU's access through the page tables is ordered against a zap, 'ptl' (hold the " +
  "page-table lock; the default) or 'atomic' (two lock-free steps; docs/soundness.md)";

function tokenTargetOptions(cmd: Command, verb: string): Command {
  return cmd
    .option('--scenario <scenario>', 'the scenario the token belongs to (not needed with a trace file)')
    .option('--kernel <version>', 'kernel version (default: the newest; a trace file names its own)')
    .option('--fs <fs>', "filesystem (default: the scenario's; a trace file names its own)")
    .option(
      '--max-steps <n>',
      `steps per thread before a livelock finding (as the run that printed the token had it; a trace file records it)`,
      integer('--max-steps', 1),
    )
    .option(
      '--max-faults <n>',
      `faults one load or store may take before a livelock finding (as the run that printed the token had it)`,
      integer('--max-faults', 1),
    )
    .option(
      '--mmu-walk <walk>',
      'the MMU walk (as the run that printed the token had it; a trace file records it)',
    )
    .addHelpText(
      'after',
      `\nA token ${verb} only under the bounds and the MMU walk it was found with; printed replay commands carry them.`,
    );
}

/** The target of a token given on the command line (not a trace file). */
function tokenTargetOf(p: Provider, o: TokenTargetOpts, verb: string): Target {
  if (!o.scenario)
    throw new UsageError(`${verb} a token needs --scenario (the check output prints the full command)`);
  return tokenTarget(p, { ...o, scenario: o.scenario });
}

/** `--max-faults` and `--mmu-walk` of the commands that run one scenario at a time (explore
 *  names its own `--max-faults`). */
function scenarioSettingOptions(cmd: Command): Command {
  return cmd
    .option(
      '--max-faults <n>',
      "DAX model: faults one load or store may take before it is a livelock finding (default: the scenario's limits.maxFaults, else 5)",
      integer('--max-faults', 1),
    )
    .option('--mmu-walk <walk>', `${MMU_WALK_HELP}; replaces the scenario's mmu.walk`);
}

function budgetOptions(cmd: Command, exhaustiveByDefault = true): Command {
  return cmd
    .addOption(
      new Option('--mode <mode>', 'exploration: dpor (exhaustive), random, pct, or bounded (by preemptions)')
        .choices(['dpor', 'random', 'pct', 'bounded'])
        .default(exhaustiveByDefault ? 'dpor' : undefined),
    )
    .option('--seed <n>', 'seed for random and pct', integer('--seed'))
    .option('--runs <n>', 'executions for random and pct (default 1000)', integer('--runs', 1))
    .option('--depth <n>', 'pct bug depth (default 3)', integer('--depth', 1))
    .option(
      '--max-preemptions <n>',
      'only schedules with at most n preemptions',
      integer('--max-preemptions'),
    )
    .option(
      '--time-limit <duration>',
      'stop each run after this long (30s, 2m); partial results',
      parseDuration,
    )
    .option(
      '--max-executions <n>',
      'stop each run after n executions; partial results',
      integer('--max-executions', 1),
    )
    .option(
      '--max-steps <n>',
      'steps per thread before a livelock finding (default 100000)',
      integer('--max-steps', 1),
    );
}

interface BudgetOpts {
  mode?: Budget['mode'];
  seed?: number;
  runs?: number;
  depth?: number;
  maxPreemptions?: number;
  timeLimit?: number;
  maxExecutions?: number;
  maxSteps?: number;
}

function budgetOf(o: BudgetOpts): Budget {
  const b: Budget = {};
  if (o.mode !== undefined) b.mode = o.mode;
  if (o.seed !== undefined) b.seed = o.seed;
  if (o.runs !== undefined) b.runs = o.runs;
  if (o.depth !== undefined) b.depth = o.depth;
  if (o.maxPreemptions !== undefined) b.maxPreemptions = o.maxPreemptions;
  if (o.timeLimit !== undefined) b.timeLimitMs = o.timeLimit;
  if (o.maxExecutions !== undefined) b.maxExecutions = o.maxExecutions;
  if (o.maxSteps !== undefined) b.maxStepsPerThread = o.maxSteps;
  if (b.maxPreemptions !== undefined && b.mode === 'dpor') b.mode = 'bounded';
  return b;
}

/** Comma-separated lists, also given as repeated options. */
function list(v: string, prev: string[] | undefined): string[] {
  return [
    ...(prev ?? []),
    ...v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const f = join(dir, 'package.json');
    if (existsSync(f)) return (JSON.parse(readFileSync(f, 'utf8')) as { version: string }).version;
    dir = dirname(dir);
  }
  return 'unknown';
}

// ---- the program ------------------------------------------------------------------------------

export function buildProgram(ctx: CliContext, setCode: (code: number) => void): Command {
  const program = new Command('faultline');
  let style: Style = makeStyle(false);
  const provider = async (): Promise<Provider> => loadProvider(program.opts().provider as string | undefined);
  const out = (s: string) => ctx.stdout.write(s);
  const note = (s: string) => ctx.stderr.write(`${s}\n`);

  program
    .description(
      'Systematic concurrency checking of kernel-shaped models: the Linux DAX fault/truncate/unmap ' +
        'locking of v4.2-v4.4 under every interleaving, reported the way lockdep would.',
    )
    .version(packageVersion(), '-V, --version')
    .option(
      '--provider <name|module>',
      `what to run: 'examples' (the engine's example models), 'dax' (the DAX model), or a module ` +
        'exporting versions, patches, builtinScenarios and buildModel',
      DEFAULT_PROVIDER,
    )
    .option('--color', 'colour output even when not on a terminal')
    .option('--no-color', 'no colour (also: NO_COLOR=1)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .exitOverride()
    .hook('preAction', () => {
      const flag = program.opts().color as boolean | undefined;
      // commander sets `color` true by default for --no-color; only an explicit flag counts.
      const explicit = program.getOptionValueSource('color') === 'cli' ? flag : undefined;
      style = makeStyle(colorEnabled({ isTTY: ctx.stdoutTTY }, ctx.env, explicit));
    });

  const withRun = async <T>(budget: Budget, fn: (hooks: RunHooksWithUnit) => T | Promise<T>): Promise<T> => {
    const intr = ctx.interrupt();
    const progress = progressLine({
      stream: {
        isTTY: ctx.stderrTTY,
        columns: ctx.columns,
        write: (s) => {
          ctx.stderr.write(s);
          return true;
        },
      },
      env: ctx.env,
      maxExecutions:
        budget.mode === 'random' || budget.mode === 'pct' ? (budget.runs ?? 1000) : budget.maxExecutions,
      timeLimitMs: budget.timeLimitMs,
    });
    try {
      return await fn({
        shouldStop: () => intr.requested(),
        onProgress: (p) => progress.update(p),
        unit: progress.unit,
      });
    } finally {
      progress.done();
      intr.dispose();
    }
  };

  /** A plan's result (matrix, explore, or merged shards) in the chosen format. */
  const printPlan = (m: MatrixResult, o: PlanOutputOpts, command: ShardCommand) => {
    if (o.format === 'json') out(`${JSON.stringify(matrixJson(m, { timings: o.timings }), null, 2)}\n`);
    else
      out(
        (o.format === 'markdown' ? matrixMarkdown(m) : matrixText(m, style)).replace(
          /^(## )?faultline matrix:/,
          `$1faultline ${command}:`,
        ),
      );
  };

  /**
   * Run a matrix plan (matrix, explore) on one thread or a pool, or one shard of it, then print
   * it in the chosen format, write the shard file, and say where a checkpoint was left.
   */
  const runPlan = async (
    p: Provider,
    whole: MatrixPlan,
    budget: Budget,
    o: PlanOutputOpts & {
      workers?: number;
      checkpoint?: string;
      checkpointEvery?: number;
      shard?: Shard;
      out?: string;
    },
    command: ShardCommand,
    label: (c: MatrixCell) => string,
  ) => {
    if (o.out) checkOutPath(o.out);
    if (o.checkpointEvery !== undefined && !o.checkpoint)
      throw new UsageError('--checkpoint-every needs --checkpoint <file>');
    const plan: MatrixPlan = o.shard ? { ...whole, shard: o.shard } : whole;
    const workers = o.workers ?? availableParallelism();
    const inProgress = o.checkpoint ? `${o.checkpoint}.runs` : undefined;
    const saved = inProgress && existsSync(inProgress) ? readdirSync(inProgress).length : 0;
    if (saved) note(`faultline: ${saved} run${saved === 1 ? '' : 's'} in progress go on from ${inProgress}/`);
    const m = await withRun(budget, (hooks) => {
      const matrixHooks = {
        ...hooks,
        checkpoint: o.checkpoint,
        ...(o.checkpointEvery !== undefined ? { checkpointEveryMs: o.checkpointEvery * 1000 } : {}),
        onRun: (i: number, n: number, c: MatrixCell, at?: number) => hooks.unit(i, n, label(c), at),
      };
      return workers > 1
        ? runMatrixPool(p, plan, budget, workers, matrixHooks)
        : runMatrix(p, plan, budget, matrixHooks);
    });
    printPlan(m, o, command);
    if (o.out) {
      const shard = o.shard ?? { index: 1, count: 1 };
      writeShardFile(o.out, {
        command,
        plan: planIdentity(p, whole, budget),
        shard,
        cells: planCellKeys(whole),
        interrupted: m.interrupted,
        runs: m.records,
      });
      note(`faultline: shard ${shard.index}/${shard.count} (${m.records.length} runs) written to ${o.out}`);
    }
    if (m.interrupted && o.checkpoint) {
      note(
        `faultline: ${m.runs.length} finished runs saved in ${o.checkpoint}, runs in progress in ${inProgress}/; run again to resume`,
      );
      for (const r of savedRunsInProgress(p, plan, budget, o.checkpoint))
        note(
          `  in progress: ${r.key}, ${r.executions.toLocaleString('en-US')} executions` +
            (r.explored !== undefined ? `, ~${sharePercent(r.explored)} explored by DPOR's estimate` : ''),
        );
    }
    // Every run has its record: no state in progress is left to keep.
    else if (inProgress) rmSync(inProgress, { recursive: true, force: true });
    return m;
  };

  // list --------------------------------------------------------------------------------------
  program
    .command('list')
    .description('list kernel versions, patches, built-in scenarios or finding kinds')
    .addArgument(new Argument('<what>', 'what to list').choices(LISTS))
    .addOption(formatOption(['text', 'json', 'markdown']))
    .action(async (what: ListWhat, o: { format: Format }) => {
      out(renderList(await provider(), what, o.format, style));
      setCode(EXIT.ok);
    });

  // check -------------------------------------------------------------------------------------
  budgetOptions(
    scenarioSettingOptions(
      program
        .command('check')
        .description('explore one scenario on one kernel and filesystem; print each distinct finding once')
        .argument(
          '<scenario>',
          'a built-in scenario name (faultline list scenarios) or a YAML/JSON scenario file',
        )
        .option(
          '--kernel <version>',
          'kernel version, or VERSION~N for it without its last N patches (default: the newest)',
        )
        .option('--fs <fs>', "filesystem (default: the scenario's, else the first)"),
    ),
  )
    .addOption(formatOption(['text', 'json', 'markdown', 'mermaid']))
    .option(
      '--finding <n>',
      'show only the n-th finding (mermaid shows the first otherwise)',
      integer('--finding', 1),
    )
    .option(
      '--trace-out <file>',
      'write each finding as a JSON trace file (file, file-2, ...) for the trace viewer',
    )
    .option(
      '--races',
      'DPOR: count the executions by the object of the race that created their branch (what made the exploration large)',
    )
    .option(
      '--no-minimize',
      "keep each finding's first witness: skip the bounded searches for one with fewer preemptions (a fifth of all executions in the built-in matrix)",
    )
    .option(
      '--checkpoint <file>',
      'DPOR: save the exploration there as it goes and when stopped, and go on from it when it exists (removed once complete)',
    )
    .option(
      '--checkpoint-every <seconds>',
      'with --checkpoint: how often to save (default 60)',
      integer('--checkpoint-every', 1),
    )
    .option(
      '--workers <n>',
      'threads running the check, this one and n-1 workers (default: the number of cores); the result is the same for every n',
      integer('--workers', 1),
    )
    .addHelpText(
      'after',
      '\nRandom and pct checks run their executions on --workers threads, in batches taken back in order;\n' +
        'DPOR has the workers explore subtrees ahead, which this thread follows step by step. Findings,\n' +
        'witnesses and counts are the same for every n (a --time-limit cuts where it cuts). The workers\n' +
        'start once a check has run a second (DPOR: and its estimate leaves five more): a short check runs\n' +
        'on this thread alone. A bounded search runs on one thread: for more cores there, run many\n' +
        'scenarios at once: matrix or explore --workers N.\n' +
        '\nExit status: 0 nothing found, 1 findings, 2 bad usage or input, 130 interrupted (partial results printed).',
    )
    .action(
      async (
        ref: string,
        o: BudgetOpts & {
          kernel?: string;
          fs?: string;
          format: Format;
          finding?: number;
          traceOut?: string;
          races?: boolean;
          minimize: boolean;
          maxFaults?: number;
          mmuWalk?: string;
          checkpoint?: string;
          checkpointEvery?: number;
          workers?: number;
        },
      ) => {
        const p = await provider();
        const scenario = resolveScenario(p, ref);
        const budget = budgetOf(o);
        const target = withScenarioSettings(
          p,
          withStepBound(
            {
              scenario,
              scenarioRef: ref,
              kernel: resolveKernel(p, o.kernel),
              fs: resolveFs(p, scenario, o.fs),
            },
            budget,
          ),
          o,
        );
        if (o.races && !exploresWithDpor(budget))
          throw new UsageError(
            '--races counts the branches of a DPOR search: use it without --mode and --max-preemptions',
          );
        if (o.checkpointEvery !== undefined && !o.checkpoint)
          throw new UsageError('--checkpoint-every needs --checkpoint <file>');
        if (o.checkpoint && o.races)
          throw new UsageError(
            '--checkpoint: a run with --races cannot be resumed (its census is not saved)',
          );
        const checkpoint = o.checkpoint
          ? checkCheckpoint(o.checkpoint, o.checkpointEvery ?? 60, p, target, budget)
          : undefined;
        if (checkpoint?.resumedFrom !== undefined)
          note(`faultline: resuming from ${o.checkpoint} after ${checkpoint.resumedFrom} executions`);
        const sampling = budget.mode === 'random' || budget.mode === 'pct';
        const dpor = exploresWithDpor(budget);
        if (o.workers !== undefined && o.workers > 1 && !sampling && !dpor)
          throw new UsageError(
            `--workers ${o.workers}: a bounded search runs on one thread (use matrix or explore --workers for many scenarios at once)`,
          );
        const workers = sampling || dpor ? (o.workers ?? availableParallelism()) : 1;
        const dporExtra = {
          ...(o.races ? { raceCensus: true } : {}),
          ...(o.minimize ? {} : { minimize: false }),
          ...(checkpoint ? { checkpoint } : {}),
        };
        const result = await withRun(budget, (hooks) =>
          workers > 1 && sampling
            ? runTargetOnWorkers(
                p,
                target,
                budget,
                workers,
                hooks,
                o.minimize ? {} : { minimize: false },
                note,
              )
            : workers > 1
              ? runTargetOnDporWorkers(p, target, budget, workers, hooks, dporExtra, note)
              : runTarget(p, target, budget, hooks, dporExtra),
        );
        if (o.checkpoint) {
          finishCheckpoint(o.checkpoint, result.complete);
          if (!result.complete)
            note(
              `faultline: stopped after ${result.stats.executions} executions; saved in ${o.checkpoint}: run the same command to go on`,
            );
        }
        const interrupted = result.stopReason === 'interrupted';
        if (o.finding !== undefined && o.finding > result.findings.length)
          note(
            `faultline: --finding ${o.finding}: there ${result.findings.length === 1 ? 'is' : 'are'} only ${result.findings.length}`,
          );
        out(renderCheck({ provider: p, target, result, interrupted, only: o.finding }, o.format, style));
        if (o.traceOut) {
          const written = writeTraceFiles(p, target, result.findings, o.traceOut);
          note(
            written.length
              ? `trace written: ${written.join(', ')}`
              : 'no trace written: no finding has an execution to record',
          );
        }
        setCode(interrupted ? EXIT.interrupted : result.findings.length ? EXIT.found : EXIT.ok);
      },
    );

  // matrix ------------------------------------------------------------------------------------
  planOptions(
    budgetOptions(
      scenarioSettingOptions(program.command('matrix'))
        .description(
          'the main job: every scenario on every kernel version and filesystem; rows are findings, columns versions',
        )
        .option('--kernels <list>', "'all' or a comma-separated list of versions", list)
        .option('--fs <list>', "'all' or a comma-separated list of filesystems", list)
        .option(
          '--scenarios <list>',
          "'suite' (the built-in scenarios) or scenario names and files, comma-separated",
          list,
        ),
    )
      .addOption(formatOption(['text', 'json', 'markdown']))
      .option(
        '--workers <n>',
        'worker threads running the matrix (default: the number of cores); the result is the same for every n',
        integer('--workers', 1),
      )
      .option('--fail-on-findings', 'exit 1 when there is any finding'),
  )
    .addHelpText(
      'after',
      '\nExit status: 0 when the matrix ran to completion (findings are its output; 1 with --fail-on-findings),\n' +
        '2 bad usage or input, 130 interrupted (partial results printed, checkpoint kept).',
    )
    .action(
      async (
        o: BudgetOpts & {
          kernels?: string[];
          fs?: string[];
          scenarios?: string[];
          format: Format;
          checkpoint?: string;
          checkpointEvery?: number;
          workers?: number;
          failOnFindings?: boolean;
          shard?: Shard;
          out?: string;
          timings?: boolean;
          maxFaults?: number;
          mmuWalk?: string;
        },
      ) => {
        const p = await provider();
        const all = (v: string[] | undefined, word: string) =>
          v === undefined || (v.length === 1 && v[0] === word);
        const plan: MatrixPlan = {
          kernels: all(o.kernels, 'all') ? p.versions : o.kernels!.map((k) => resolveKernel(p, k)),
          filesystems: all(o.fs, 'all') ? p.filesystems : o.fs!.map((f) => checkFs(p, f)),
          scenarios: (all(o.scenarios, 'suite')
            ? p.scenarios.map((scenario) => ({ scenario, ref: scenario.name }))
            : o.scenarios!.map((ref) => ({ scenario: resolveScenario(p, ref), ref }))
          ).map(({ scenario, ref }) => ({ scenario: scenarioWith(p, scenario, o), ref })),
          ...settingsOf({ maxFaults: o.maxFaults, mmuWalk: o.mmuWalk }),
        };
        if (!plan.scenarios.length)
          throw new UsageError(`no scenarios to run (the ${p.name} provider has no built-in suite)`);
        const budget = budgetOf(o);
        const m = await runPlan(
          p,
          plan,
          budget,
          o,
          'matrix',
          (c) => `${c.target.kernel.name} ${c.target.fs} ${c.target.scenario.name}`,
        );
        setCode(planExitCode('matrix', m, o.failOnFindings));
      },
    );

  // bisect ------------------------------------------------------------------------------------
  budgetOptions(
    scenarioSettingOptions(
      program
        .command('bisect')
        .description(
          'walk the patch series and name the first patch that introduces (or --fixed: removes) a finding',
        )
        .requiredOption('--scenario <scenario>', 'built-in scenario name or scenario file')
        .option('--fs <fs>', "filesystem (default: the scenario's, else the first)")
        .option(
          '--good <version>',
          'a version without the finding (default: the oldest; with --fixed: the newest)',
        )
        .option(
          '--bad <version>',
          'a version with the finding (default: the newest; with --fixed: the oldest)',
        )
        .option('--fixed', 'look for the patch that removes the finding instead')
        .option(
          '--finding <text>',
          'only findings whose signature (kind|locks|functions) contains this text',
        ),
    ),
  )
    .addOption(formatOption(['text', 'json', 'markdown']))
    .addHelpText(
      'after',
      '\nExit status: 0 a patch was named, 1 no finding differs between the two versions, 2 bad usage or input,\n130 interrupted.',
    )
    .action(
      async (
        o: BudgetOpts & {
          scenario: string;
          fs?: string;
          good?: string;
          bad?: string;
          fixed?: boolean;
          finding?: string;
          maxFaults?: number;
          mmuWalk?: string;
          format: Format;
        },
      ) => {
        const p = await provider();
        const scenario = resolveScenario(p, o.scenario);
        const budget = budgetOf(o);
        const req = {
          scenario,
          scenarioRef: o.scenario,
          fs: resolveFs(p, scenario, o.fs),
          good: o.good,
          bad: o.bad,
          fixed: o.fixed === true,
          finding: o.finding,
          maxFaults: o.maxFaults,
          mmuWalk: o.mmuWalk,
        };
        const b = await withRun(budget, (hooks) =>
          runBisect(p, req, budget, {
            ...hooks,
            onStep: (k, n, kernel) => hooks.unit(k, n + 1, kernel.name),
          }),
        );
        out(renderBisect(p, b, o.format, style));
        setCode(b.interrupted ? EXIT.interrupted : b.culprits.length ? EXIT.ok : EXIT.found);
      },
    );

  // replay ------------------------------------------------------------------------------------
  tokenTargetOptions(
    program
      .command('replay')
      .description('re-run exactly one execution, from a replay token or a trace file (--trace-out)')
      .argument('<token-or-file>', 'a replay token (fl1:...) or a trace file'),
    'replays',
  )
    .option('--explain', 'narrate the execution step by step in CPU columns, with the locks each CPU holds')
    .addOption(formatOption(['text', 'json', 'markdown', 'mermaid']))
    .addHelpText(
      'after',
      '\nExit status: 0 the execution shows no finding, 1 it shows one, 2 bad usage, or a token that does not\nfit the model.',
    )
    .action(async (arg: string, o: TokenTargetOpts & { explain?: boolean; format: Format }) => {
      let token: string;
      let target: Target;
      let p: Provider;
      if (arg.startsWith('fl1:') || !existsSync(arg)) {
        if (!arg.startsWith('fl1:'))
          throw new UsageError(`'${arg}' is neither a replay token (fl1:...) nor a trace file`);
        token = arg;
        p = await provider();
        target = tokenTargetOf(p, o, 'replaying');
      } else {
        const { trace, context } = readTraceFile(arg);
        if (!context)
          throw new UsageError(
            `${arg} does not say which scenario it ran (no extra.faultline): replay its token with --scenario`,
          );
        token = trace.token;
        const explicit = program.getOptionValueSource('provider') === 'cli';
        p = explicit ? await provider() : await loadProvider(context.provider);
        target = {
          scenario: context.scenario,
          scenarioRef: context.scenarioRef,
          kernel: o.kernel ? resolveKernel(p, o.kernel) : kernelOfTrace(p, context),
          fs: checkFs(p, o.fs ?? context.fs),
        };
        Object.assign(
          target,
          settingsOf({
            maxSteps: o.maxSteps ?? context.maxSteps,
            maxFaults: context.maxFaults,
            mmuWalk: context.mmuWalk,
          }),
        );
        target = withScenarioSettings(p, target, o);
      }
      tokenParts(token); // a malformed token is a usage error, before any model is built
      const result = replayTarget(p, target, token, {
        explain: o.explain === true || o.format === 'mermaid',
        maxStepsPerThread: target.maxSteps,
      });
      out(renderReplay({ provider: p, target, token, result }, o.format, style));
      setCode(result.findings.length ? EXIT.found : EXIT.ok);
    });

  // explore -----------------------------------------------------------------------------------
  planOptions(
    budgetOptions(
      program
        .command('explore')
        .description(
          'the generated scenario space: every multiset of N actions over a small file, for every initial state',
        )
        .requiredOption(
          '--threads <n>',
          'threads (each its own process), one action each',
          integer('--threads', 1),
        )
        .option('--actions <list>', 'action names (default: all; see --help of the provider)', list)
        .option('--kind <kind>', 'page: one page of a 1-page file; pmd: one PMD of a 4-page file', 'page')
        .option(
          '--states <list>',
          'initial block states: hole, hole+cached, unwritten, written (default: all)',
          list,
        )
        .option('--kernel <version>', 'kernel version (default: the newest)')
        .option('--fs <fs>', 'filesystem (default: the first)')
        .option(
          '--max-faults <n>',
          'faults one load or store may take before it is a livelock finding (default 5); ' +
            'scenario names then end in :f<n>',
          integer('--max-faults', 1),
        )
        .option('--mmu-walk <walk>', MMU_WALK_HELP),
    )
      .addOption(formatOption(['text', 'json', 'markdown']))
      .option(
        '--workers <n>',
        'worker threads (default: the number of cores); same result for every n',
        integer('--workers', 1),
      ),
  )
    .addHelpText(
      'after',
      '\nFindings are deduplicated by signature across the space. Exit status: 0 nothing found, 1 found,\n2 bad usage, 130 interrupted (partial results printed, checkpoint kept).',
    )
    .action(
      async (
        o: BudgetOpts & {
          threads: number;
          actions?: string[];
          kind: string;
          states?: string[];
          kernel?: string;
          fs?: string;
          maxFaults?: number;
          mmuWalk?: string;
          format: Format;
          checkpoint?: string;
          checkpointEvery?: number;
          workers?: number;
          shard?: Shard;
          out?: string;
          timings?: boolean;
        },
      ) => {
        const p = await provider();
        if (!p.scenarioSpace) throw new UsageError(`the ${p.name} provider has no generated scenario space`);
        if (o.kind !== 'page' && o.kind !== 'pmd')
          throw new UsageError(`--kind must be page or pmd, got '${o.kind}'`);
        let scenarios: Scenario[];
        try {
          scenarios = p.scenarioSpace({
            threads: o.threads,
            kind: o.kind,
            actions: o.actions,
            states: o.states,
            ...(o.maxFaults !== undefined ? { maxFaults: o.maxFaults } : {}),
          });
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        const plan: MatrixPlan = {
          kernels: [resolveKernel(p, o.kernel)],
          filesystems: [checkFs(p, o.fs ?? p.filesystems[0])],
          scenarios: scenarios.map((scenario) => ({
            scenario: scenarioWith(p, scenario, { mmuWalk: o.mmuWalk }),
            ref: scenario.name,
          })),
          ...settingsOf({ mmuWalk: o.mmuWalk }),
        };
        const budget = budgetOf(o);
        const m = await runPlan(p, plan, budget, o, 'explore', (c) => c.target.scenario.name);
        setCode(planExitCode('explore', m));
      },
    );

  // merge -------------------------------------------------------------------------------------
  program
    .command('merge')
    .description(
      "combine the --out files of every shard of a matrix or explore (--shard I/N) into the single run's result",
    )
    .argument('<files...>', 'the shard files, one per shard, in any order')
    .addOption(formatOption(['text', 'json', 'markdown']))
    .option('--no-timings', 'leave run times (elapsedMs) out of the JSON: equal results print equal bytes')
    .option('--fail-on-findings', 'for a matrix: exit 1 when there is any finding')
    .addHelpText(
      'after',
      '\nPrints what one run of the whole plan prints, runs in plan order. Exit status: that of the command\n' +
        'the shards ran (matrix: 0, 1 with --fail-on-findings; explore: 1 when something was found), 2 when\n' +
        'the files are not the N shards of one plan (one missing or given twice, another plan), 130 when a\n' +
        'shard was interrupted (the runs it finished are merged).',
    )
    .action((files: string[], o: PlanOutputOpts & { failOnFindings?: boolean }) => {
      const { command, result } = mergeShards(files);
      printPlan(result, o, command);
      setCode(planExitCode(command, result, o.failOnFindings));
    });

  // graph -------------------------------------------------------------------------------------
  budgetOptions(
    program
      .command('graph')
      .description(
        "lockdep's lock dependency graph over every execution of the scenarios on one kernel and filesystem",
      )
      .option('--kernel <version>', 'kernel version (default: the newest)')
      .option('--fs <fs>', 'filesystem (default: the first)')
      .option(
        '--scenarios <list>',
        "'suite' (the built-in scenarios) or scenario names and files, comma-separated",
        list,
      ),
  )
    .addOption(new Option('--format <format>', 'output format').choices(['dot', 'svg']).default('dot'))
    .addHelpText(
      'after',
      '\nEdges read "held -> taken", labelled with lockdep\'s kinds (E/S holder, N/R acquirer) and the\nfunction that first took the lock; edges on a cycle are red.',
    )
    .action(
      async (
        o: BudgetOpts & { kernel?: string; fs?: string; scenarios?: string[]; format: 'dot' | 'svg' },
      ) => {
        const p = await provider();
        const kernel = resolveKernel(p, o.kernel);
        const fs = checkFs(p, o.fs ?? p.filesystems[0]);
        const refs =
          o.scenarios === undefined || (o.scenarios.length === 1 && o.scenarios[0] === 'suite')
            ? p.scenarios.map((s) => s.name)
            : o.scenarios;
        const targets: Target[] = refs
          .map((ref) => ({ scenario: resolveScenario(p, ref), scenarioRef: ref }))
          .filter(({ scenario }) => scenario.fs === undefined || scenario.fs === fs)
          .map(({ scenario, scenarioRef }) => ({ scenario, scenarioRef, kernel, fs }));
        const budget = budgetOf(o);
        const { runGraph, dotToSvg } = await import('./graph.js');
        const g = await withRun(budget, (hooks) => runGraph(p, targets, budget, hooks));
        out(o.format === 'svg' ? await dotToSvg(g.dot) : g.dot);
        if (g.incomplete.length)
          note(`faultline graph: stopped by the budget (graph may be partial): ${g.incomplete.join(', ')}`);
      },
    );

  // view --------------------------------------------------------------------------------------
  tokenTargetOptions(
    program
      .command('view')
      .description('open the trace viewer on a trace file, a replay token, or a matrix result (--matrix)')
      .argument('[token-or-file]', 'a trace file (--trace-out) or a replay token (fl1:...)')
      .option('--matrix <file>', "a matrix result written by 'faultline matrix --format json'"),
    'is viewed',
  )
    .option('--port <n>', 'port on 127.0.0.1 (default: a free one)', integer('--port', 0))
    .option('--web-root <dir>', 'the built page (default: dist/web of this package)')
    .addHelpText(
      'after',
      '\nThe page needs `npm run build` (or `npm run build:web`) first. Ctrl-C stops the server.',
    )
    .action(
      async (
        arg: string | undefined,
        o: TokenTargetOpts & { matrix?: string; port?: number; webRoot?: string },
      ) => {
        const { startViewServer } = await import('./view.js');
        const { occurrenceTrace, readMatrixFile, traceForToken } = await import('./view-command.js');
        let opts: Parameters<typeof startViewServer>[0];
        if (o.matrix) {
          const matrix = readMatrixFile(o.matrix);
          const p = await provider();
          opts = { matrix, traceFor: (occ) => occurrenceTrace(p, occ) };
        } else if (arg && !arg.startsWith('fl1:') && existsSync(arg)) {
          opts = { trace: readTraceFile(arg).trace };
        } else if (arg?.startsWith('fl1:')) {
          tokenParts(arg);
          const p = await provider();
          opts = { trace: traceForToken(p, tokenTargetOf(p, o, 'viewing'), arg) };
        } else
          throw new UsageError(
            arg
              ? `'${arg}' is neither a replay token (fl1:...) nor a trace file`
              : 'view needs a trace file, a token or --matrix FILE',
          );
        let server: Awaited<ReturnType<typeof startViewServer>>;
        try {
          server = await startViewServer({ ...opts, port: o.port, webRoot: o.webRoot });
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        out(`faultline view: ${server.url}  (Ctrl-C to stop)\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
      },
    );

  return program;
}

interface RunHooksWithUnit {
  shouldStop: () => boolean;
  onProgress: (p: ProgressUpdate) => void;
  unit: ProgressLine['unit'];
}

/** Run the command line; returns the exit status. Errors for the user never escape as stacks. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(ctx, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (e instanceof ScenarioFileError) {
      // Compiler-style lines (file:line:column: field: message), then what it means.
      ctx.stderr.write(
        `${e.message}\nfaultline: ${e.file}: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}; nothing ran\n`,
      );
      return EXIT.usage;
    }
    if (e instanceof UsageError || e instanceof TokenError || e instanceof ReplayMismatch) {
      ctx.stderr.write(`faultline: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
