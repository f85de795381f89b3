// faultline's library API. See README "Writing your own model".
export * from './engine/index.js';
