-- A store written by crmcheck schema 1 (no targets, no summary cache, no questionnaire version),
-- holding tests/data/mini-answers.yaml as assessment 1 and an unfinished assessment 2.
-- Used by tests/test_store_migration.py: a newer crmcheck must open it without loss.
BEGIN;
CREATE TABLE meta (key VARCHAR(64) NOT NULL PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE questionnaires (id INTEGER NOT NULL PRIMARY KEY, ref VARCHAR(200) NOT NULL, hash VARCHAR(64) NOT NULL UNIQUE, text TEXT NOT NULL);
CREATE TABLE clients (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL, slug VARCHAR(200) NOT NULL UNIQUE);
CREATE TABLE assessments (id INTEGER NOT NULL PRIMARY KEY, client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE, label VARCHAR(100) NOT NULL, date VARCHAR(10) NOT NULL, status VARCHAR(20) NOT NULL, questionnaire_id INTEGER NOT NULL REFERENCES questionnaires (id), created VARCHAR(32) NOT NULL, updated VARCHAR(32) NOT NULL, UNIQUE (client_id, label));
CREATE TABLE processes (assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE, process_id VARCHAR(100) NOT NULL, position INTEGER NOT NULL, title VARCHAR(200) NOT NULL, importance INTEGER NOT NULL, custom INTEGER NOT NULL, PRIMARY KEY (assessment_id, process_id));
CREATE TABLE respondents (id INTEGER NOT NULL PRIMARY KEY, assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE, position INTEGER NOT NULL, name VARCHAR(200) NOT NULL, role VARCHAR(200) NOT NULL, department VARCHAR(200) NOT NULL, interviewer VARCHAR(200), status VARCHAR(20) NOT NULL, UNIQUE (assessment_id, name));
CREATE TABLE answers (respondent_id INTEGER NOT NULL REFERENCES respondents (id) ON DELETE CASCADE, process VARCHAR(100) NOT NULL, question VARCHAR(100) NOT NULL, kind VARCHAR(10) NOT NULL, level INTEGER, reason TEXT, note TEXT, at VARCHAR(32), PRIMARY KEY (respondent_id, process, question));
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO questionnaires VALUES (1, 'mini@1', '1d8269557d398be94a600eada7e9e172a30f4a19273f690eb4397e94c0eb31e8', '# A small questionnaire used by the tests: two criteria, two processes, two sins.
id: mini
version: "1"
title: Mini readiness
description: A tiny questionnaire for tests.
scales:
  maturity:
    levels:
      - {value: 0, label: Absent, descriptor: Nothing in place.}
      - {value: 1, label: Ad hoc, descriptor: Depends on individuals.}
      - {value: 2, label: Defined, descriptor: Agreed and written down.}
      - {value: 3, label: Managed, descriptor: Measured and reviewed.}
      - {value: 4, label: Optimised, descriptor: Continuously improved.}
criteria:
  - id: ownership
    title: Ownership
    description: One role owns the process.
    weight: 2
    questions:
      - id: own-owner
        text: Is there a named owner?
        scale: maturity
        critical: {below: 1, caps: no-go}
      - id: own-mandate
        text: Does the owner have a mandate?
        scale: maturity
        allow_na: true
        show_if: {question: own-owner, at_least: 1}
  - id: measures
    title: Measures
    description: Performance is measured.
    questions:
      - id: meas-kpi
        text: Are KPIs tracked?
        scale: maturity
        weight: 2
processes:
  - id: leads
    title: Lead management
    description: From first contact to a qualified lead.
    importance: 4
    questions:
      - id: leads-grading
        criterion: measures
        text: Are leads graded?
        scale: maturity
  - id: sales
    title: Sales
    description: From opportunity to close.
sins:
  - id: strategy
    title: No CRM strategy
    description: Nobody agreed what CRM is for.
    questions:
      - id: strat-agreed
        text: Is there an agreed CRM strategy?
        scale: maturity
        critical: {below: 1, caps: conditional}
  - id: data
    title: No data integration
    description: Customer data sits in silos.
    weight: 2
    questions:
      - id: data-single-view
        text: Is there one view of the customer?
        scale: maturity
scoring:
  sections: {processes: 3, programme: 2}
  bands:
    - {name: Not ready, from: 0, to: 40}
    - {name: Emerging, from: 40, to: 70}
    - {name: Ready, from: 70, to: 100}
  risk_levels:
    - {name: low, from: 0, to: 30}
    - {name: medium, from: 30, to: 60}
    - {name: high, from: 60, to: 100}
  verdict:
    go: {min_index: 70, max_risk: medium}
    conditional: {min_index: 45}
rules:
  - id: name-owner
    scope: process
    when: {question: own-owner, below: 2}
    recommend:
      title: Name an accountable owner
      rationale: Without an owner nobody answers for the process.
      steps: [Pick the owner, Announce it]
      impact: high
      effort: low
      horizon: 30
      owner: Executive sponsor
  - id: grade-leads
    when:
      all:
        - {question: leads-grading, below: 2}
        - {process: leads, below: 60}
    recommend:
      title: Grade leads
      rationale: Hot leads go cold while they wait.
      steps: [Agree criteria]
      impact: high
      effort: medium
      horizon: 60
      owner: Head of marketing
  - id: strategy-first
    when: {sin: strategy, risk: [high]}
    recommend:
      title: Agree a CRM strategy
      rationale: Without one nothing else sticks.
      steps: [Hold a workshop]
      impact: high
      effort: medium
      horizon: 30
      owner: CEO
  - id: settle-disagreement
    when: {disagreement: any}
    recommend:
      title: Settle disagreements
      rationale: People see the same process differently.
      steps: [Review together]
      impact: medium
      effort: low
      horizon: 30
      owner: Project lead
');
INSERT INTO clients VALUES (1, 'Acme Ltd', 'acme-ltd');
INSERT INTO assessments VALUES (1, 1, '2026-Q4', '2026-11-20', 'complete', 1, '2026-11-20T09:00:00', '2026-11-20T11:30:00');
INSERT INTO assessments VALUES (2, 1, '2027-Q1', '2027-02-01', 'in-progress', 1, '2027-02-01T09:00:00', '2027-02-01T09:10:00');
INSERT INTO processes VALUES (1, 'leads', 0, 'Lead management', 4, 0);
INSERT INTO processes VALUES (1, 'sales', 1, 'Sales', 5, 0);
INSERT INTO processes VALUES (1, 'dealer-onboarding', 2, 'Dealer onboarding', 2, 1);
INSERT INTO processes VALUES (2, 'leads', 0, 'Lead management', 4, 0);
INSERT INTO respondents VALUES (1, 1, 0, 'Ana Silva', 'Head of Sales', 'Sales', NULL, 'complete');
INSERT INTO answers VALUES (1, 'leads', 'own-owner', 'level', 3, NULL, NULL, NULL);
INSERT INTO answers VALUES (1, 'leads', 'own-mandate', 'level', 2, NULL, NULL, NULL);
INSERT INTO answers VALUES (1, 'leads', 'meas-kpi', 'level', 1, NULL, NULL, NULL);
INSERT INTO answers VALUES (1, 'leads', 'leads-grading', 'level', 0, NULL, NULL, NULL);
INSERT INTO answers VALUES (1, 'sales', 'own-owner', 'level', 2, NULL, NULL, NULL);
INSERT INTO answers VALUES (1, 'sales', 'own-mandate', 'na', NULL, 'no mandate needed', NULL, NULL);
INSERT INTO answers VALUES (1, 'sales', 'meas-kpi', 'level', 3, NULL, 'weekly pipeline review', NULL);
INSERT INTO answers VALUES (1, 'dealer-onboarding', 'own-owner', 'level', 0, NULL, NULL, NULL);
INSERT INTO answers VALUES (1, 'dealer-onboarding', 'meas-kpi', 'dont_know', NULL, NULL, NULL, NULL);
INSERT INTO answers VALUES (1, 'programme', 'strat-agreed', 'level', 1, NULL, NULL, NULL);
INSERT INTO answers VALUES (1, 'programme', 'data-single-view', 'level', 0, NULL, NULL, NULL);
INSERT INTO respondents VALUES (2, 1, 1, 'Ben Okafor', 'Marketing lead', 'Marketing', NULL, 'complete');
INSERT INTO answers VALUES (2, 'leads', 'own-owner', 'level', 1, NULL, NULL, NULL);
INSERT INTO answers VALUES (2, 'leads', 'meas-kpi', 'level', 1, NULL, NULL, NULL);
INSERT INTO answers VALUES (2, 'leads', 'leads-grading', 'level', 1, NULL, NULL, NULL);
INSERT INTO answers VALUES (2, 'programme', 'strat-agreed', 'level', 3, NULL, NULL, NULL);
INSERT INTO answers VALUES (2, 'programme', 'data-single-view', 'dont_know', NULL, NULL, NULL, NULL);
INSERT INTO respondents VALUES (3, 2, 0, 'Ana Silva', 'Head of Sales', 'Sales', 'Jo', 'in-progress');
INSERT INTO answers VALUES (3, 'leads', 'own-owner', 'level', 2, NULL, 'named in January', '2027-02-01T09:05:00');
COMMIT;
