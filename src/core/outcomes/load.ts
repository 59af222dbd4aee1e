/** The file, at the repository's root, that maps code areas to outcomes (DESIGN.md). Read it with readOutcomesFile. */
export const OUTCOMES_FILE = 'outcomes.yaml';
