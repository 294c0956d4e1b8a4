// MINE on LeNet-5 (Tokovenko & Rigter), notebook 004-mine-lenet: the paper's numbers and claims,
// its statistics networks, the profiles, the experiment on the information-plane recorder, and the
// tables, verdicts and results the notebook shows. Exported as the namespace `mineLenet`.
export * from './paper';
export * from './architectures';
export * from './experiment';
export * from './analysis';
export * from './verdicts';
export * from './profiles';
export * from './study';
export * from './results';
