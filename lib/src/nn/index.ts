// nn: see the files in this folder.
export {};
