/**
 * Public export file of the pure routing rules (SPEC sections 5, 6, 7 and 9).
 */
export type * from './routing-types.js';
export * from './rep-state.js';
export * from './queue-order.js';
export * from './skill-fit.js';
export * from './ranking.js';
export * from './equilibrium.js';
export * from './waiting-rules.js';
export * from './fallback.js';
export * from './missed-offers.js';
export * from './offer-candidates.js';
