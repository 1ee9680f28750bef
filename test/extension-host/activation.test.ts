// Runs first (see index.ts) so that activate() below is the extension's first activation in this host.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { OssPresignApi } from '../../src/extension';
import { getExtension } from './helpers';

const COMMAND_PREFIX = 'ossPresign.';
/** The budget on VS Code 1.100; activation is on the critical path of every command, so keep it in check. */
const ACTIVATION_BUDGET_MS = 50;

interface PerfMark {
  name: string;
  startTime: number;
}

/**
 * The extension's own share of activation, as VS Code's "Running Extensions" view counts it: loading its code plus
 * running activate(). Read from the performance marks the extension host sets around both steps
 * (code/extHost/{will,did}LoadExtensionCode/<id> and {will,did}ActivateExtension/<id>). They are internal to VS Code,
 * so undefined when a host version stops setting them.
 */
function ownActivationMs(id: string): { loadMs: number; activateMs: number } | undefined {
  const perf = (globalThis as { MonacoPerformanceMarks?: { getMarks(): PerfMark[] } }).MonacoPerformanceMarks;
  const marks = new Map((perf?.getMarks() ?? []).map((m) => [m.name, m.startTime]));
  const at = (what: string) => marks.get(`code/extHost/${what}/${id}`);
  const [willLoad, didLoad, willActivate, didActivate] = [
    'willLoadExtensionCode',
    'didLoadExtensionCode',
    'willActivateExtension',
    'didActivateExtension',
  ].map(at);
  if (willLoad === undefined || didLoad === undefined || willActivate === undefined || didActivate === undefined)
    return undefined;
  return { loadMs: didLoad - willLoad, activateMs: didActivate - willActivate };
}

/** Share of the machine's CPU time that was idle over `ms`, from the kernel's per-core counters. */
async function idleShare(ms: number): Promise<number> {
  const total = () =>
    os
      .cpus()
      .reduce(
        (t, c) => ({ idle: t.idle + c.times.idle, all: t.all + Object.values(c.times).reduce((a, b) => a + b, 0) }),
        { idle: 0, all: 0 },
      );
  const a = total();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = total();
  return b.all > a.all ? (b.idle - a.idle) / (b.all - a.all) : 1;
}

/**
 * Waits (at most `maxMs`) until at least half of the machine is idle. The suites start while the workbench, the
 * browser and the other built-in extensions are still starting on the same 2 cores: activating then times the
 * machine, not the extension.
 */
async function settle(maxMs: number): Promise<number> {
  const until = performance.now() + maxMs;
  let idle = await idleShare(250);
  while (idle < 0.5 && performance.now() < until) idle = await idleShare(250);
  return idle;
}

interface ContributedCommand {
  command: string;
  title: string;
}

/** True when version (x.y.z) satisfies a `>=a.b.c` range, the only form undici's engines field uses. */
function satisfiesMinimum(version: string, range: string): boolean {
  const match = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
  assert.ok(match, `unsupported engines range "${range}": extend satisfiesMinimum() to parse it`);
  const want = match.slice(1).map(Number);
  const have = version.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (have[i] !== want[i]) return have[i] > want[i];
  }
  return true;
}

suite('activation', () => {
  let ext: vscode.Extension<OssPresignApi>;
  let api: OssPresignApi;
  let activationMs: number | undefined;
  /** The bundled libraries in the module cache right after this suite activated the extension (undefined: it was already active). */
  let vendorLoadedByActivation: string[] | undefined;
  /** Idle share of the machine just before activating (see settle). */
  let idleAtStart: number | undefined;

  suiteSetup(async () => {
    ext = getExtension();
    console.log(
      `host: VS Code ${vscode.version}, Node ${process.versions.node}, appHost=${vscode.env.appHost}, ` +
        `uiKind=${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'}, remoteName=${vscode.env.remoteName}`,
    );
    let measured: { wallMs: number; cpuMs: number } | undefined;
    if (ext.isActive) {
      // An activation event fired before this suite loaded; only the extension host's own marks remain.
      api = ext.exports;
    } else {
      idleAtStart = await settle(15_000);
      const wallStart = performance.now();
      const cpuStart = process.cpuUsage();
      api = await ext.activate();
      const cpu = process.cpuUsage(cpuStart);
      measured = { wallMs: performance.now() - wallStart, cpuMs: (cpu.user + cpu.system) / 1000 };
      vendorLoadedByActivation = Object.keys(require.cache).filter((file) =>
        file.startsWith(path.join(ext.extensionPath, 'dist', 'vendor')),
      );
    }
    const own = ownActivationMs(ext.id);
    // Both figures over-count: VS Code's wall-clock marks also count the other processes on a loaded 2-core
    // machine, and the process CPU time also counts whatever else the extension host (its other threads, other
    // extensions) did meanwhile. Each is an upper bound of the extension's own cost, so the budget is checked
    // against the smaller one.
    const bounds = [measured?.cpuMs, own && own.loadMs + own.activateMs].filter((v): v is number => v !== undefined);
    activationMs = bounds.length ? Math.round(Math.min(...bounds)) : undefined;
    const details = [
      measured &&
        `${Math.round(measured.cpuMs)} ms CPU and ${Math.round(measured.wallMs)} ms wall in ext.activate(), which includes VS Code creating the ExtensionContext`,
      own &&
        `wall per VS Code's marks: loading dist/extension.js ${Math.round(own.loadMs)} ms + activate() ${Math.round(own.activateMs)} ms`,
      idleAtStart !== undefined && `${Math.round(idleAtStart * 100)}% of the CPUs idle just before`,
      `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`,
    ].filter(Boolean);
    console.log(
      `activation: ${activationMs === undefined ? 'not measured' : `${activationMs} ms`} (${details.join('; ')})`,
    );
  });

  test('the extension activates and returns its API', () => {
    assert.equal(ext.isActive, true);
    assert.ok(api, 'activate() returned no API');
  });

  // Measured and reported against the budget, not asserted: a timed assertion fails on a loaded machine for
  // reasons that have nothing to do with the code (DEVELOPERS.md: timed assertions do not belong in tests).
  test('activation is measured and reported against the budget', function () {
    if (activationMs === undefined) this.skip();
    console.log(
      `activation budget: ${activationMs} ms of ${ACTIVATION_BUDGET_MS} ms (${activationMs < ACTIVATION_BUDGET_MS ? 'within' : 'OVER'} budget)`,
    );
    assert.ok(Number.isFinite(activationMs) && activationMs > 0, `no activation time was measured (${activationMs})`);
  });

  // undici and the XML and MIME parsers are most of the code: core loads them on its first request, not on activation.
  test('activation does not load the bundled libraries (dist/vendor/)', function () {
    if (vendorLoadedByActivation === undefined) this.skip();
    assert.deepEqual(
      vendorLoadedByActivation,
      [],
      'activate() loaded a library of dist/vendor/: something on the activation path sends a request or parses',
    );
  });

  // activate() returns core itself (src/extension.ts): the same functions and classes as dist/core.js.
  test('the API is dist/core.js: the same exports, the same functions and classes', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the shipped bundle, loaded by path
    const core = require(path.join(ext.extensionPath, 'dist', 'core.js')) as Record<string, unknown>;
    const exposed = api as unknown as Record<string, unknown>;
    assert.deepEqual(Object.keys(exposed).sort(), Object.keys(core).sort());
    for (const [name, value] of Object.entries(core)) assert.equal(exposed[name], value, name);
    const { url } = api.presignPut({
      provider: 's3',
      endpoint: 'https://s3.us-east-1.amazonaws.com',
      region: 'us-east-1',
      accessKeyId: 'AKIDEXAMPLE',
      accessKeySecret: 'secret',
      bucket: 'bucket',
      key: 'k',
      expiresSeconds: 60,
      date: new Date(0),
    });
    assert.match(url, /^https:\/\/.*X-Amz-Signature=[0-9a-f]{64}/);
    assert.throws(
      () => api.validateExpiry(0),
      (err: unknown) => err instanceof api.ConfigError && err instanceof Error,
      'errors thrown by core are instances of the API classes',
    );
  });

  test('the API exposes presignPut', () => {
    assert.equal(
      typeof (api as Record<string, unknown>).presignPut,
      'function',
      'activate() must return core, which exports presignPut',
    );
  });

  test('every command in package.json is registered', async () => {
    const contributed: ContributedCommand[] = ext.packageJSON.contributes?.commands ?? [];
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(
      missing,
      [],
      `contributed in package.json but not registered by activate(): ${missing.join(', ')}`,
    );
    console.log(`commands: ${contributed.length} contributed, all registered`);
  });

  test(`every registered ${COMMAND_PREFIX}* command is in package.json`, async () => {
    const contributed = new Set(
      (ext.packageJSON.contributes?.commands ?? []).map((c: ContributedCommand) => c.command),
    );
    // VS Code itself registers <viewId>.focus, .open, .toggleVisibility ... for every contributed view.
    const views: string[] = Object.values<{ id: string }[]>(ext.packageJSON.contributes?.views ?? {})
      .flat()
      .map((v) => `${v.id}.`);
    const registered = (await vscode.commands.getCommands(true)).filter(
      (id) => id.startsWith(COMMAND_PREFIX) && !views.some((prefix) => id.startsWith(prefix)),
    );
    const undeclared = registered.filter((id) => !contributed.has(id));
    assert.deepEqual(undeclared, [], `registered but missing from contributes.commands: ${undeclared.join(', ')}`);
  });

  test("the host's Node satisfies undici's engines", () => {
    const undiciPkg = JSON.parse(
      fs.readFileSync(path.join(ext.extensionPath, 'node_modules', 'undici', 'package.json'), 'utf8'),
    );
    const range: string = undiciPkg.engines.node;
    assert.ok(
      satisfiesMinimum(process.versions.node, range),
      `extension host runs Node ${process.versions.node}, undici ${undiciPkg.version} needs ${range}: raise engines.vscode to a VS Code whose Node satisfies it`,
    );
  });
});
