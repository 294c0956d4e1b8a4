// MMIM (Xie & Hou 2021), notebook 000-mmim: Fashion-MNIST, the paper's networks, penalties C1-C6
// and RDM, the two-step method, Table 1 and the paper's claims. Exported as the namespace `mmim`
// (mmim.loadData, mmim.runStudy, mmim.table, ...).
export * from './penalties';
export * from './experiment';
export * from './data';
export * from './study';
export * from './table';
export * from './curves';
export * from './identity';
