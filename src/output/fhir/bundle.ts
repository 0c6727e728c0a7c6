/**
 * FHIR R4 output: one Bundle (type `collection`) per note. See docs/fhir.md for the mapping, the rule
 * for historical findings, the source-span extension and what is not validated.
 *
 *   toFhirBundle(doc, pipeline, { sourceDocument: { text: true } })
 *
 * Entries, in this order: the DocumentReference of the note, the Patient (unless a reference to one
 * is given), then Conditions, FamilyMemberHistories, Procedures, MedicationStatements and
 * Observations, each in text order, then the Claim carrying the suggested ICD-10-CM codes when the
 * note has a `codes` layer with at least one. Ids are UUIDs derived from the note id and text (the same note
 * gives the same Bundle); every reference is a `urn:uuid:` fullUrl of an entry of the Bundle.
 */
import { createHash } from 'node:crypto';
import type { CodeItem } from '../../coding/schema.js';
import type { Measurement } from '../../components/measurements/types.js';
import type { Medication, TimingRepeat as MedicationTiming } from '../../components/medications/types.js';
import type { Doc } from '../../doc/doc.js';
import type { Concept, Section } from '../../doc/types.js';
import type { PipelineStamp } from '../../pipeline/pipeline.js';
import {
  BP_DIASTOLIC,
  BP_SYSTOLIC,
  CLINOTE,
  FAMILY_MEMBER,
  INTERPRETATION,
  O2_CONCENTRATION,
  O2_FLOW,
  QUALITATIVE_SNOMED,
  RELATIONSHIPS,
  ROUTE_SNOMED,
  SEVERITY_SNOMED,
  SYSTEM,
  systemUrl,
  VITAL_CODES,
} from './codes.js';
import type {
  Bundle,
  BundleEntry,
  Claim,
  ClaimDiagnosis,
  CodeableConcept,
  Coding,
  Condition,
  DocumentReference,
  Dosage,
  Extension,
  FamilyMemberHistory,
  FhirResource,
  MedicationStatement,
  Observation,
  ObservationComponent,
  Patient,
  Procedure,
  Quantity,
  Reference,
  TimingRepeat,
} from './types.js';

export interface FhirOptions {
  /**
   * The DocumentReference of the note: `text: true` puts the note text in its attachment (base64,
   * `text/plain; charset=utf-8`); `url` says where the note lives. By default the attachment holds
   * only the content type, size and SHA-1 hash of the note.
   */
  readonly sourceDocument?: { readonly text?: boolean; readonly url?: string };
  /** A reference to an existing Patient; when absent, a Patient entry with no data stands for the note's patient. */
  readonly patient?: Reference;
  /**
   * clinicalStatus of a historical problem when nothing in the note says it is ongoing (acuity
   * `chronic`, course `stable`, `worsening`...) or resolved (course `resolved`). Default `inactive`.
   */
  readonly historicalStatus?: 'inactive' | 'resolved' | 'active';
  /** Emit hypothetical and conditional problems as Conditions (verificationStatus `unconfirmed`). Default false. */
  readonly hypothetical?: boolean;
  /** Leave out negated problems, procedures and medications. Default false: they are kept and marked. */
  readonly omitNegated?: boolean;
  /**
   * The draft Claim listing the suggested ICD-10-CM codes as `diagnosis` (made only when the `codes`
   * layer has a suggested code; docs/fhir.md, "Claim"). `false`: no Claim. Default: a Claim whose
   * provider, coverage and created date are marked data-absent (`unknown`).
   */
  readonly claim?: false | ClaimOptions;
}

/** What a caller knows that the note does not; every field optional. */
export interface ClaimOptions {
  /** claim-type code. Default `institutional` when the note's `setting` metadata is `inpatient`, else `professional`. */
  readonly type?: 'institutional' | 'professional';
  /** Claim.provider: a reference to the billing Practitioner/Organization. */
  readonly provider?: Reference;
  /** Claim.insurance[0].coverage: a reference to the Coverage. */
  readonly coverage?: Reference;
  /** Claim.created: a FHIR dateTime. */
  readonly created?: string;
}

/** What the mapping needs of a pipeline. */
export interface StampSource {
  readonly stamp: PipelineStamp;
}

type Categories = ReadonlySet<string>;

interface AssertionLike {
  readonly status?: string;
  readonly categories?: readonly string[];
}

const ONGOING_COURSES = new Set([
  'stable',
  'worsening',
  'progressive',
  'persistent',
  'unchanged',
  'recurrent',
  'intermittent',
  'improving',
  'resolving',
]);
const DIAGNOSIS_SECTIONS = new Set([
  'diagnoses',
  'admission_diagnoses',
  'discharge_diagnoses',
  'preoperative_diagnosis',
  'postoperative_diagnosis',
  'pathology_diagnosis',
  'assessment',
  'assessment_and_plan',
  'impression',
]);

/** Deterministic UUIDs: one SHA-1 per note, then a counter in the last group. */
class Ids {
  readonly #base: string;
  #n = 0;
  constructor(seed: string) {
    const h = createHash('sha1').update(seed).digest('hex');
    const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
    this.#base = `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-`;
  }
  next(): string {
    return this.#base + (this.#n++).toString(16).padStart(12, '0');
  }
}

/** The FHIR R4 Bundle of one processed note. */
export function toFhirBundle(doc: Doc, pipeline: StampSource, options: FhirOptions = {}): Bundle {
  return new BundleBuilder(doc, pipeline, options).build();
}

class BundleBuilder {
  readonly #doc: Doc;
  readonly #stamp: PipelineStamp;
  readonly #o: FhirOptions;
  readonly #ids: Ids;
  readonly #entries: BundleEntry[] = [];
  readonly #concepts: readonly Concept[];
  readonly #sections: readonly Section[];
  #docRef = '';
  #subject: Reference = {};
  /** concept index -> FHIR dateTime of the first date that governs it */
  readonly #dates = new Map<number, string>();

  constructor(doc: Doc, pipeline: StampSource, options: FhirOptions) {
    this.#doc = doc;
    this.#stamp = pipeline.stamp;
    this.#o = options;
    this.#ids = new Ids(`clinote\u0000${doc.id}\u0000${doc.text}`);
    this.#concepts = doc.maybe('concepts') ?? [];
    this.#sections = doc.maybe('sections') ?? [];
    for (const d of doc.maybe('dates') ?? []) {
      if (!d.governs || d.value === undefined) continue;
      const v = fhirDateTime(d.value);
      if (!v) continue;
      for (const i of d.governs) if (!this.#dates.has(i)) this.#dates.set(i, v);
    }
  }

  build(): Bundle {
    const bundleId = this.#ids.next();
    this.#documentReference();
    this.#patient();
    const conditions: FhirResource[] = [];
    const family: FhirResource[] = [];
    const procedures: FhirResource[] = [];
    const meds = this.#medicationLayer();
    this.#concepts.forEach((c, i) => {
      const cats = this.#categories(c);
      if (c.type === 'problem') {
        if (cats.has('FAMILY')) {
          const r = this.#familyMemberHistory(c, i, cats);
          if (r) family.push(r);
        } else {
          const r = this.#condition(c, i, cats);
          if (r) conditions.push(r);
        }
      } else if (c.type === 'procedure') {
        const r = this.#procedure(c, i, cats);
        if (r) procedures.push(r);
      }
    });
    const statements = meds ? this.#medicationStatements(meds) : this.#medicationConcepts();
    const observations = (this.#doc.maybe('measurements') ?? [])
      .map((m) => this.#observation(m))
      .filter((x) => x !== null);
    for (const r of [...conditions, ...family, ...procedures, ...statements, ...observations]) this.#add(r);
    // last, so that adding it leaves the ids of every other entry as they were
    const claim = this.#claim();
    if (claim) this.#add(claim);
    return {
      resourceType: 'Bundle',
      id: bundleId,
      meta: { tag: [{ system: CLINOTE.pipelineTag, code: this.#stamp.version, display: this.#stamp.name }] },
      identifier: { system: CLINOTE.noteId, value: this.#doc.id },
      type: 'collection',
      entry: this.#entries,
    };
  }

  #add(r: FhirResource): void {
    this.#entries.push({ fullUrl: `urn:uuid:${r.id}`, resource: r });
  }

  // -------------------------------------------------------------------------------------------
  // The note and the patient

  #documentReference(): void {
    const id = this.#ids.next();
    this.#docRef = `urn:uuid:${id}`;
    const bytes = Buffer.from(this.#doc.text, 'utf8');
    const attachment: DocumentReference['content'][number]['attachment'] = {
      contentType: 'text/plain; charset=utf-8',
      size: bytes.length,
      hash: createHash('sha1').update(bytes).digest('base64'),
      title: this.#doc.id,
    };
    if (this.#o.sourceDocument?.text) attachment.data = bytes.toString('base64');
    if (this.#o.sourceDocument?.url) attachment.url = this.#o.sourceDocument.url;
    const r: DocumentReference = {
      resourceType: 'DocumentReference',
      id,
      extension: [{ url: CLINOTE.pipeline, valueString: `${this.#stamp.name}@${this.#stamp.version}` }],
      identifier: [{ system: CLINOTE.noteId, value: this.#doc.id }],
      status: 'current',
      type: { text: 'Clinical note' },
      content: [{ attachment }],
    };
    const noteDate =
      typeof this.#doc.meta.noteDate === 'string' ? fhirDateTime(this.#doc.meta.noteDate) : undefined;
    if (noteDate) r.context = { period: { start: noteDate } };
    this.#add(r);
  }

  #patient(): void {
    if (this.#o.patient) {
      this.#subject = this.#o.patient;
      return;
    }
    const p: Patient = { resourceType: 'Patient', id: this.#ids.next() };
    this.#subject = { reference: `urn:uuid:${p.id}` };
    this.#add(p);
    // the DocumentReference points at the patient too
    const dr = this.#entries[0]?.resource;
    if (dr?.resourceType === 'DocumentReference') dr.subject = this.#subject;
  }

  // -------------------------------------------------------------------------------------------
  // Shared pieces

  #span(start: number, end: number, component: string, rule?: string): Extension {
    const ext: Extension[] = [
      { url: 'start', valueInteger: start },
      { url: 'end', valueInteger: end },
      { url: 'document', valueReference: { reference: this.#docRef } },
      { url: 'component', valueString: component },
    ];
    if (rule) ext.push({ url: 'rule', valueString: rule });
    return { url: CLINOTE.sourceSpan, extension: ext };
  }

  /** Assertion categories of a concept; from the section when there is no assertions layer. */
  #categories(c: Concept): Categories {
    const a = (c as { assertion?: AssertionLike }).assertion;
    if (a && Array.isArray(a.categories)) return new Set(a.categories);
    const cat = c.section !== undefined ? this.#sections[c.section]?.category : undefined;
    if (cat === 'family_history') return new Set(['FAMILY']);
    if (cat === 'allergies') return new Set(['ALLERGY']);
    if (cat === 'past_medical_history' || cat === 'past_surgical_history') return new Set(['HISTORICAL']);
    return new Set();
  }

  #assertionExt(c: Concept): Extension[] {
    const a = (c as { assertion?: AssertionLike }).assertion;
    return a && typeof a.status === 'string' ? [{ url: CLINOTE.assertion, valueCode: a.status }] : [];
  }

  #code(c: Concept): CodeableConcept {
    const coding: Coding[] = c.codes.map((k) => codingOf(k.system, k.code, k.display));
    return coding.length > 0 ? { coding, text: c.text } : { text: c.text };
  }

  /**
   * Condition.code of an affirmed problem: the ICD-10-CM codes the `coding` component suggests for
   * the concept when the `codes` layer is there (docs/coding.md), then its other codes.
   */
  #conditionCode(c: Concept, i: number): CodeableConcept {
    const suggested = (this.#doc.maybe('codes') ?? []).filter(
      (k) => k.status === 'suggested' && k.evidence.concepts.includes(i),
    );
    if (suggested.length === 0) return this.#code(c);
    const coding: Coding[] = [
      ...suggested.map((k) => codingOf('icd10cm', k.code, k.title)),
      ...c.codes.filter((k) => k.system !== 'icd10cm').map((k) => codingOf(k.system, k.code, k.display)),
    ];
    return { coding, text: c.text };
  }

  #bodySite(c: Concept): CodeableConcept[] | undefined {
    const m = c.modifiers;
    if (!m?.bodySite && !m?.laterality) return undefined;
    const text = [m.laterality?.value, m.bodySite?.text].filter((x) => x).join(' ');
    const cc: CodeableConcept = { text: text || (m.bodySite?.text ?? '') };
    const code = m.bodySite?.code;
    if (code) cc.coding = [{ system: systemUrl(code.system), code: code.code }];
    return [cc];
  }

  // -------------------------------------------------------------------------------------------
  // Problems

  #condition(c: Concept, i: number, cats: Categories): Condition | null {
    if (cats.has('ALLERGY')) return null;
    const negated = cats.has('NEGATED');
    if (negated && this.#o.omitNegated) return null;
    const hypothetical = cats.has('HYPOTHETICAL') || cats.has('CONDITIONAL');
    if (hypothetical && !negated && !this.#o.hypothetical) return null;
    const verification = negated
      ? 'refuted'
      : cats.has('POSSIBLE')
        ? 'provisional'
        : hypothetical
          ? 'unconfirmed'
          : 'confirmed';
    const mods = c.modifiers;
    const r: Condition = {
      resourceType: 'Condition',
      id: this.#ids.next(),
      extension: [this.#span(c.start, c.end, 'concepts', c.evidence.rule), ...this.#assertionExt(c)],
      verificationStatus: {
        coding: [{ system: SYSTEM.conditionVerification, code: verification }],
      },
      category: [this.#conditionCategory(c)],
      code: negated ? this.#code(c) : this.#conditionCode(c, i),
      subject: this.#subject,
    };
    if (!negated) {
      const clinical = this.#clinicalStatus(cats, mods?.course?.value, mods?.acuity?.value);
      r.clinicalStatus = { coding: [{ system: SYSTEM.conditionClinical, code: clinical }] };
    }
    if (mods?.course) r.extension!.push({ url: CLINOTE.course, valueString: mods.course.value });
    if (mods?.acuity) r.extension!.push({ url: CLINOTE.acuity, valueString: mods.acuity.value });
    if (mods?.severity) {
      const s = SEVERITY_SNOMED[mods.severity.value];
      r.severity = s
        ? { coding: [{ system: SYSTEM.snomed, ...s }], text: mods.severity.text }
        : { text: mods.severity.text };
    }
    const site = this.#bodySite(c);
    if (site) r.bodySite = site;
    void i;
    return r;
  }

  /**
   * The rule for clinicalStatus (docs/fhir.md): course `resolved` -> resolved; historical -> active
   * when the note says it goes on (acuity chronic, or a course such as stable, worsening), else the
   * `historicalStatus` option (default inactive); anything else -> active.
   */
  #clinicalStatus(cats: Categories, course: string | undefined, acuity: string | undefined): string {
    if (course === 'resolved') return 'resolved';
    if (cats.has('HISTORICAL')) {
      if (
        acuity === 'chronic' ||
        acuity === 'acute on chronic' ||
        (course !== undefined && ONGOING_COURSES.has(course))
      )
        return 'active';
      return this.#o.historicalStatus ?? 'inactive';
    }
    if (course === 'recurrent') return 'recurrence';
    return 'active';
  }

  #conditionCategory(c: Concept): CodeableConcept {
    const cat = c.section !== undefined ? this.#sections[c.section]?.category : undefined;
    const code =
      cat !== undefined && DIAGNOSIS_SECTIONS.has(cat) ? 'encounter-diagnosis' : 'problem-list-item';
    return {
      coding: [
        {
          system: SYSTEM.conditionCategory,
          code,
          display: code === 'encounter-diagnosis' ? 'Encounter Diagnosis' : 'Problem List Item',
        },
      ],
    };
  }

  #familyMemberHistory(c: Concept, _i: number, cats: Categories): FamilyMemberHistory | null {
    // a negated family history (`no family history of colon cancer`) has no FHIR form here: left out
    if (cats.has('NEGATED')) return null;
    return {
      resourceType: 'FamilyMemberHistory',
      id: this.#ids.next(),
      extension: [this.#span(c.start, c.end, 'concepts', c.evidence.rule), ...this.#assertionExt(c)],
      status: 'partial',
      patient: this.#subject,
      relationship: this.#relationship(c),
      condition: [{ code: this.#code(c) }],
    };
  }

  /** The relative named nearest to the finding in its sentence (`mother with gallstones`). */
  #relationship(c: Concept): CodeableConcept {
    const sentences = this.#doc.maybe('sentences') ?? [];
    const s = c.sentence !== undefined ? sentences[c.sentence] : undefined;
    const from = s ? s.start : Math.max(0, c.start - 120);
    const to = s ? s.end : Math.min(this.#doc.text.length, c.end + 60);
    const text = this.#doc.text.slice(from, to).toLowerCase();
    let best: { code: string; display: string; text: string; dist: number } | undefined;
    for (const r of RELATIONSHIPS) {
      const re = new RegExp(`(?<![a-z])${r.written.replace(/[-/]/g, '\\$&')}(?![a-z])`, 'g');
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const at = from + m.index;
        const dist = at < c.start ? c.start - (at + m[0].length) : at - c.end;
        if (at < c.end && at + m[0].length > c.start) continue;
        if (!best || dist < best.dist)
          best = { code: r.code, display: r.display, text: this.#doc.text.slice(at, at + m[0].length), dist };
      }
    }
    if (!best) return { coding: [FAMILY_MEMBER], text: 'family member' };
    return { coding: [{ system: SYSTEM.roleCode, code: best.code, display: best.display }], text: best.text };
  }

  // -------------------------------------------------------------------------------------------
  // Procedures

  #procedure(c: Concept, i: number, cats: Categories): Procedure | null {
    if (cats.has('FAMILY') || cats.has('ALLERGY')) return null;
    const negated = cats.has('NEGATED');
    if (negated && this.#o.omitNegated) return null;
    const status: Procedure['status'] = negated
      ? 'not-done'
      : cats.has('HYPOTHETICAL') || cats.has('CONDITIONAL')
        ? 'preparation'
        : cats.has('POSSIBLE')
          ? 'unknown'
          : 'completed';
    const r: Procedure = {
      resourceType: 'Procedure',
      id: this.#ids.next(),
      extension: [this.#span(c.start, c.end, 'concepts', c.evidence.rule), ...this.#assertionExt(c)],
      status,
      code: this.#code(c),
      subject: this.#subject,
    };
    const when = this.#dates.get(i);
    if (when && status === 'completed') r.performedDateTime = when;
    const site = this.#bodySite(c);
    if (site) r.bodySite = site;
    return r;
  }

  // -------------------------------------------------------------------------------------------
  // Medications

  /** The medications layer; null when the pipeline has no `medications` component. */
  #medicationLayer(): readonly Medication[] | null {
    return this.#doc.maybe('medications') ?? null;
  }

  #medicationStatements(meds: readonly Medication[]): MedicationStatement[] {
    const out: MedicationStatement[] = [];
    for (const m of meds) {
      const ci = m.drug.concept;
      const c = ci !== undefined ? this.#concepts[ci] : undefined;
      const cats = c ? this.#categories(c) : this.#sectionCategoriesAt(m.drug.start);
      if (cats.has('ALLERGY') || cats.has('FAMILY')) continue;
      if (cats.has('NEGATED') && this.#o.omitNegated) continue;
      const status = medicationStatus(m.status?.value, cats);
      const coding: Coding[] = [];
      if (m.drug.rxnorm) coding.push({ system: SYSTEM.rxnorm, code: m.drug.rxnorm });
      else if (c) for (const k of c.codes) coding.push(codingOf(k.system, k.code, k.display));
      const r: MedicationStatement = {
        resourceType: 'MedicationStatement',
        id: this.#ids.next(),
        extension: [
          this.#span(m.start, m.end, 'medications', m.evidence.rule),
          ...(c ? this.#assertionExt(c) : []),
        ],
        status,
        medicationCodeableConcept: coding.length > 0 ? { coding, text: m.drug.text } : { text: m.drug.text },
        subject: this.#subject,
      };
      const dosage = this.#dosage(m);
      if (dosage) r.dosage = [dosage];
      if (m.indication?.text) r.reasonCode = [this.#reason(m.indication)];
      const when = ci !== undefined ? this.#dates.get(ci) : undefined;
      if (when) r.effectiveDateTime = when;
      out.push(r);
    }
    return out;
  }

  /** Without a medications layer: one MedicationStatement per medication concept, code only. */
  #medicationConcepts(): MedicationStatement[] {
    const out: MedicationStatement[] = [];
    this.#concepts.forEach((c, i) => {
      if (c.type !== 'medication') return;
      const cats = this.#categories(c);
      if (cats.has('ALLERGY') || cats.has('FAMILY')) return;
      if (cats.has('NEGATED') && this.#o.omitNegated) return;
      const r: MedicationStatement = {
        resourceType: 'MedicationStatement',
        id: this.#ids.next(),
        extension: [this.#span(c.start, c.end, 'concepts', c.evidence.rule), ...this.#assertionExt(c)],
        status: medicationStatus(undefined, cats),
        medicationCodeableConcept: this.#code(c),
        subject: this.#subject,
      };
      const when = this.#dates.get(i);
      if (when) r.effectiveDateTime = when;
      out.push(r);
    });
    return out;
  }

  #sectionCategoriesAt(o: number): Categories {
    const s = this.#sections.find((x) => x.start <= o && o < x.end);
    if (s?.category === 'allergies') return new Set(['ALLERGY']);
    if (s?.category === 'family_history') return new Set(['FAMILY']);
    return new Set();
  }

  #reason(ind: { start: number; end: number; text: string }): CodeableConcept {
    const c = this.#concepts.find((x) => x.type === 'problem' && x.start >= ind.start && x.end <= ind.end);
    if (!c) return { text: ind.text };
    return { ...this.#code(c), text: ind.text };
  }

  #dosage(m: Medication): Dosage | null {
    const d: Dosage = {};
    const text = this.#doc.text.slice(m.start, m.end).replace(/\s+/g, ' ').trim();
    if (text) d.text = text;
    const amount = m.dose ?? (m.strength && !m.strength.per ? m.strength : undefined);
    if (amount) {
      const q = (v: number): Quantity => ({
        value: v,
        unit: amount.unit,
        system: SYSTEM.ucum,
        code: amount.unit,
      });
      d.doseAndRate =
        amount.valueHigh !== undefined
          ? [{ doseRange: { low: q(amount.value), high: q(amount.valueHigh) } }]
          : [{ doseQuantity: q(amount.value) }];
    }
    const repeat: TimingRepeat = m.frequency ? fhirRepeat(m.frequency.timing) : {};
    if (m.duration) {
      repeat.boundsDuration = {
        value: m.duration.value,
        unit: m.duration.unit,
        system: SYSTEM.ucum,
        code: m.duration.unit,
      };
    }
    if (Object.keys(repeat).length > 0) d.timing = { repeat };
    if (m.asNeeded) {
      if (m.asNeeded.reason?.text) d.asNeededCodeableConcept = this.#reason(m.asNeeded.reason);
      else d.asNeededBoolean = true;
    }
    if (m.route) {
      const coding: Coding[] = [];
      const sn = ROUTE_SNOMED[m.route.code];
      if (sn) coding.push({ system: SYSTEM.snomed, ...sn });
      coding.push({
        system: CLINOTE.routeSystem,
        code: m.route.code,
        ...(m.route.display ? { display: m.route.display } : {}),
      });
      d.route = { coding, text: m.route.text };
    }
    return Object.keys(d).length > 0 ? d : null;
  }

  // -------------------------------------------------------------------------------------------
  // The suggested codes as a Claim

  /**
   * One draft Claim whose `diagnosis` lists the suggested codes of the `codes` layer in their
   * `sequence` order, numbered 1..n; review items (uncertain or incomplete diagnoses) are not on it.
   *
   * - `use: predetermination`: R4 has three uses: `claim` (treatment complete, a request for
   *   payment), `preauthorization` (approval of proposed treatment), `predetermination` (a
   *   non-binding estimate of what would be covered). A machine suggestion is no request for payment
   *   nor for approval; a predetermination commits no one, and with `status: draft` says the
   *   resource is not final and was not submitted.
   * - The elements R4 requires and a note cannot give (`provider`, `insurance[0].coverage`,
   *   `created`) carry the core data-absent-reason extension (`unknown`) unless the options give
   *   them: no placeholder resource, nothing invented about the patient or the payer.
   * - `diagnosisCodeableConcept`, not `diagnosisReference`: the claim must say which code is claimed,
   *   and a Condition may carry several suggested codes (or none: a combination code spans two
   *   Conditions; a family-history code has no Condition).
   * - `type`: `principal` (ex-diagnosistype) on the first principal candidate in sequence order;
   *   the other codes have none (that code system has no `secondary`).
   */
  #claim(): Claim | null {
    if (this.#o.claim === false) return null;
    const suggested = (this.#doc.maybe('codes') ?? [])
      .map((k, at) => ({ k, at }))
      .filter(({ k }) => k.status === 'suggested')
      .sort((a, b) => a.k.sequence - b.k.sequence || a.at - b.at)
      .map(({ k }) => k);
    if (suggested.length === 0) return null;
    const o = this.#o.claim ?? {};
    const absent = (): Extension[] => [{ url: SYSTEM.dataAbsentReason, valueCode: 'unknown' }];
    const type =
      o.type ?? (this.#doc.meta.setting === 'inpatient' ? 'institutional' : ('professional' as const));
    const principal = suggested.find((k) => k.principal);
    const created = o.created === undefined ? undefined : claimCreated(o.created);
    const r: Claim = {
      resourceType: 'Claim',
      id: this.#ids.next(),
      status: 'draft',
      type: { coding: [{ system: SYSTEM.claimType, code: type, display: CLAIM_TYPE_DISPLAY[type] }] },
      use: 'predetermination',
      patient: this.#subject,
      ...(created ? { created } : { _created: { extension: absent() } }),
      provider: o.provider ?? { extension: absent() },
      priority: { coding: [{ system: SYSTEM.processPriority, code: 'normal', display: 'Normal' }] },
      diagnosis: suggested.map((k, n) => this.#diagnosis(k, n + 1, k === principal)),
      insurance: [{ sequence: 1, focal: true, coverage: o.coverage ?? { extension: absent() } }],
    };
    return r;
  }

  #diagnosis(k: CodeItem, sequence: number, principal: boolean): ClaimDiagnosis {
    const d: ClaimDiagnosis = {
      extension: k.evidence.spans.map((s) => this.#span(s.start, s.end, 'codes')),
      sequence,
      diagnosisCodeableConcept: { coding: [codingOf('icd10cm', k.code, k.title)] },
    };
    if (d.extension!.length === 0) delete d.extension;
    if (principal)
      d.type = [
        { coding: [{ system: SYSTEM.diagnosisType, code: 'principal', display: 'Principal Diagnosis' }] },
      ];
    return d;
  }

  // -------------------------------------------------------------------------------------------
  // Labs and vitals

  #observation(m: Measurement): Observation | null {
    const v = m.value;
    if (!v) return null;
    if (v.kind === 'qualitative' && (v.qualitative === 'pending' || v.qualitative === undefined)) return null;
    const vital = m.kind === 'vital';
    const ucum = m.unit?.ucum ?? m.defaultUnit;
    const q = (value: number, comparator?: Quantity['comparator']): Quantity => ({
      value,
      ...(comparator ? { comparator } : {}),
      ...(ucum ? { unit: ucum, system: SYSTEM.ucum, code: ucum } : {}),
    });
    const categoryCode: keyof typeof CATEGORY_DISPLAY = vital
      ? 'vital-signs'
      : m.test.id === 'ejection-fraction'
        ? 'imaging'
        : (m.test.category ?? 'laboratory');
    const codings: Coding[] =
      vital && m.vital && VITAL_CODES[m.vital]
        ? VITAL_CODES[m.vital]!.map((x) => ({ ...x }))
        : m.test.loinc
          ? [{ system: SYSTEM.loinc, code: m.test.loinc, ...(m.test.name ? { display: m.test.name } : {}) }]
          : [];
    const r: Observation = {
      resourceType: 'Observation',
      id: this.#ids.next(),
      extension: [this.#span(m.start, m.end, 'measurements', m.evidence.rule)],
      status: 'final',
      category: [
        {
          coding: [
            {
              system: SYSTEM.observationCategory,
              code: categoryCode,
              display: CATEGORY_DISPLAY[categoryCode],
            },
          ],
        },
      ],
      code: codings.length > 0 ? { coding: codings, text: m.test.text } : { text: m.test.text },
      subject: this.#subject,
    };
    const when = m.test.concept !== undefined ? this.#dates.get(m.test.concept) : undefined;
    if (when) r.effectiveDateTime = when;
    if (m.vital === 'bp') {
      const comp: ObservationComponent[] = [];
      const mm = (value: number): Quantity => ({
        value,
        unit: 'mm[Hg]',
        system: SYSTEM.ucum,
        code: 'mm[Hg]',
      });
      if (m.components?.systolic)
        comp.push({ code: { coding: [{ ...BP_SYSTOLIC }] }, valueQuantity: mm(m.components.systolic.value) });
      if (m.components?.diastolic)
        comp.push({
          code: { coding: [{ ...BP_DIASTOLIC }] },
          valueQuantity: mm(m.components.diastolic.value),
        });
      if (comp.length === 0) return null;
      r.component = comp;
    } else if (v.kind === 'numeric' && v.value !== undefined) {
      r.valueQuantity = q(v.value, v.comparator);
    } else if (v.kind === 'range' && v.low !== undefined && v.high !== undefined) {
      r.valueRange = { low: q(v.low), high: q(v.high) };
    } else if (v.kind === 'ratio' && v.numerator !== undefined && v.denominator !== undefined) {
      r.valueRatio = { numerator: { value: v.numerator }, denominator: { value: v.denominator } };
    } else if (v.kind === 'qualitative' && v.qualitative !== undefined) {
      const sn = QUALITATIVE_SNOMED[v.qualitative];
      r.valueCodeableConcept = sn
        ? { coding: [{ system: SYSTEM.snomed, ...sn }], text: v.text }
        : { text: v.text };
    } else {
      return null;
    }
    if (m.flag) {
      const f = INTERPRETATION[m.flag.code];
      if (f) r.interpretation = [{ coding: [{ system: SYSTEM.interpretation, ...f }], text: m.flag.text }];
    }
    if (m.referenceRange) {
      const rr = m.referenceRange;
      const unitQ = (value: number): Quantity => q(value);
      r.referenceRange = [
        {
          ...(rr.low !== undefined ? { low: unitQ(rr.low) } : {}),
          ...(rr.high !== undefined ? { high: unitQ(rr.high) } : {}),
          text: rr.text,
        },
      ];
    }
    if (m.vital === 'spo2' && m.o2) {
      const comp: ObservationComponent[] = [];
      if (m.o2.flow) {
        comp.push({
          code: { coding: [{ ...O2_FLOW }] },
          valueQuantity: { value: m.o2.flow.value, unit: 'L/min', system: SYSTEM.ucum, code: 'L/min' },
        });
      }
      if (m.o2.fio2) {
        comp.push({
          code: { coding: [{ ...O2_CONCENTRATION }] },
          valueQuantity: { value: m.o2.fio2.value, unit: '%', system: SYSTEM.ucum, code: '%' },
        });
      }
      if (m.o2.device) {
        comp.push({
          code: { text: 'Oxygen delivery device' },
          valueCodeableConcept: {
            coding: [{ system: CLINOTE.o2Device, code: m.o2.device.code, display: m.o2.device.display }],
            text: m.o2.device.text,
          },
        });
      }
      if (comp.length > 0) r.component = comp;
    }
    return r;
  }
}

// ---------------------------------------------------------------------------------------------

function codingOf(system: string, code: string, display: string | undefined): Coding {
  return display ? { system: systemUrl(system), code, display } : { system: systemUrl(system), code };
}

const CLAIM_TYPE_DISPLAY: Record<'institutional' | 'professional', string> = {
  institutional: 'Institutional',
  professional: 'Professional',
};

const CATEGORY_DISPLAY: Record<'vital-signs' | 'imaging' | 'laboratory' | 'exam', string> = {
  'vital-signs': 'Vital Signs',
  imaging: 'Imaging',
  laboratory: 'Laboratory',
  exam: 'Exam',
};

/** FHIR Timing.repeat from the medication's timing, in FHIR's key order (the bounds come apart). */
function fhirRepeat(t: MedicationTiming): TimingRepeat {
  const r: TimingRepeat = {};
  if (t.count !== undefined) r.count = t.count;
  if (t.frequency !== undefined) r.frequency = t.frequency;
  if (t.frequencyMax !== undefined) r.frequencyMax = t.frequencyMax;
  if (t.period !== undefined) r.period = t.period;
  if (t.periodMax !== undefined) r.periodMax = t.periodMax;
  if (t.periodUnit !== undefined) r.periodUnit = t.periodUnit;
  if (t.dayOfWeek !== undefined) r.dayOfWeek = [...t.dayOfWeek];
  if (t.timeOfDay !== undefined) r.timeOfDay = [...t.timeOfDay];
  if (t.when !== undefined) r.when = [...t.when];
  return r;
}

/** stopped -> stopped, held -> on-hold, negated -> not-taken, hypothetical -> intended, historical -> completed, else active. */
export function medicationStatus(value: string | undefined, cats: Categories): MedicationStatement['status'] {
  if (cats.has('NEGATED')) return 'not-taken';
  if (value === 'stopped') return 'stopped';
  if (value === 'held') return 'on-hold';
  if (cats.has('HYPOTHETICAL') || cats.has('CONDITIONAL')) return 'intended';
  if (value === undefined && cats.has('HISTORICAL')) return 'completed';
  return 'active';
}

/** Claim.created from the option: a dateTime with a time zone as given, else as `fhirDateTime`. */
function claimCreated(v: string): string | undefined {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) ? v : fhirDateTime(v);
}

/**
 * A FHIR dateTime from a dates-layer value: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` as they are; a datetime
 * without a time zone is cut to its date (FHIR requires a zone when there is a time); weeks and
 * days without a year have no FHIR form.
 */
export function fhirDateTime(v: string): string | undefined {
  if (/^\d{4}(?:-\d{2}(?:-\d{2})?)?$/.test(v)) return v;
  const m = /^(\d{4}-\d{2}-\d{2})T/.exec(v);
  return m ? m[1] : undefined;
}
