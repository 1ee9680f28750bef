// Measures how long the event loop of this process is held up while something runs: the longest stall, and (on
// Linux) what the main thread did during it. Used by bench/uploadStall.bench.ts (a plain Node process) and by
// test/extension-host/uploadStall.test.ts (the real extension host), so both report the same figures.
//
// Two clocks, because they fail differently:
// - perf_hooks.monitorEventLoopDelay at 1 ms resolution: Node's own histogram of how late its timer fired.
// - a 1 ms interval that records the largest gap between two of its ticks (the wall time the loop could not run
//   a timer), and for that gap the main thread's time on a CPU and waiting for one, from
//   /proc/self/task/<pid>/schedstat. On a busy machine a stall is often the kernel not giving the thread a CPU;
//   the time on a CPU is what the code itself holds the loop for, and the figure to fix.
import { closeSync, openSync, readSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface StallFigures {
  /** monitorEventLoopDelay's maximum, ms. */
  maxDelayMs: number;
  /** Its 99th percentile, ms. */
  p99DelayMs: number;
  /** Largest gap between two ticks of a 1 ms interval, ms (1 ms is the interval itself). */
  maxGapMs: number;
  /** During that gap: the main thread on a CPU, and runnable but waiting for one (Linux; undefined elsewhere). */
  maxGapOnCpuMs?: number;
  maxGapWaitingMs?: number;
  /** Largest time the main thread spent on a CPU between two ticks: the longest stall the code itself caused. */
  maxOnCpuGapMs?: number;
  /** Gaps of 50 ms or more. */
  gapsOver50: number;
  /** Share of the time the event loop was busy (performance.eventLoopUtilization), 0..1. */
  utilization: number;
}

const TICK_MS = 1;

/** The main thread's [time on a CPU, time waiting to run] in ns, or undefined where schedstat is not available. */
function schedstatReader(): { read: () => [number, number] | undefined; close: () => void } {
  let fd: number | undefined;
  try {
    // The main thread's task id is the process id.
    fd = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  } catch {
    return { read: () => undefined, close: () => undefined };
  }
  const buf = Buffer.alloc(128);
  return {
    read: () => {
      // A proc file is generated afresh on every read from offset 0.
      const n = readSync(fd, buf, 0, buf.length, 0);
      const [onCpu, waiting] = buf.toString('latin1', 0, n).split(' ').map(Number);
      return onCpu === undefined || waiting === undefined ? undefined : [onCpu, waiting];
    },
    close: () => closeSync(fd),
  };
}

/** Starts measuring; `stop()` ends it and returns the figures. */
export function watchEventLoop(): { stop: () => StallFigures } {
  const elu = performance.eventLoopUtilization();
  const histogram = monitorEventLoopDelay({ resolution: TICK_MS });
  histogram.enable();
  const sched = schedstatReader();
  let last = performance.now();
  let lastSched = sched.read();
  let maxGap = 0;
  let maxGapSched: [number, number] | undefined;
  let maxOnCpu = 0;
  let gapsOver50 = 0;
  const tick = () => {
    const now = performance.now();
    const s = sched.read();
    const gap = now - last;
    const delta: [number, number] | undefined = s && lastSched && [s[0] - lastSched[0], s[1] - lastSched[1]];
    if (gap > maxGap) {
      maxGap = gap;
      maxGapSched = delta;
    }
    if (delta && delta[0] > maxOnCpu) maxOnCpu = delta[0];
    if (gap >= 50) gapsOver50++;
    last = now;
    lastSched = s;
  };
  const timer = setInterval(tick, TICK_MS);
  return {
    stop: () => {
      tick();
      clearInterval(timer);
      histogram.disable();
      sched.close();
      const ms = (ns: number) => Math.round(ns / 1e5) / 10;
      return {
        maxDelayMs: ms(histogram.max),
        p99DelayMs: ms(histogram.percentile(99)),
        maxGapMs: Math.round(maxGap * 10) / 10,
        ...(maxGapSched && { maxGapOnCpuMs: ms(maxGapSched[0]), maxGapWaitingMs: ms(maxGapSched[1]) }),
        ...(lastSched && { maxOnCpuGapMs: ms(maxOnCpu) }),
        gapsOver50,
        utilization: Math.round(performance.eventLoopUtilization(elu).utilization * 100) / 100,
      };
    },
  };
}

/** One line for a log: `longest stall 12.3 ms (on CPU 11.0, waiting 0.4); longest on-CPU stall 11.0 ms; ...`. */
export function formatStalls(f: StallFigures): string {
  const split =
    f.maxGapOnCpuMs === undefined ? '' : ` (on CPU ${f.maxGapOnCpuMs} ms, waiting for a CPU ${f.maxGapWaitingMs} ms)`;
  const onCpu = f.maxOnCpuGapMs === undefined ? '' : `; longest on-CPU stall ${f.maxOnCpuGapMs} ms`;
  return `longest stall ${f.maxGapMs} ms${split}${onCpu}; event-loop delay max ${f.maxDelayMs} ms, p99 ${f.p99DelayMs} ms; ${f.gapsOver50} stalls >= 50 ms; loop busy ${Math.round(f.utilization * 100)}% of the time`;
}
