// Entry module of an ingest worker thread for simulated recorders (make demo, tests): files are
// opened through the simulator's opener, which applies the read faults a test planned. Like
// agent/main.ts it is a composition point: only it and main.ts name the simulator, and main.ts
// starts workers from here only when the hardware is the simulator.
import { openSimSource } from '../../drivers/sim/sim-source.ts';
import { serveIngestRequests } from './ingest-worker-loop.ts';

serveIngestRequests(openSimSource);
