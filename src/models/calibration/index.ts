/** Calibration: temperature scaling, expected calibration error, reliability diagrams as PNG. */
export * from './ece.js';
export * from './png.js';
export * from './reliability.js';
export * from './search.js';
export * from './temperature.js';
