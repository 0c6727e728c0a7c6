/**
 * Corpus readers, shared by evaluation (`clinote eval`) and training (`clinote train`): brat
 * standoff, CoNLL/IOB, PubTator, the NegEx TSV and BioScope XML. Each keeps going on bad lines and
 * reports them; offsets are JavaScript (UTF-16) offsets. See docs/eval.md, "Readers".
 */
export * from './bioscope.js';
export * from './brat.js';
export * from './conll.js';
export * from './negex.js';
export * from './offsets.js';
export * from './pubtator.js';
