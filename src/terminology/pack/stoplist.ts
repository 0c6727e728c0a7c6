/**
 * Words that are never a concept mention on their own: English function words, common verbs and
 * adjectives (including positional and extent words: "diffuse", "left", "distal"), clinical-writing
filler and generic heads ("disease", "history", "illness"). Written by the
 * project. A one-token dictionary term whose key is here is dropped at pack build, unless the source
 * writes it as an acronym in capitals (ALL, MS, CAT): then the note must write it in capitals too.
 * Multi-token terms are unaffected ("lead poisoning", "all-trans retinoic acid").
 */
const WORDS = `
a about above across after again against ago all almost alone along already also although always am
among an and another any anyone anything are area around as ask asked at away back bad be became
because become been before began begin being below best better between beyond both bring brought but
by call called came can cannot case cases cause caused certain change changes clear close come comes
could current daily date day days did do does doing done down due during each early either else end
ended enough entire even ever every evidence except far few find first five follow followed following
for form found four free from full further gave general get give given go going gone good got great
had half has have having he her here hers herself high him himself his how however i if ii iii in
include including increase increased increasing into is it its itself just keep kept kind know known
last late later least left less let level levels like likely little long look low made main make many
may me might more most mostly much must my near need needed needs never new next nine no none nor not
note noted nothing now number of off often old on once one only onto or other others our out over own
part past patient patients per perhaps place plan point possible present presented presents prior
probably put quite rate rather re read really reason recent recently related report reported right
said same saw say see seen seven several shall she short should show showed shown side since six so
some something sometimes soon still such take taken taking ten than that the their them themselves
then there these they thing things third this those though three through thus time times to today
together too took total toward two type under until up upon us use used using usual usually various
very via was way we week weeks well went were what when where whether which while who whole whom
whose why will with within without would year years yes yet you your
normal abnormal abnormality abnormalities positive negative mild moderate severe acute chronic
stable unstable unknown unspecified specified other disease diseases disorder disorders syndrome
syndromes condition conditions problem problems finding findings history status state result results
test tests procedure procedures treatment therapy drug drugs medication medications sign signs
symptom symptoms complication complications deficiency excess illness illnesses sickness disability
diffuse focal local bilateral unilateral central peripheral proximal distal anterior posterior
superior inferior medial lateral upper lower small large big multiple single partial complete
age size appearance weight height length width depth volume color colour shape oval round fine coarse
body cell fat acid lead tube name sex gender race count amount score index ratio value values sample
specimen source site location comment method unit units
pt pts dr mr mrs ms po bid tid qid prn qd qhs hs am pm cm mm kg mg ml dl
`;

export const STOPWORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter((w) => w.length > 0));
