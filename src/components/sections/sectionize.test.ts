import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize } from '../../doc/normalize.js';
import type { Section } from '../../doc/types.js';
import { fileResourceContext } from '../../resources.js';
import { loadSectionMatcher } from './index.js';
import {
  DEFAULT_SECTIONIZE_OPTIONS,
  RULE_PREAMBLE,
  RULE_UNKNOWN,
  type SectionizeOptions,
  sectionize,
} from './sectionize.js';

const matcher = loadSectionMatcher(fileResourceContext());

function run(text: string, options: Partial<SectionizeOptions> = {}): Section[] {
  const sections = sectionize(normalize(text), matcher, { ...DEFAULT_SECTIONIZE_OPTIONS, ...options });
  checkInvariants(text, sections);
  return sections;
}

/** [category, header text, parent index] per section; the parent only when there is one. */
function summary(sections: Section[]): (string | number | null)[][] {
  return sections.map((s) =>
    s.parent === undefined
      ? [s.category, s.header?.text ?? null]
      : [s.category, s.header?.text ?? null, s.parent],
  );
}

function body(text: string, s: Section): string {
  return text.slice(s.bodyStart, s.end);
}

/** What every sections layer must satisfy. */
function checkInvariants(text: string, sections: Section[]): void {
  if (sections.length === 0) {
    expect(text.trim()).toBe('');
    return;
  }
  const first = sections[0]!;
  if (first.category === 'preamble') {
    expect(first.start).toBe(0);
    expect(first.header).toBeNull();
    expect(first.evidence.rule).toBe(RULE_PREAMBLE);
  } else {
    expect(text.slice(0, first.start).trim()).toBe('');
  }
  expect(sections.at(-1)!.end).toBe(text.length);
  sections.forEach((s, i) => {
    expect(s.start).toBeLessThanOrEqual(s.end);
    expect(s.evidence.component).toBe('sections');
    expect(s.evidence.rule).toBeTruthy();
    if (i > 0) expect(s.start).toBe(sections[i - 1]!.end);
    if (s.header) {
      expect(s.header.start).toBe(s.start);
      expect(s.header.end).toBeGreaterThan(s.header.start);
      expect(s.header.text).toBe(text.slice(s.header.start, s.header.end));
      expect(s.header.text).toBe(s.header.text.trim());
      expect(s.bodyStart).toBeGreaterThanOrEqual(s.header.end);
      expect(s.bodyStart).toBeLessThanOrEqual(s.end);
      if (s.category === 'other') expect(s.evidence.rule).toBe(RULE_UNKNOWN);
    } else {
      expect(s.category).toBe('preamble');
      expect(i).toBe(0);
    }
    if (s.parent !== undefined) {
      expect(s.parent).toBeLessThan(i);
      expect(sections[s.parent]!.parent).toBeUndefined();
      for (let k = s.parent + 1; k < i; k++) expect(sections[k]!.parent).toBe(s.parent);
    }
  });
}

describe('whole notes', () => {
  it('reads MTSamples-style comma text (HEADER:, and .,NEXT)', () => {
    const text =
      'CHIEF COMPLAINT:,  Cough for three days.,HISTORY OF PRESENT ILLNESS:,  The patient is a 54-year-old man ' +
      'with a dry cough.  No fever.,PHYSICAL EXAMINATION:,  VITAL SIGNS:  Temperature 98.4, pulse 78.,HEENT:  ' +
      'Unremarkable.  NECK:  Supple.  LUNGS:  Scattered wheezes.,ASSESSMENT:,  Acute bronchitis.,PLAN:,  ' +
      'Supportive care. ,FOLLOW-UP:,  In one week.';
    const s = run(text);
    expect(summary(s)).toEqual([
      ['chief_complaint', 'CHIEF COMPLAINT'],
      ['hpi', 'HISTORY OF PRESENT ILLNESS'],
      ['physical_exam', 'PHYSICAL EXAMINATION'],
      ['vital_signs', 'VITAL SIGNS', 2],
      ['heent', 'HEENT', 2],
      ['neck', 'NECK', 2],
      ['lungs', 'LUNGS', 2],
      ['assessment', 'ASSESSMENT'],
      ['plan', 'PLAN'],
      ['follow_up', 'FOLLOW-UP'],
    ]);
    expect(body(text, s[0]!)).toBe('Cough for three days.,');
    expect(body(text, s[5]!)).toBe('Supple.  ');
    expect(s[0]!.evidence).toEqual({
      component: 'sections',
      rule: 'chief_complaint.written',
      detail: 'exact',
    });
  });

  it('reads inline headers with the body on the same line', () => {
    const text =
      'HPI: 45 yo M with chest pain x2 days.\nPMH: HTN, DM2.\nMeds: lisinopril, metformin.\n' +
      'Allergies: NKDA.\nA/P: Chest pain, likely musculoskeletal. Follow up in 1 week.\n';
    const s = run(text);
    expect(summary(s)).toEqual([
      ['hpi', 'HPI'],
      ['past_medical_history', 'PMH'],
      ['medications', 'Meds'],
      ['allergies', 'Allergies'],
      ['assessment_and_plan', 'A/P'],
    ]);
    expect(body(text, s[0]!)).toBe('45 yo M with chest pain x2 days.\n');
    expect(s[4]!.end).toBe(text.length);
  });

  it('reads numbered headers, arabic and roman', () => {
    const text =
      '1. HPI: Fall at home.\n2. Past Medical History: Osteoporosis.\nII. Assessment: Hip fracture.\n' +
      'III. Plan: Orthopedics consult.';
    expect(summary(run(text))).toEqual([
      ['hpi', '1. HPI'],
      ['past_medical_history', '2. Past Medical History'],
      ['assessment', 'II. Assessment'],
      ['plan', 'III. Plan'],
    ]);
  });

  it('reads underlined headers, known or not', () => {
    const text =
      'History of Present Illness\n--------------------------\nThe patient has a rash.\n\n' +
      'Physical Examination\n====================\nAlert.\n\nSome Unusual Heading\n--------------------\nText.\n';
    const s = run(text);
    expect(summary(s)).toEqual([
      ['hpi', 'History of Present Illness'],
      ['physical_exam', 'Physical Examination'],
      ['other', 'Some Unusual Heading'],
    ]);
    expect(body(text, s[0]!)).toBe('The patient has a rash.\n\n');
    expect(s[2]!.evidence.detail).toBe('unknown');
  });

  it('reads title-case and capital headers alone on their line', () => {
    const text =
      'Chief Complaint\nHeadache.\n\nPast Medical History\nMigraine.\n\nPHYSICAL EXAMINATION\nAlert and oriented.\n\n' +
      'CARDIAC CATHETERIZATION SUMMARY\nNormal coronaries.\n\nPlan\nSumatriptan as needed.\n';
    expect(summary(run(text))).toEqual([
      ['chief_complaint', 'Chief Complaint'],
      ['past_medical_history', 'Past Medical History'],
      ['physical_exam', 'PHYSICAL EXAMINATION'],
      ['other', 'CARDIAC CATHETERIZATION SUMMARY'],
      ['plan', 'Plan'],
    ]);
  });

  it('keeps an exam or a ROS together: systems are subsections, unknown keys too', () => {
    const text =
      'REVIEW OF SYSTEMS:\nConstitutional: No fever.\nPain: none.\nCardiovascular: No chest pain.\n' +
      'PHYSICAL EXAM:\nGeneral: NAD.\nNeck: supple.\nBP: 120/80\nLungs: clear.\nExtremities: no edema.\n' +
      'IMPRESSION: Well.';
    expect(summary(run(text))).toEqual([
      ['review_of_systems', 'REVIEW OF SYSTEMS'],
      ['general', 'Constitutional', 0],
      ['cardiovascular', 'Cardiovascular', 0],
      ['physical_exam', 'PHYSICAL EXAM'],
      ['general', 'General', 3],
      ['neck', 'Neck', 3],
      ['other', 'BP', 3],
      ['lungs', 'Lungs', 3],
      ['extremities', 'Extremities', 3],
      ['impression', 'IMPRESSION'],
    ]);
  });

  it('merges subsections into their parent when asked', () => {
    const text = 'PHYSICAL EXAM:\nGeneral: NAD.\nNeck: supple.\nIMPRESSION: Well.';
    const s = run(text, { subsections: 'merge' });
    expect(summary(s)).toEqual([
      ['physical_exam', 'PHYSICAL EXAM'],
      ['impression', 'IMPRESSION'],
    ]);
    expect(body(text, s[0]!)).toBe('General: NAD.\nNeck: supple.\n');
  });

  it('makes a system header met outside its parent a section of its own', () => {
    expect(summary(run('HEENT: normal.\nNeck: supple.'))).toEqual([
      ['heent', 'HEENT'],
      ['neck', 'Neck'],
    ]);
  });

  it('does not read an exam system into a prefix outside an exam', () => {
    const text = 'HPI: Cough.\nCHEST CT: No embolus.\nProstate biopsy: benign.';
    expect(summary(run(text))).toEqual([
      ['hpi', 'HPI'],
      ['other', 'CHEST CT'],
    ]);
  });

  it('finds known headers after a sentence end inside a line', () => {
    const text = 'ROS: Negative.  HEENT: No vision change.  GI: No nausea. Plan: none.';
    expect(summary(run(text))).toEqual([
      ['review_of_systems', 'ROS'],
      ['heent', 'HEENT', 0],
      ['abdomen', 'GI', 0],
      ['plan', 'Plan'],
    ]);
    expect(summary(run(text, { midLine: false }))).toEqual([['review_of_systems', 'ROS']]);
  });

  it('starts with a preamble when text comes before the first header', () => {
    const text = 'Patient seen today in clinic.\n\nASSESSMENT: Stable.';
    const s = run(text);
    expect(summary(s)).toEqual([
      ['preamble', null],
      ['assessment', 'ASSESSMENT'],
    ]);
    expect(s[0]!.end).toBe(text.indexOf('ASSESSMENT'));
  });

  it('reads an unknown capital header as `other`, keeping its text', () => {
    const s = run('HPI: Fever.\nTRAVEL ITINERARY: Brazil.');
    expect(summary(s)).toEqual([
      ['hpi', 'HPI'],
      ['other', 'TRAVEL ITINERARY'],
    ]);
    expect(s[1]!.evidence).toEqual({ component: 'sections', rule: RULE_UNKNOWN, detail: 'unknown' });
  });

  it('drops unknown headers below minHeaderConfidence', () => {
    const text = 'HPI: Fever.\nTRAVEL ITINERARY: Brazil.\nPLAN: Test.';
    expect(summary(run(text, { minHeaderConfidence: 0.9 }))).toEqual([
      ['hpi', 'HPI'],
      ['plan', 'PLAN'],
    ]);
  });
});

describe('not headers', () => {
  const rows: { text: string; expect: (string | number | null)[][] }[] = [
    { text: 'The patient reports: pain in the left knee.', expect: [['preamble', null]] },
    { text: 'pain: none\nneck: supple', expect: [['preamble', null]] },
    { text: 'Dr. Smith: will call the family.', expect: [['preamble', null]] },
    { text: 'Seen at 10:30 today.\nRatio 1:1000.', expect: [['preamble', null]] },
    { text: 'Lungs clear to auscultation bilaterally.', expect: [['preamble', null]] },
    { text: 'Plan was discussed with the patient and his wife: agreed.', expect: [['preamble', null]] },
    { text: 'See http://example.org for details.', expect: [['preamble', null]] },
    {
      text: 'Seen today.\n\nReason for visit\nKnee pain.\n\nInterval history\nBetter.',
      expect: [
        ['preamble', null],
        ['chief_complaint', 'Reason for visit'],
        ['hpi', 'Interval history'],
      ],
    },
    { text: 'Knee pain.\nPlan\nrest', expect: [['preamble', null]] },
    {
      text: 'HOSPITAL COURSE:\n1. CHF: diuresed.\n2. T2DM: insulin.\nALLERGIES: none',
      expect: [
        ['hospital_course', 'HOSPITAL COURSE'],
        ['allergies', 'ALLERGIES'],
      ],
    },
    {
      text: 'CHIEF COMPLAINT:\nCHEST PAIN\nHPI: Pain since noon.',
      expect: [
        ['chief_complaint', 'CHIEF COMPLAINT'],
        ['hpi', 'HPI'],
      ],
    },
    {
      text: 'DIAGNOSES:\n1. PNEUMONIA.\n2. CHEST PAIN\n3. ACUTE KIDNEY INJURY',
      expect: [['diagnoses', 'DIAGNOSES']],
    },
    {
      text: 'ALLERGIES:\nNO KNOWN DRUG ALLERGIES\nMEDICATIONS: None.',
      expect: [
        ['allergies', 'ALLERGIES'],
        ['medications', 'MEDICATIONS'],
      ],
    },
    {
      text: 'MEDICATIONS:\nASPIRIN 81 MG DAILY\nMETOPROLOL TARTRATE\nPLAN: Continue.',
      expect: [
        ['medications', 'MEDICATIONS'],
        ['plan', 'PLAN'],
      ],
    },
    {
      text: 'The exam showed a mass in the\nLEFT UPPER LOBE\nwhich was biopsied.',
      expect: [['preamble', null]],
    },
  ];
  it.each(rows)('$text', ({ text, expect: e }) => {
    expect(summary(run(text))).toEqual(e);
  });

  it('takes only known headers in a note written in capitals', () => {
    const text =
      'CHIEF COMPLAINT: CHEST PAIN.\nTHE PATIENT IS A 60 YEAR OLD MAN WITH CHEST PAIN SINCE THIS MORNING.\n' +
      'PAIN: 8 OUT OF 10.\nRADIATION: NONE.\nPLAN: ADMIT TO TELEMETRY AND TREND TROPONINS OVERNIGHT.';
    expect(summary(run(text))).toEqual([
      ['chief_complaint', 'CHIEF COMPLAINT'],
      ['plan', 'PLAN'],
    ]);
  });
});

describe('offsets', () => {
  it('reports original offsets through CRLF, zero-width and combining characters', () => {
    const text = '\u200BHPI:\r\nCafe\u0301 worker, \u00A0fever.\r\n\r\nPLAN:\u00A0rest\r\n';
    const s = run(text);
    expect(summary(s)).toEqual([
      ['preamble', null],
      ['hpi', 'HPI'],
      ['plan', 'PLAN'],
    ]);
    expect(s[1]!.header!.start).toBe(1);
    expect(text.slice(s[2]!.bodyStart, s[2]!.bodyStart + 4)).toBe('rest');
  });

  it('handles empty, blank and header-free text', () => {
    expect(run('')).toEqual([]);
    expect(run('  \n\t\n')).toEqual([]);
    const s = run('Just a sentence.');
    expect(s).toEqual([
      {
        start: 0,
        end: 16,
        category: 'preamble',
        header: null,
        bodyStart: 0,
        evidence: { component: 'sections', rule: RULE_PREAMBLE },
      },
    ]);
  });

  it('starts at the first header when only blank text comes before it', () => {
    const s = run('\n\n   PLAN: rest');
    expect(s[0]!.start).toBe(5);
  });
});

describe('properties', () => {
  const pieces = fc.constantFrom(
    'HPI',
    'PLAN',
    'Neck',
    'neck',
    'PHYSICAL EXAMINATION',
    'REVIEW OF SYSTEMS',
    'ASSESSMENT AND PLAN',
    'Past Medical History',
    'HEENT',
    'BP',
    'UNKNOWN THING',
    '1. ',
    'II. ',
    ':',
    ':,',
    '.,',
    '. ',
    ',',
    '\n',
    '\r\n',
    '\r',
    ' ',
    '  ',
    '\t',
    '---',
    '====',
    '\u200B',
    'e\u0301',
    '\u00A0',
    '\u2028',
    '(',
    ')',
    '/',
    '10:30',
    'the patient is well',
    'CHEST PAIN',
  );
  const notes = fc.oneof(
    fc.array(fc.oneof(pieces, fc.string({ maxLength: 6 })), { maxLength: 60 }).map((a) => a.join('')),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
  );

  it('never throws; sections tile the text in order and reproduce it', () => {
    fc.assert(
      fc.property(notes, (text) => {
        run(text);
        run(text, { subsections: 'merge', midLine: false, minHeaderConfidence: 0.9 });
      }),
      { numRuns: 1500 },
    );
  });
});
