"""Every broken questionnaire or answers file gets its exact located one-line error and exit 2.

The files live in tests/data/broken/; ``q-*`` are questionnaires (checked with
``questionnaire validate``), ``a-*`` are answers files for tests/data/mini.yaml (checked with
``score``). ``{path}`` stands for the file's path as given on the command line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crmcheck.cli import cli

DATA = Path(__file__).parent / "data"
BROKEN = DATA / "broken"

EXPECTED: dict[str, list[str]] = {
    'a-answer-word': ["{path}:23:54: respondents[1].answers.programme.data-single-view: expected a level (a whole number), dont_know, na or a mapping, got 'dunno'"],
    'a-speaks-for-unknown': ["{path}:21:25: respondents[1].speaks_for[1]: 'billing' is not a process in scope; use one of leads, sales, dealer-onboarding"],
    'a-answers-outside-speaks-for': ["{path}:23:14: respondents[1].answers.leads: Ben Okafor does not speak for 'leads' (see speaks_for); add it there or remove these answers"],
    'a-basis-unknown': ["{path}:15:111: respondents[0].answers.sales.meas-kpi.basis: expected one of 'said', 'seen' or 'measured', got 'shown'"],
    'a-basis-without-level': ["{path}:16:51: respondents[0].answers.dealer-onboarding.meas-kpi: 'basis' and 'or' go with a 'level'"],
    'a-or-not-neighbour': ["{path}:15:93: respondents[0].answers.sales.meas-kpi: 'or' names the neighbouring level the answer might also be (2 or 4), got 1"],
    'a-bad-date': ["{path}:3:7: date: expected a date (YYYY-MM-DD), got '20/11/2026'"],
    'a-duplicate-respondent': ["{path}:18:11: respondents[1].name: respondent 'Ana Silva' appears twice; merge their answers"],
    'a-group-not-in-scope': ["{path}:22:16: respondents[1].answers.service: 'service' is not a process in scope; expected one of ['dealer-onboarding', 'leads', 'programme', 'sales']"],
    'a-importance-too-high': ['{path}:7:29: processes[1].importance: expected a number <= 5, got 9'],
    'a-level-and-answer': ["{path}:15:93: respondents[0].answers.sales.meas-kpi: give either 'level' or 'answer' (dont_know or na), not both or neither"],
    'a-level-out-of-scale': ["{path}:14:26: respondents[0].answers.leads.own-owner: expected a level of scale 'maturity' (0, 1, 2, 3, 4), dont_know or na, got 7"],
    'a-missing-client': ["{path}:1:1: required field 'client' is missing"],
    'a-na-not-allowed': ["{path}:14:55: respondents[0].answers.leads.meas-kpi: question 'meas-kpi' does not allow 'na'; give a level or dont_know"],
    'a-questionnaire-mismatch': ["{path}:4:16: questionnaire: this file was answered with 'mini@2', but the questionnaire given is 'mini@1'; pass the matching one with --questionnaire"],
    'a-reason-without-na': ["{path}:15:93: respondents[0].answers.sales.meas-kpi: 'reason' goes with 'answer: na'"],
    'a-respondent-missing-role': ["{path}:18:5: respondents[1]: required field 'role' is missing"],
    'a-unknown-process': ["{path}:6:5: processes[0]: unknown process 'leadz'; use a catalogue id (leads, sales) or give a custom process a 'name'", "{path}:14:14: respondents[0].answers.leads: 'leads' is not a process in scope; expected one of ['dealer-onboarding', 'programme', 'sales']", "{path}:22:14: respondents[1].answers.leads: 'leads' is not a process in scope; expected one of ['dealer-onboarding', 'programme', 'sales']"],
    'a-unknown-question': ["{path}:14:71: respondents[0].answers.leads.leads-grade: no question 'leads-grade' is asked for 'leads'"],
    'q-after-cycle': ["{path}:82:12: rules[0].after: rule 'name-owner' comes after itself through other rules' 'after'; remove one link of the cycle", "{path}:107:12: rules[2].after: rule 'strategy-first' comes after itself through other rules' 'after'; remove one link of the cycle"],
    'q-after-unknown': ["{path}:93:13: rules[1].after[0]: unknown rule 'name-ownr'"],
    'q-bad-horizon': ["{path}:103:16: rules[1].recommend.horizon: expected one of 30, 60, 90 or 'later', got 45"],
    'q-bad-id': ["{path}:47:9: processes[1].id: expected an id of lower-case letters, digits and dashes (e.g. lead-grading), got 'Sales Team'"],
    'q-bands-gap': ['{path}:72:27: scoring.bands[2].from: gap between 70 and 75: no band covers it'],
    'q-bands-overlap': ["{path}:71:30: scoring.bands[1].from: band 'Emerging' overlaps the band before it (starts at 35, previous ends at 40)"],
    'q-bands-short': ['{path}:72:35: scoring.bands[2].to: gap between 95 and 100: no band covers it'],
    'q-condition-no-comparison': ["{path}:96:11: rules[1].when.all[1]: 'process' needs a comparison: one of at_least, below"],
    'q-condition-two-heads': ['{path}:106:11: rules[2].when: a condition needs exactly one of all, any, not, question, criterion, process, sin, index, disagreement; found criterion, sin'],
    'q-critical-out-of-range': ["{path}:23:27: criteria[0].questions[0].critical.below: expected a level between 1 and 4 on scale 'maturity', got 9"],
    'q-descriptor-unknown-level': ["{path}:22:22: criteria[0].questions[0].descriptors[7]: no level 7 on scale 'maturity' [0, 1, 2, 3, 4]"],
    'q-duplicate-key': ["{path}:4:1: version: duplicate key 'version'; each key may appear once"],
    'q-duplicate-question-id': ["{path}:33:13: criteria[1].questions[0].id: duplicate question id 'own-owner' (first used at criteria[0].questions[0])"],
    'q-empty': ['{path}:1:1: the file is empty; expected a YAML mapping'],
    'q-levels-not-increasing': ['{path}:8:5: scales.maturity: level values must be unique and increasing, got [0, 1, 1, 3, 4]'],
    'q-missing-title': ["{path}:2:1: required field 'title' is missing"],
    'q-process-question-unknown-criterion': ["{path}:44:20: processes[0].questions[0].criterion: unknown criterion 'metrics'; expected one of ['measures', 'ownership']"],
    'q-programme-rule-templated-question': ["{path}:82:22: rules[0].when.question: 'own-owner' is asked for every process; a rule that tests it needs 'scope: process'"],
    'q-rule-contradiction': ["{path}:94:7: rules[1].when: rule 'grade-leads' can never fire: its conditions contradict each other or ask for impossible values"],
    'q-rule-never-fires': ["{path}:83:40: rules[0].when.below: no answer to 'own-owner' is below 0; this can never be true"],
    'q-rule-unknown-process': ["{path}:96:21: rules[1].when.all[1].process: unknown process 'lead'"],
    'q-rule-unknown-question': ["{path}:95:22: rules[1].when.all[0].question: unknown question 'leads-grade'"],
    'q-rule-unknown-risk': ["{path}:106:34: rules[2].when.risk[0]: unknown risk level 'severe'; expected one of ['high', 'low', 'medium']"],
    'q-rule-unknown-sin': ["{path}:106:17: rules[2].when.sin: unknown sin 'strategic'"],
    'q-show-if-later': ["{path}:28:29: criteria[0].questions[1].show_if.question: 'meas-kpi' is not asked before 'own-mandate'; show_if may only refer to earlier questions"],
    'q-show-if-unknown': ["{path}:28:29: criteria[0].questions[1].show_if.question: unknown question 'own-ownr'"],
    'q-supersedes-unknown': ["{path}:93:18: rules[1].supersedes[0]: unknown rule 'name-ownr'"],
    'q-this-in-programme-rule': ["{path}:96:21: rules[1].when.all[1].process: 'this' only means something in a rule with 'scope: process'"],
    'q-top-level-list': ['{path}:1:1: expected a YAML mapping at the top level, found a list'],
    'q-unknown-field': ["{path}:36:17: criteria[1].questions[0].wieght: unknown field 'wieght'; check its spelling against the format in the README"],
    'q-unknown-scale': ["{path}:35:16: criteria[1].questions[0].scale: unknown scale 'maturty'; defined scales: ['maturity']"],
    'q-verdict-unknown-risk': ["{path}:78:35: scoring.verdict.go.max_risk: unknown risk level 'moderate'; expected one of ['high', 'low', 'medium']"],
    'q-weight-negative': ['{path}:62:13: sins[1].weight: expected a number > 0, got -1'],
    'q-weight-text': ["{path}:18:13: criteria[0].weight: expected a number, got 'high'"],
    'q-weight-zero': ['{path}:36:17: criteria[1].questions[0].weight: expected a number > 0, got 0'],
    'q-yaml-syntax': ['{path}:6:6: invalid YAML: mapping values are not allowed here (check the indentation and quoting on this line or the one above)'],
}


def test_every_broken_file_has_an_expectation() -> None:
    on_disk = {p.stem for p in BROKEN.glob("*.yaml")}
    assert on_disk == set(EXPECTED)
    assert len(on_disk) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=sorted(EXPECTED))
def test_broken_file_message(name: str) -> None:
    path = BROKEN / f"{name}.yaml"
    if name.startswith("q-"):
        args = ["questionnaire", "validate", str(path)]
    else:
        args = ["score", "-q", str(DATA / "mini.yaml"), str(path)]
    result = CliRunner().invoke(cli, args, env={"COLUMNS": "100"})
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit) or result.exception is None or hasattr(
        result.exception, "exit_code"
    )
    lines = [line for line in result.stderr.splitlines() if not line.endswith("problems found.")]
    assert lines == [line.replace("{path}", str(path)) for line in EXPECTED[name]]
    assert "Traceback" not in result.output
