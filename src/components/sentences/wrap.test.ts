/**
 * Soft wraps (issue 9, item 6): a line break that a fixed-width editor put inside a sentence does not
 * end it, even when the next line starts with `(`, a capitalized word or a number; a line that ends
 * where its writer ended it still does. Example notes are ours.
 */
import { describe, expect, it } from 'vitest';
import { normalize } from '../../doc/normalize.js';
import { fileResourceContext } from '../../resources.js';
import { loadSectionMatcher } from '../sections/index.js';
import { sectionize } from '../sections/sectionize.js';
import { loadAbbreviations } from './abbreviations.js';
import { layoutOf, sentencesOf } from './index.js';
import { lineLengthBefore, NO_LAYOUT, SentenceSplitter, textLayout, wrapWidth } from './split.js';

const splitter = new SentenceSplitter(loadAbbreviations(fileResourceContext()));
const matcher = loadSectionMatcher(fileResourceContext());

function units(text: string): string[] {
  return splitter.split(text).map((u) => text.slice(u.start, u.end));
}

/** Units of the whole component path: normalize, sectionize, split by section. */
function componentUnits(text: string): string[] {
  const view = normalize(text);
  return sentencesOf(splitter, view, sectionize(view, matcher)).map((u) => text.slice(u.start, u.end));
}

// A paragraph wrapped at 65 columns (every break falls where the next word would not fit).
const WRAPPED = [
  'Mr. Doe is a retired carpenter admitted after three days of worse',
  '(per his daughter) shortness of breath and new ankle swelling. In',
  'the emergency room he was given intravenous furosemide and then',
  'Lasix by mouth with good effect. His weight fell by 4 kilograms.',
  'An echocardiogram on the third day showed an ejection fraction of',
  '35 percent. He will see cardiology in two weeks for a review.',
].join('\n');

const WRAPPED_UNITS = [
  'Mr. Doe is a retired carpenter admitted after three days of worse\n(per his daughter) shortness of breath and new ankle swelling.',
  'In\nthe emergency room he was given intravenous furosemide and then\nLasix by mouth with good effect.',
  'His weight fell by 4 kilograms.',
  'An echocardiogram on the third day showed an ejection fraction of\n35 percent.',
  'He will see cardiology in two weeks for a review.',
];

describe('wrap width of a note', () => {
  const line = (n: number): string => 'w'.repeat(n);
  const cases: [string, string, number][] = [
    ['a wrapped paragraph', WRAPPED, 65],
    ['short lines (a list)', 'Chest pain\nShortness of breath\nNo fever.', 0],
    ['one long line and one short line: no evidence of a wrap', `${line(70)}\nDone.`, 0],
    ['lines under 40 characters are never a wrap width', [line(38), line(36), line(37)].join('\n'), 0],
    [
      'a pasted long line among ten wrapped ones',
      [...Array.from({ length: 9 }, (_, i) => line(60 - (i % 4))), 'x'.repeat(300)].join('\n'),
      60,
    ],
    ['CRLF line ends and trailing spaces are not counted', `${line(50)}  \r\n${line(49)}\r\nEnd.`, 50],
    ['no line break at all', line(70), 0],
  ];
  it.each(cases)('%s', (_name, text, width) => {
    expect(wrapWidth(text)).toBe(width);
  });

  it('measures the line before a line break as written', () => {
    expect(lineLengthBefore('ab\ncdef  \ngh', 8)).toBe(4);
    expect(lineLengthBefore('abc\n', 3)).toBe(3);
    expect(textLayout('Chest pain\nNo fever.')).toBe(NO_LAYOUT);
  });
});

describe('soft wraps are not sentence ends', () => {
  it('joins lines that go on with "(", a capitalized word or a number, and keeps real ends', () => {
    expect(units(WRAPPED)).toEqual(WRAPPED_UNITS);
  });

  it('does the same through the component (the normalizer joined some lines already)', () => {
    expect(componentUnits(WRAPPED)).toEqual(WRAPPED_UNITS);
  });

  it('reads the layout in the original text when normalization changed lengths (CRLF)', () => {
    const crlf = WRAPPED.replace(/\n/g, '\r\n');
    expect(componentUnits(crlf)).toEqual(WRAPPED_UNITS.map((u) => u.replace(/\n/g, '\r\n')));
    const view = normalize(crlf);
    expect(view.isIdentityMap).toBe(false);
    expect(layoutOf(view).width).toBe(65);
  });

  it('joins after a period that did not end the sentence (an abbreviation)', () => {
    const text = [
      'The patient was referred for a second opinion on her knee by Dr.',
      'North after a fall on the ice last winter, and she reports pain.',
      'She walks with a cane and the swelling is worse in the evenings.',
    ].join('\n');
    expect(units(text)).toEqual([
      'The patient was referred for a second opinion on her knee by Dr.\nNorth after a fall on the ice last winter, and she reports pain.',
      'She walks with a cane and the swelling is worse in the evenings.',
    ]);
  });
});

describe('line ends that stay', () => {
  // each text is wrapped at about 64 columns; the break under test is after the first line
  const rows: [string, string, string[]][] = [
    [
      'a sentence end at the line end',
      'He has had a dry cough for three weeks without fever or chills.\nThe chest x-ray today is clear and his oxygen saturation is good.',
      [
        'He has had a dry cough for three weeks without fever or chills.',
        'The chest x-ray today is clear and his oxygen saturation is good.',
      ],
    ],
    [
      'a short line without punctuation (a fragment)',
      'Chest pain\nThe chest x-ray today is clear and his oxygen saturation is good.\nHe has had a dry cough for three weeks without any fever or chill.',
      [
        'Chest pain',
        'The chest x-ray today is clear and his oxygen saturation is good.',
        'He has had a dry cough for three weeks without any fever or chill.',
      ],
    ],
    [
      'a full line ending with a colon',
      'The following medications were reviewed with him in the clinic:\nAspirin and metoprolol are to be continued at the same doses now.',
      [
        'The following medications were reviewed with him in the clinic:',
        'Aspirin and metoprolol are to be continued at the same doses now.',
      ],
    ],
    [
      'the next line starts a list item',
      'The plan was discussed at length with the patient and his family\n- Continue aspirin and metoprolol at the same doses for now ok\n2. Repeat the echocardiogram in three months and review results',
      [
        'The plan was discussed at length with the patient and his family',
        '- Continue aspirin and metoprolol at the same doses for now ok',
        '2. Repeat the echocardiogram in three months and review results',
      ],
    ],
    [
      'the next line is a label',
      'Vital signs were taken by the nurse at the start of the visit and\nBP: 128/76 and the pulse was 72 and regular at rest in the chair',
      [
        'Vital signs were taken by the nurse at the start of the visit and',
        'BP: 128/76 and the pulse was 72 and regular at rest in the chair',
      ],
    ],
    [
      'a note that is not wrapped (two lines only)',
      'Mr. Doe is a retired carpenter admitted after three days of worse\nLasix helped.',
      ['Mr. Doe is a retired carpenter admitted after three days of worse', 'Lasix helped.'],
    ],
  ];
  it.each(rows)('%s', (_name, text, expected) => {
    expect(units(text)).toEqual(expected);
  });
});

describe('headers inside the wrapped text', () => {
  it('keeps a header after a sentence on the same line as its own unit', () => {
    expect(componentUnits('HPI: The patient is stable. Plan: continue current medications.')).toEqual([
      'HPI:',
      'The patient is stable.',
      'Plan:',
      'continue current medications.',
    ]);
  });

  it('keeps Primary: / Secondary: groups as header units inside the diagnosis list', () => {
    expect(
      componentUnits('Discharge Diagnoses:\nPrimary: Community acquired pneumonia\nSecondary: Gout'),
    ).toEqual(['Discharge Diagnoses:', 'Primary:', 'Community acquired pneumonia', 'Secondary:', 'Gout']);
  });
});
