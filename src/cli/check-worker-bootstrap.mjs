// Starts a `check --workers` worker from the TypeScript sources (development and tests): tsx
// must be registered inside the worker first (see worker-bootstrap.mjs).
import { register } from 'tsx/esm/api';

register();
await import(new URL('./check-worker.ts', import.meta.url).href);
