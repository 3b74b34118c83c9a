/** What the figures were measured on, for results.json and the printed header. */
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  freeMemoryGb: number;
  /** 1, 5 and 15 minute load averages when the run started (other work on the machine skews timings). */
  loadAverage: number[];
  node: string;
  os: string;
}

/** Cores, CPU, memory, Node version and load average of this machine, now. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  const gb = (bytes: number) => Math.round((bytes / 1024 ** 3) * 10) / 10;
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGb: gb(totalmem()),
    freeMemoryGb: gb(freemem()),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    os: `${platform()} ${release()}`,
  };
}
