import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClinoteError } from '../../errors/error.js';
import type { FactoryContext } from '../../pipeline/component.js';
import { fileResourceContext, resourcePath } from '../../resources.js';
import { loadSectionMatcher } from './index.js';
import { HeaderMatcher, type SectionRules, sectionRulesJsonSchema, singular } from './rules.js';

const matcher = loadSectionMatcher(fileResourceContext());

describe('header -> category', () => {
  const rows: { text: string; expect: string | null }[] = [
    { text: 'CHIEF COMPLAINT', expect: 'chief_complaint' },
    { text: 'CC', expect: 'chief_complaint' },
    { text: 'Reason for Visit', expect: 'chief_complaint' },
    { text: 'HISTORY OF PRESENT ILLNESS', expect: 'hpi' },
    { text: 'History of the Present Illness', expect: 'hpi' },
    { text: 'HPI', expect: 'hpi' },
    { text: 'H.P.I.', expect: 'hpi' },
    { text: 'HISTORY OF PRESENT ILLNESS (per patient)', expect: 'hpi' },
    { text: 'Interval History', expect: 'hpi' },
    { text: 'PAST MEDICAL HISTORY', expect: 'past_medical_history' },
    { text: 'PMH', expect: 'past_medical_history' },
    { text: 'Past Medical Hx', expect: 'past_medical_history' },
    { text: 'PAST MEDICAL HISTORY/PROBLEM LIST', expect: 'past_medical_history' },
    { text: 'PAST SURGICAL HISTORY', expect: 'past_surgical_history' },
    { text: 'PSH', expect: 'past_surgical_history' },
    { text: 'Previous Surgeries', expect: 'past_surgical_history' },
    { text: 'MEDICATIONS', expect: 'medications' },
    { text: 'Current Meds', expect: 'medications' },
    { text: 'Home Medications', expect: 'medications' },
    { text: 'MEDICATIONS ON ADMISSION', expect: 'admission_medications' },
    { text: 'Admission Meds', expect: 'admission_medications' },
    { text: 'DISCHARGE MEDICATIONS', expect: 'discharge_medications' },
    { text: 'Medications at Discharge', expect: 'discharge_medications' },
    { text: 'ALLERGIES', expect: 'allergies' },
    { text: 'Allergy', expect: 'allergies' },
    { text: 'Drug Allergies', expect: 'allergies' },
    { text: 'FAMILY HISTORY', expect: 'family_history' },
    { text: 'FHx', expect: 'family_history' },
    { text: 'SOCIAL HISTORY', expect: 'social_history' },
    { text: 'Social Hx', expect: 'social_history' },
    { text: 'REVIEW OF SYSTEMS', expect: 'review_of_systems' },
    { text: 'ROS', expect: 'review_of_systems' },
    { text: '10-point review of systems', expect: 'review_of_systems' },
    { text: 'PHYSICAL EXAMINATION', expect: 'physical_exam' },
    { text: 'Physical Exam', expect: 'physical_exam' },
    { text: 'PE', expect: 'physical_exam' },
    { text: 'EXAM', expect: 'physical_exam' },
    { text: 'VITAL SIGNS', expect: 'vital_signs' },
    { text: 'Vitals', expect: 'vital_signs' },
    { text: 'LABORATORY DATA', expect: 'labs' },
    { text: 'Labs', expect: 'labs' },
    { text: 'Lab Results', expect: 'labs' },
    { text: 'IMAGING', expect: 'imaging' },
    { text: 'Chest X-ray', expect: 'imaging' },
    { text: 'PROCEDURE PERFORMED', expect: 'procedures' },
    { text: 'PROCEDURE(S) PERFORMED', expect: 'procedures' },
    { text: 'OPERATION', expect: 'procedures' },
    { text: 'HOSPITAL COURSE', expect: 'hospital_course' },
    { text: 'Course in Hospital', expect: 'hospital_course' },
    { text: 'ASSESSMENT', expect: 'assessment' },
    { text: 'PLAN', expect: 'plan' },
    { text: 'ASSESSMENT AND PLAN', expect: 'assessment_and_plan' },
    { text: 'Assessment & Plan', expect: 'assessment_and_plan' },
    { text: 'A/P', expect: 'assessment_and_plan' },
    { text: 'IMPRESSION/PLAN', expect: 'assessment_and_plan' },
    { text: 'IMPRESSION', expect: 'impression' },
    { text: 'Impressions', expect: 'impression' },
    { text: 'FINDINGS', expect: 'findings' },
    { text: 'DIAGNOSES', expect: 'diagnoses' },
    { text: 'Final Diagnosis', expect: 'diagnoses' },
    { text: 'PREOPERATIVE DIAGNOSIS', expect: 'preoperative_diagnosis' },
    { text: 'PRE-OPERATIVE DIAGNOSES', expect: 'preoperative_diagnosis' },
    { text: 'Preop Dx', expect: 'preoperative_diagnosis' },
    { text: 'PREOPERATIVE DIAGNOSIS (ES)', expect: 'preoperative_diagnosis' },
    { text: 'POSTOPERATIVE DIAGNOSIS', expect: 'postoperative_diagnosis' },
    { text: 'Post-op Diagnosis', expect: 'postoperative_diagnosis' },
    { text: 'DISCHARGE DIAGNOSES', expect: 'discharge_diagnoses' },
    { text: 'ADMITTING DIAGNOSIS', expect: 'admission_diagnoses' },
    { text: 'DISPOSITION', expect: 'disposition' },
    { text: 'FOLLOW-UP', expect: 'follow_up' },
    { text: 'Follow up', expect: 'follow_up' },
    { text: 'FOLLOWUP', expect: 'follow_up' },
    { text: 'DISCHARGE INSTRUCTIONS', expect: 'instructions' },
    { text: 'INDICATIONS', expect: 'indications' },
    { text: 'INDICATIONS FOR PROCEDURE', expect: 'indications' },
    { text: 'Indication for Surgery', expect: 'indications' },
    { text: 'ANESTHESIA', expect: 'anesthesia' },
    { text: 'COMPLICATIONS', expect: 'complications' },
    { text: 'ESTIMATED BLOOD LOSS', expect: 'estimated_blood_loss' },
    { text: 'EBL', expect: 'estimated_blood_loss' },
    { text: 'ESTIMATED BLOOD LOSS (EBL)', expect: 'estimated_blood_loss' },
    { text: 'SPECIMENS', expect: 'specimens' },
    { text: 'Specimen(s) Removed', expect: 'specimens' },
    { text: 'OPERATIVE FINDINGS', expect: 'operative_findings' },
    { text: 'INTRAOPERATIVE FINDINGS', expect: 'operative_findings' },
    { text: 'DESCRIPTION OF PROCEDURE', expect: 'procedure_details' },
    { text: 'PROCEDURE IN DETAIL', expect: 'procedure_details' },
    { text: 'Procedure Details', expect: 'procedure_details' },
    { text: 'HISTORY', expect: 'history' },
    { text: 'Hx', expect: 'history' },
    { text: 'REASON FOR CONSULTATION', expect: 'consultation_reason' },
    { text: 'Reason for Referral', expect: 'consultation_reason' },
    { text: 'RECOMMENDATIONS', expect: 'recommendations' },
    { text: 'GROSS DESCRIPTION', expect: 'pathology_gross' },
    { text: 'MICROSCOPIC DESCRIPTION', expect: 'pathology_microscopic' },
    { text: 'FINAL PATHOLOGIC DIAGNOSIS', expect: 'pathology_diagnosis' },
    { text: 'IMMUNIZATIONS', expect: 'immunizations' },
    { text: 'Vaccination History', expect: 'immunizations' },
    { text: 'PROBLEM LIST', expect: 'problem_list' },
    { text: 'Active Problems', expect: 'problem_list' },
    { text: 'PATIENT EDUCATION', expect: 'patient_education' },
    { text: 'CONDITION ON DISCHARGE', expect: 'condition' },
    { text: 'Condition at Discharge', expect: 'condition' },
    { text: 'TECHNIQUE', expect: 'technique' },
    { text: 'COMPARISON', expect: 'comparison' },
    { text: 'CLINICAL HISTORY', expect: 'clinical_history' },
    { text: 'SUBJECTIVE', expect: 'subjective' },
    { text: 'S', expect: 'subjective' },
    { text: 'OBJECTIVE', expect: 'objective' },
    { text: 'ED COURSE', expect: 'ed_course' },
    { text: 'Emergency Department Course', expect: 'ed_course' },
    { text: 'MEDICAL DECISION MAKING', expect: 'mdm' },
    { text: 'MDM', expect: 'mdm' },
    { text: 'Electronically signed by', expect: 'signature' },
    { text: 'HEENT', expect: 'heent' },
    { text: 'Neck', expect: 'neck' },
    { text: 'LUNGS', expect: 'lungs' },
    { text: 'Heart', expect: 'cardiovascular' },
    { text: 'CV', expect: 'cardiovascular' },
    { text: 'ABDOMEN', expect: 'abdomen' },
    { text: 'Abd', expect: 'abdomen' },
    { text: 'EXTREMITIES', expect: 'extremities' },
    { text: 'Ext', expect: 'extremities' },
    { text: 'NEURO', expect: 'neuro' },
    { text: 'Neurological', expect: 'neuro' },
    { text: 'NEUROLOGICAL EXAMINATION', expect: 'neuro' },
    { text: 'RECTAL EXAM', expect: 'rectal' },
    { text: 'SKIN', expect: 'skin' },
    { text: 'Constitutional', expect: 'general' },
    { text: 'CRANIAL NERVES', expect: 'cranial_nerves' },
    { text: 'DTRs', expect: 'reflexes' },
    { text: 'AXIS II', expect: 'diagnosis_axis' },
    { text: 'ALLERGY/IMMUNOLOGY', expect: 'allergic_immunologic' },
    { text: 'FAMILY/SOCIAL HISTORY', expect: 'family_history' },
    { text: 'PAST OCULAR HISTORY', expect: 'history' },
    { text: 'ANGIOGRAPHIC FINDINGS', expect: 'findings' },
    { text: 'DISCHARGE SUMMARY', expect: 'note_title' },
    { text: 'PLAN OF CARE', expect: 'plan' },
    { text: 'PATIENT NAME', expect: 'encounter_info' },
    { text: 'RANDOM WORDS HERE', expect: null },
    { text: 'PAIN', expect: null },
    { text: 'BP', expect: null },
    { text: 'PE TUBES', expect: null },
    { text: '', expect: null },
    { text: '(((', expect: null },
  ];

  it.each(rows)('$text -> $expect', ({ text, expect: category }) => {
    expect(matcher.match(text)?.category.id ?? null).toBe(category);
  });

  it('reports the rule id of the synonym that matched', () => {
    const m = matcher.match('History of Present Illness');
    expect(m?.rule).toBe('hpi.written');
    expect(m?.mode).toBe('exact');
    expect(matcher.match('PAST MEDICAL HISTORY/SURGERIES')?.mode).toBe('prefix');
    expect(matcher.match('DISCHARGE MEDICATIONS AND FOLLOW-UP')?.category.id).toBe('discharge_medications');
    expect(matcher.match('CONSULTING DIAGNOSIS')?.mode).toBe('suffix');
  });

  it('prefers the longest prefix or suffix', () => {
    // `past medical history` (3 words) over `past` (not a synonym) and `history` (suffix, 1 word)
    expect(matcher.match('PAST MEDICAL HISTORY AND REVIEW')?.category.id).toBe('past_medical_history');
    // `preoperative diagnosis` over `diagnosis`
    expect(matcher.match('PREOPERATIVE DIAGNOSIS AND INDICATIONS')?.category.id).toBe(
      'preoperative_diagnosis',
    );
  });
});

describe('normalization', () => {
  const rows: { text: string; expect: string }[] = [
    { text: 'diagnoses', expect: 'diagnosis' },
    { text: 'allergies', expect: 'allergy' },
    { text: 'medications', expect: 'medication' },
    { text: 'illness', expect: 'illness' },
    { text: 'status', expect: 'status' },
    { text: 'reflexes', expect: 'reflex' },
    { text: 'processes', expect: 'process' },
    { text: 'ros', expect: 'ros' },
    { text: 'labs', expect: 'lab' },
  ];
  it.each(rows)('singular($text) = $expect', ({ text, expect: s }) => {
    expect(singular(text)).toBe(s);
  });

  it('makes spelling variants one key', () => {
    expect(matcher.key('Follow-up')).toBe(matcher.key('FOLLOWUP'));
    expect(matcher.key('Pre-op Dx')).toBe(matcher.key('PREOPERATIVE DIAGNOSIS'));
    expect(matcher.key('Assessment & Plan')).toBe(matcher.key('ASSESSMENT/PLAN'));
    expect(matcher.key('Hx of Present Illness')).toBe(matcher.key('history of the present illness'));
    expect(matcher.words("PATIENT'S GOALS")).toEqual(['patient', 'goal']);
  });
});

describe('rule file', () => {
  const rules = JSON.parse(readFileSync(resourcePath('sections/sections.json'), 'utf8')) as SectionRules;

  it('has the required categories, each with synonyms', () => {
    const ids = rules.categories.map((c) => c.id);
    const required = [
      'chief_complaint',
      'hpi',
      'past_medical_history',
      'past_surgical_history',
      'medications',
      'admission_medications',
      'discharge_medications',
      'allergies',
      'family_history',
      'social_history',
      'review_of_systems',
      'physical_exam',
      'vital_signs',
      'labs',
      'imaging',
      'procedures',
      'hospital_course',
      'assessment',
      'plan',
      'assessment_and_plan',
      'impression',
      'findings',
      'diagnoses',
      'preoperative_diagnosis',
      'postoperative_diagnosis',
      'discharge_diagnoses',
      'disposition',
      'follow_up',
      'instructions',
      'indications',
      'anesthesia',
      'complications',
      'estimated_blood_loss',
      'specimens',
      'operative_findings',
      'procedure_details',
      'history',
      'consultation_reason',
      'recommendations',
      'pathology_gross',
      'pathology_microscopic',
      'pathology_diagnosis',
      'immunizations',
      'problem_list',
      'patient_education',
      'condition',
      'technique',
      'comparison',
      'clinical_history',
      'subjective',
      'objective',
      'ed_course',
      'mdm',
      'signature',
    ];
    expect(required.filter((id) => !ids.includes(id))).toEqual([]);
    expect(ids.length).toBeGreaterThanOrEqual(40);
    for (const c of rules.categories) {
      const synonyms = c.rules.reduce((n, r) => n + r.headers.length, 0);
      expect(synonyms, c.id).toBeGreaterThanOrEqual(1);
    }
    const main = rules.categories.filter((c) => required.includes(c.id));
    const synonyms = main.reduce((n, c) => n + c.rules.reduce((k, r) => k + r.headers.length, 0), 0);
    expect(synonyms / main.length).toBeGreaterThanOrEqual(5);
  });

  it('matches its own synonyms exactly to their category', () => {
    for (const c of rules.categories) {
      for (const r of c.rules) {
        if (!(r.match ?? ['exact', 'prefix']).includes('exact')) continue;
        for (const h of r.headers) expect(matcher.match(h)?.category.id, h).toBe(c.id);
      }
    }
  });

  it('has a JSON Schema file in step with the TypeBox schema', () => {
    const file = JSON.parse(readFileSync(resourcePath('sections/sections.schema.json'), 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(sectionRulesJsonSchema())));
  });
});

describe('rule file validation', () => {
  const base = (): SectionRules => ({
    version: '1.0.0',
    abbreviations: { hx: 'history' },
    stopwords: ['of'],
    trailingWords: ['examination'],
    nonHeaderWords: ['none'],
    categories: [
      { id: 'hpi', label: 'HPI', kind: 'section', rules: [{ id: 'hpi.main', headers: ['hpi'] }] },
      {
        id: 'neck',
        label: 'Neck',
        kind: 'subsection',
        parents: ['hpi'],
        rules: [{ id: 'neck.main', headers: ['neck'] }],
      },
    ],
  });
  const ctxOf = (value: unknown): FactoryContext => ({
    readResource: () => JSON.stringify(value),
    readResourceBytes: () => new Uint8Array(),
  });
  const codeOf = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      return e instanceof ClinoteError ? e.code : 'not a ClinoteError';
    }
    return undefined;
  };

  it('accepts a minimal file', () => {
    expect(loadSectionMatcher(ctxOf(base()), 'x.json').categories.size).toBe(2);
  });

  it('rejects unknown keys', () => {
    const bad = { ...base(), extra: 1 };
    expect(codeOf(() => loadSectionMatcher(ctxOf(bad), 'x.json'))).toBe('CLINOTE_E_RESOURCE_INVALID');
    const badRule = base();
    (badRule.categories[0]!.rules[0] as Record<string, unknown>).pattern = 'x';
    expect(codeOf(() => loadSectionMatcher(ctxOf(badRule), 'x.json'))).toBe('CLINOTE_E_RESOURCE_INVALID');
  });

  it('rejects two synonyms that normalize alike', () => {
    const r = base();
    r.categories[1]!.rules[0]!.headers.push('HPI');
    expect(codeOf(() => new HeaderMatcher(r))).toBe('CLINOTE_E_RESOURCE_INVALID');
  });

  it('rejects duplicate rule ids, misnamed rules, unknown parents and reserved ids', () => {
    const dupRule = base();
    dupRule.categories[1]!.rules[0]!.id = 'hpi.main';
    expect(codeOf(() => new HeaderMatcher(dupRule))).toBe('CLINOTE_E_RESOURCE_INVALID');
    const misnamed = base();
    misnamed.categories[1]!.rules[0]!.id = 'hpi.neck';
    expect(codeOf(() => new HeaderMatcher(misnamed))).toBe('CLINOTE_E_RESOURCE_INVALID');
    const parent = base();
    parent.categories[1]!.parents = ['nowhere'];
    expect(codeOf(() => new HeaderMatcher(parent))).toBe('CLINOTE_E_RESOURCE_INVALID');
    const reserved = base();
    reserved.categories[0]!.id = 'other';
    reserved.categories[0]!.rules[0]!.id = 'other.main';
    expect(codeOf(() => new HeaderMatcher(reserved))).toBe('CLINOTE_E_RESOURCE_INVALID');
    const orphan = base();
    delete (orphan.categories[1] as { parents?: string[] }).parents;
    expect(codeOf(() => new HeaderMatcher(orphan))).toBe('CLINOTE_E_RESOURCE_INVALID');
  });

  it('rejects invalid JSON', () => {
    const ctx: FactoryContext = { readResource: () => '{', readResourceBytes: () => new Uint8Array() };
    expect(codeOf(() => loadSectionMatcher(ctx, 'x.json'))).toBe('CLINOTE_E_RESOURCE_INVALID');
  });
});

describe('the compiled form (HeaderMatcher.data, the disk cache)', () => {
  const file = JSON.parse(readFileSync(resourcePath('sections/sections.json'), 'utf8')) as SectionRules;
  const direct = new HeaderMatcher(file);
  const fromData = HeaderMatcher.fromData(JSON.parse(JSON.stringify(direct.data)));
  const headers = file.categories.flatMap((c) => c.rules.flatMap((r) => r.headers));
  const variants = headers.flatMap((h) => [
    h,
    h.toUpperCase(),
    `${h} examination`,
    `Recent ${h}`,
    `${h} and plan`,
    h.split(' ')[0] ?? h,
  ]);

  it('matches every header and variant as the matcher built from the rules', () => {
    expect(variants.length).toBeGreaterThan(1000);
    for (const v of variants) {
      const a = direct.match(v);
      const b = fromData.match(v);
      expect({ category: b?.category.id, rule: b?.rule, mode: b?.mode }, v).toEqual({
        category: a?.category.id,
        rule: a?.rule,
        mode: a?.mode,
      });
    }
  });

  it('keeps the categories, their parents and the containers', () => {
    expect([...fromData.categories.values()].map((c) => [c.id, c.kind, [...c.parents]])).toEqual(
      [...direct.categories.values()].map((c) => [c.id, c.kind, [...c.parents]]),
    );
    expect([...fromData.containers]).toEqual([...direct.containers]);
    expect([...fromData.nonHeaderWords]).toEqual([...direct.nonHeaderWords]);
  });

  it('is kept by content: the same matcher for the same rules, read once, never for bad rules', () => {
    const reads: string[] = [];
    const store = new Map<string, unknown>();
    const ctx: FactoryContext = {
      readResource: (p) => {
        reads.push(p);
        return JSON.stringify(file);
      },
      readResourceBytes: () => new Uint8Array(),
      compiled: <T>(kind: string, text: string, compile: () => T): T => {
        const key = `${kind}\u0000${text}`;
        if (!store.has(key)) store.set(key, compile());
        return store.get(key) as T;
      },
    };
    const a = loadSectionMatcher(ctx, 'x.json');
    expect(loadSectionMatcher(ctx, 'x.json')).toBe(a);
    expect(reads).toEqual(['x.json', 'x.json']);
    expect(a.match('HPI')?.category.id).toBe('hpi');
    const bad: FactoryContext = { ...ctx, readResource: () => JSON.stringify({ ...file, extra: 1 }) };
    expect(() => loadSectionMatcher(bad, 'x.json')).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_RESOURCE_INVALID' }),
    );
    expect(() => loadSectionMatcher(bad, 'x.json')).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_RESOURCE_INVALID' }),
    );
  });
});
