"""The question bank: every question the fact base can ask, and randomized quiz sets drawn from it.

`build_bank(base)` turns a `FactBase` into a tuple of `Question`s (`cardgen.bank.question`:
one frozen variant per way of answering), sorted by id, with options in canonical order
(sorted by folded text, so the position of the answer says nothing).
`cardgen.bank.sample` draws sets from it, shuffles options with a `random.Random` derived
from the seed and spreads the correct position evenly. The exam, the terminal quiz and the
quiz-set writers all read these objects; none of them makes a random choice of its own.

The stage's modules: `question` (the variants), `generate` (one generator per fact kind),
`distractors` (choosing wrong options), `relations` (what the facts make true) and `sample`.

Kinds (`Question.kind`), their variant and the shape of their answer:

- `term_from_definition` (Choice) — a definition is shown; pick the term.
- `definition_from_term` (Choice) — a term is shown; pick its definition.
- `detail_fill` (FillIn) — one of a definition's `details` with a term of the base left
  blank (`cardgen.bank.cloze`); `answer` is the term, `accepted` its other names.
- `pro_of`, `con_of` (Choice) — pick the advantage / disadvantage of a concept; wrong
  options are points of sibling concepts (right fact, wrong subject) or the concept's own
  points of the other polarity.
- `ox_pro`, `ox_con` (TrueFalse) — "this is an advantage / disadvantage of X": true or
  false. False
  statements are only those the facts vouch for: X's own points of the other polarity,
  points a comparison denies for X, and points of X's taxonomy siblings (only when X's
  points of that polarity are listed at all).
- `stack_order` (Ordering) — `pieces` are the layers of a stack in canonical (sorted)
  order; `answer` is the tuple of layer names top to bottom.
- `stack_missing_choice` (Choice) — a stack drawn with one blank box (`stack`,
  `hidden_layer`); pick the missing layer.
- `stack_missing_fill` (FillIn) — the same drawing; `answer` is the layer name, `accepted`
  the other names that count as right.
- `stack_above`, `stack_below` (Choice) — which layer sits directly above / below a layer.
- `stack_cross` (Choice) — in which stack (the options are stack titles) one layer sits
  directly above another; the wrong options hold both layers, but not that way round.
- `stack_band` (Choice) — which band (a named group of layers) a layer is in, for a stack
  of three or more bands; `stack_band_ox` (TrueFalse) — "this layer is in band B", for a
  stack of two. Neither draws the stack, which would show the answer.
- `process_order` (Ordering, `flow` set) — the steps of a process, first to last.
- `process_next`, `process_previous` (Choice) — the step right after / before a step,
  drawn as a two-step `flow` with the asked step as "?"; each adjacent pair is asked once.
- `process_step` (Choice) — a step's `detail` is shown; pick the step it describes.
  Wrong options of the three are the process's other steps, then other processes' steps.
- `kind_of` (Choice) — which of these is a kind of X (taxonomy).
- `odd_one_out` (Choice) — which of these is not a kind of X.
- `group_member` (Choice) — which of X's kinds is in a group the author named; the wrong
  options are kinds the author put in the taxonomy's other groups.
- `matching` (Matching) — `terms` and `definitions` are the two columns in display order;
  `answer[i]` is the index of term i's definition.
- `author` (ShortAnswer) — the author's own question; `answer` is the expected answer text.
- `author_choice` (Choice), `author_multi` (MultiChoice) — the author's own choice question,
  with one right option or several ("choose all that apply"); its options are the author's
  (2 to 9, kept even where the screening would drop a generated question) and `fixed` when
  the author's order must stay.
- `compare_which` (Choice) — which concept of a comparison a row's `attribute: value`
  describes; the wrong options are the concepts whose value plainly differs.
- `compare_match` (Matching) — a comparison row's concepts and values, when all differ.
- `compare_ox` (TrueFalse) — a concept's value in a row: true, or false with a value the
  row gives another concept. All three carry the `table` and the `cells` they ask.

Generated choice questions have at least `MIN_OPTIONS` (3) and at most `MAX_OPTIONS` (4)
options and exactly one right one. A wrong option is never something the fact base says is also true
(texts compared after NFKC, casefold and collapsed whitespace), never a duplicate and never
another name of the answer; a question that cannot get enough good options is not made.
"Also true" includes taxonomy lineage: a kind of X fits X's definition, what X is a kind
of shares X's points, and a concept the facts tie to X's kinds (a layer of a stack that
illustrates one, a term their definitions use) is never offered as "not a kind of X".
"""
