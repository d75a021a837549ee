export { EXIT } from './exit-codes.js';
export { GENERATORS } from './generators.js';
export { type Io, main } from './main.js';
