/**
 * Headers the rule file does not list as written (issue 9, item 6): unknown Title Case headers,
 * results headers, `Primary:` / `Secondary:` groups of a diagnosis list, informal spellings, headers
 * after a sentence on the same line, and the guards against false headers. Example notes are ours.
 */
import { describe, expect, it } from 'vitest';
import { normalize } from '../../doc/normalize.js';
import type { Section } from '../../doc/types.js';
import { fileResourceContext } from '../../resources.js';
import { loadSectionMatcher } from './index.js';
import { INSIDE_PARENTS_ONLY, PARAGRAPH_ONLY_RULES, withinOneEdit } from './rules.js';
import { DEFAULT_SECTIONIZE_OPTIONS, RULE_UNKNOWN, sectionize } from './sectionize.js';

const matcher = loadSectionMatcher(fileResourceContext());

function sections(
  text: string,
  minHeaderConfidence = DEFAULT_SECTIONIZE_OPTIONS.minHeaderConfidence,
): Section[] {
  return sectionize(normalize(text), matcher, { ...DEFAULT_SECTIONIZE_OPTIONS, minHeaderConfidence });
}

/** `category:header` per headed section, `^parent` when nested; the preamble as `preamble`. */
function summary(text: string): string[] {
  return sections(text).map((s) =>
    s.header === null
      ? 'preamble'
      : `${s.category}:${s.header.text}${s.parent !== undefined ? `^${s.parent}` : ''}`,
  );
}

interface Row {
  readonly name: string;
  readonly text: string;
  readonly expect: string[];
}

function table(rows: readonly Row[]): void {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, r) => {
    expect(summary(r.text)).toEqual(r.expect);
  });
}

describe('known headers (unchanged)', () => {
  table([
    {
      name: 'capitals and Title Case at line starts',
      text: 'CHIEF COMPLAINT: Cough.\nHistory of Present Illness: Dry cough for a week.\nAllergies: None.',
      expect: ['chief_complaint:CHIEF COMPLAINT', 'hpi:History of Present Illness', 'allergies:Allergies'],
    },
    {
      name: 'an exam with its systems',
      text: 'Physical Exam:\nNeck: Supple.\nLungs: Clear.\n\nPlan: Rest.',
      expect: ['physical_exam:Physical Exam', 'neck:Neck^0', 'lungs:Lungs^0', 'plan:Plan'],
    },
  ]);
});

describe('unknown Title Case headers', () => {
  table([
    {
      name: 'alone on its line with a colon, the body below',
      text: 'HPI: Knee pain.\n\nSwallow Study Stages:\nOral phase was normal.',
      expect: ['hpi:HPI', 'other:Swallow Study Stages'],
    },
    {
      name: 'at a paragraph start, with a capitalized body on the same line',
      text: 'HPI: Knee pain.\n\nWork Restrictions: No lifting over ten pounds.',
      expect: ['hpi:HPI', 'other:Work Restrictions'],
    },
    {
      name: 'small words inside the title',
      text: 'HPI: Knee pain.\n\nGoals of Therapy:\nWalk without a cane.',
      expect: ['hpi:HPI', 'other:Goals of Therapy'],
    },
    {
      name: 'at the start of the text',
      text: 'Transport Mode: Ambulance.\nHPI: Rash.',
      expect: ['other:Transport Mode', 'hpi:HPI'],
    },
    {
      name: 'inside an exam it is a part of the exam',
      text: 'Physical Exam:\nNeck: Supple.\nBody Habitus:\nSlender.\nLungs: Clear.',
      expect: ['physical_exam:Physical Exam', 'neck:Neck^0', 'other:Body Habitus^0', 'lungs:Lungs^0'],
    },
  ]);

  it('reports unknown headers with a stable category and rule', () => {
    const s = sections('HPI: Knee pain.\n\nSwallow Study Stages:\nOral phase was normal.')[1]!;
    expect(s.category).toBe('other');
    expect(s.evidence).toEqual({ component: 'sections', rule: RULE_UNKNOWN, detail: 'unknown' });
  });

  it('gives an unknown Title Case header confidence 0.6: dropped at 0.7', () => {
    const text = 'HPI: Knee pain.\n\nSwallow Study Stages:\nOral phase was normal.';
    expect(sections(text, 0.6).map((s) => s.category)).toEqual(['hpi', 'other']);
    expect(sections(text, 0.7).map((s) => s.category)).toEqual(['hpi']);
  });
});

describe('results headers', () => {
  table([
    {
      name: 'Laboratory Data, Lab Results, Imaging Studies',
      text: 'Laboratory Data: WBC 7.2.\nLab Results: Sodium 138.\nImaging Studies: CT head negative.',
      expect: ['labs:Laboratory Data', 'labs:Lab Results', 'imaging:Imaging Studies'],
    },
    {
      name: 'a short title ending in a head noun (suffix match)',
      text: 'HPI: Fever.\nPertinent Results:\nChest x-ray clear.',
      expect: ['hpi:HPI', 'findings:Pertinent Results'],
    },
    {
      name: 'Labs alone before its lines',
      text: 'Vitals: Stable.\nLabs:\nSodium 140\nPotassium 4.1',
      expect: ['vital_signs:Vitals', 'labs:Labs'],
    },
  ]);
});

describe('Primary: / Secondary: in a diagnosis list', () => {
  table([
    {
      name: 'groups of discharge diagnoses are parts of it',
      text: 'Discharge Diagnoses:\nPrimary: Community acquired pneumonia\nSecondary: Hypertension, gout\n\nPlan: Home.',
      expect: [
        'discharge_diagnoses:Discharge Diagnoses',
        'diagnosis_group:Primary^0',
        'diagnosis_group:Secondary^0',
        'plan:Plan',
      ],
    },
    {
      name: 'in capitals, in an assessment',
      text: 'ASSESSMENT:\nPRIMARY: Cellulitis of the left leg.\nSECONDARY: Type 2 diabetes.',
      expect: ['assessment:ASSESSMENT', 'diagnosis_group:PRIMARY^0', 'diagnosis_group:SECONDARY^0'],
    },
    {
      name: 'Chronic: in a problem list',
      text: 'Problem List:\nActive: Asthma\nChronic: Hypothyroidism',
      expect: ['problem_list:Problem List', 'diagnosis_group:Active^0', 'diagnosis_group:Chronic^0'],
    },
    {
      name: 'New: / Stopped: groups of a medication list, any case',
      text: 'Discharge Medications:\nNew:\n  cefpodoxime 200 mg PO BID\nSTOPPED:\n  none',
      expect: [
        'discharge_medications:Discharge Medications',
        'medication_group:New^0',
        'medication_group:STOPPED^0',
      ],
    },
    {
      name: 'outside a diagnosis list Primary is not a group (a field of the HPI)',
      text: 'HPI: Seen for follow-up.\nPrimary: Dr. North',
      expect: ['hpi:HPI'],
    },
  ]);

  it('lists only categories of the rule file in the code constants', () => {
    for (const id of INSIDE_PARENTS_ONLY) expect(matcher.categories.get(id)?.insideParentsOnly).toBe(true);
    expect(PARAGRAPH_ONLY_RULES.size).toBeGreaterThan(0);
    expect(matcher.match('Note')?.rule).toBe('comments.note');
    expect(matcher.match('Note')?.paragraphOnly).toBe(true);
  });

  it('does not make diagnosis lists hold unknown capitals keys', () => {
    expect(summary('DISCHARGE DIAGNOSES:\n1. Pneumonia.\nDISCHARGE WEIGHT: 70 kg.')).toEqual([
      'discharge_diagnoses:DISCHARGE DIAGNOSES',
      'other:DISCHARGE WEIGHT',
    ]);
  });
});

describe('informal spellings of known headers', () => {
  table([
    {
      name: 'Past Med Hx (an abbreviation read as a truncation)',
      text: 'Past Med Hx: Asthma.',
      expect: ['past_medical_history:Past Med Hx'],
    },
    {
      name: 'Meds, Soc Hx, Fam Hx, Dx, PMHx',
      text: 'Meds: None.\nSoc Hx: Never smoked.\nFam Hx: Father with gout.\nDx: Gout.\nPMHx: Asthma.',
      expect: [
        'medications:Meds',
        'social_history:Soc Hx',
        'family_history:Fam Hx',
        'diagnoses:Dx',
        'past_medical_history:PMHx',
      ],
    },
    {
      name: 'plurals and singulars',
      text: 'Allergy: None.\nPhysical Exams: Normal.\nPresenting Complaints: Cough.',
      expect: ['allergies:Allergy', 'physical_exam:Physical Exams', 'chief_complaint:Presenting Complaints'],
    },
    {
      name: 'typos: a swap, a missing letter',
      text: 'CHIEF COMPLIANT: Cough.\nPast Medical Histroy: Asthma.\nAlergies: None.',
      expect: [
        'chief_complaint:CHIEF COMPLIANT',
        'past_medical_history:Past Medical Histroy',
        'allergies:Alergies',
      ],
    },
    {
      name: 'the words of a known header in another order (token overlap)',
      text: 'History Family: Father with gout.\nDiagnosis Discharge: Gout.',
      expect: ['family_history:History Family', 'discharge_diagnoses:Diagnosis Discharge'],
    },
    {
      name: 'a truncation next to a known word',
      text: 'PHYSICAL EXAM:\nMusc Exam: Full range of motion.\nNeuro Exam: Intact.',
      expect: ['physical_exam:PHYSICAL EXAM', 'musculoskeletal:Musc Exam^0', 'neuro:Neuro Exam^0'],
    },
  ]);

  it('reports a fuzzy match as such', () => {
    const s = sections('Past Med Hx: Asthma.')[0]!;
    expect(s.evidence).toEqual({
      component: 'sections',
      rule: 'past_medical_history.written',
      detail: 'fuzzy',
    });
  });

  const matches: [string, string | null][] = [
    ['Past Med Hx', 'past_medical_history'],
    ['Musc Exam', 'musculoskeletal'],
    ['History Family', 'family_history'],
    ['Diagnoses Discharge', 'discharge_diagnoses'],
    ['Meds Current', 'medications'],
    ['Hx of Present Illness', 'hpi'],
    ['Medicaitons', 'medications'],
    ['MUSCULOSKELATAL', 'musculoskeletal'],
    ['Fluoro Time', 'technique'],
    ['ADVANCED DIRECTIVE', 'code_status'],
    // not informal spellings: real words near a known one, or a short word alone
    ['Supine', null],
    ['Motility', null],
    ['Testes', null],
    ['TEE', null],
    ['Rest Echo', null],
  ];
  it.each(matches)('%s -> %s', (header, category) => {
    expect(matcher.match(header)?.category.id ?? null).toBe(category);
  });

  const edits: [string, string, boolean][] = [
    ['history', 'histroy', true],
    ['allergy', 'alergy', true],
    ['medication', 'medicationx', true],
    ['pelvis', 'pelvic', true],
    ['history', 'hsitroy', false],
    ['spine', 'supines', false],
  ];
  it.each(edits)('one edit between %s and %s: %s', (a, b, within) => {
    expect(withinOneEdit(a, b)).toBe(within);
    expect(withinOneEdit(b, a)).toBe(within);
  });
});

describe('a header after a sentence on the same line', () => {
  table([
    {
      name: 'Title Case Plan after a sentence end',
      text: 'HPI: The patient is stable. Plan: continue current medications.',
      expect: ['hpi:HPI', 'plan:Plan'],
    },
    {
      name: 'Assessment and Plan in the middle of a line',
      text: 'Exam: The wound is clean. Assessment and Plan: Healing well.',
      expect: ['physical_exam:Exam', 'assessment_and_plan:Assessment and Plan'],
    },
    {
      name: 'exam systems inside an exam',
      text: 'PHYSICAL EXAMINATION: Vitals stable. Abdomen: Soft. Heart: Regular rhythm.',
      expect: ['physical_exam:PHYSICAL EXAMINATION', 'abdomen:Abdomen^0', 'cardiovascular:Heart^0'],
    },
    {
      name: 'an exam system outside an exam is not a header mid-line',
      text: 'HPI: He fell on the ice. Back: tender since then.',
      expect: ['hpi:HPI'],
    },
    {
      name: 'a nesting category outside its parent is a field mid-line',
      text: 'HPI: Walks daily. Tobacco: never. Alcohol: 1-2 drinks per week.',
      expect: ['hpi:HPI'],
    },
    {
      name: 'inside its parent it is a part of it',
      text: 'Social History: Retired. Alcohol: 1-2 drinks per week.',
      expect: ['social_history:Social History', 'substance_use:Alcohol^0'],
    },
    {
      name: 'capitals as before',
      text: 'ROS: Negative.  HEENT: No vision change.',
      expect: ['review_of_systems:ROS', 'heent:HEENT^0'],
    },
    {
      name: 'no sentence end before it: not a header',
      text: 'HPI: Seen today and Plan: discussed with her.',
      expect: ['hpi:HPI'],
    },
  ]);
});

describe('false headers', () => {
  table([
    {
      name: 'Dose: 5 mg inside a section (a key and its value)',
      text: 'Medications:\nLisinopril\nDose: 5 mg\nRoute: Oral',
      expect: ['medications:Medications'],
    },
    {
      name: 'a number after the colon at a paragraph start',
      text: 'HPI: Cough.\n\nTemp Max: 38.2\nPain Score: 4',
      expect: ['hpi:HPI'],
    },
    {
      name: 'Note: inside a section is a remark',
      text: 'Medications:\nAspirin 81 mg daily\nNote: Take with food.',
      expect: ['medications:Medications'],
    },
    {
      name: 'Note: after a sentence end is a remark',
      text: 'Plan: Rest. Note: Call if worse.',
      expect: ['plan:Plan'],
    },
    {
      name: 'a Note paragraph is a section',
      text: 'Plan: Rest.\n\nNote: This visit was by telephone.',
      expect: ['plan:Plan', 'comments:Note'],
    },
    {
      name: 'times and ratios',
      text: 'HPI: Seen at 10:30 today.\nEpinephrine 1:1000 was given.\nSeen At 10:45 again.',
      expect: ['hpi:HPI'],
    },
    {
      name: 'a code after the colon (an identifier field)',
      text: 'Accession: S25-000002\nHPI: Rash.',
      expect: ['preamble', 'hpi:HPI'],
    },
    {
      name: 'a title with a lower-case continuation (a paper title, a field)',
      text: 'Gout: a review of the literature.',
      expect: ['preamble'],
    },
    {
      name: 'a salutation, a sentence, a lower-case key',
      text: 'Dear Doctor North:\nThank you for the referral.\nThe Plan Was As Follows In Detail Today:\npain: none',
      expect: ['preamble'],
    },
    {
      name: 'body-line words never start an unknown header',
      text: 'Plan: Rest.\n\nPatient Goals: Walk.\nNo Known Allergies:\nNone.',
      expect: ['plan:Plan'],
    },
  ]);
});
