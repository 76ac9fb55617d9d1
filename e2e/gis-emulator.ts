// The published fixture, from its source: packages/gis-emulator (npm
// @scopewise/gis-emulator). Specs here import it through this file.
export * from '../packages/gis-emulator/src/index';
