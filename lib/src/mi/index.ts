// mi: mutual information estimators. Every value is in nats.
export * from './matrix';
