// Entry module of an ingest worker thread on real hardware: recorder files are plain files on a
// mounted volume. (The simulator's workers start from drivers/sim/sim-ingest-worker.ts instead.)
import { openFileSource } from '../../drivers/mass-storage/file-source.ts';
import { serveIngestRequests } from './ingest-worker-loop.ts';

serveIngestRequests(openFileSource);
