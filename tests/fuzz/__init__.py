"""A fuzzing suite for issue 16, "Nothing a file can do stops the service".

Mutants of the dev reports (``../shared/eval/dev/*/report.docx|.pdf``) and the bundled sample,
built files (bombs, huge structure, hostile names) and hypothesis-driven documents are run
through the real ``ksb`` command and the real web app, and checked against the issue's rules:

- ``ksb analyse FILE --format json``: exit status 0 or 3 only; on 3 exactly one stderr line
  starting ``error: ``; never a traceback; at most 60 s and 1 GB (peak RSS of the child), or
  exit 3 with a limit message.
- ``ksb batch`` over a folder of mutants: every cohort view is written (cohort.csv,
  cohort.xlsx, cohort-heatmap.png, cohort.html) with errors.csv; no cell from a file name
  starts a formula; no ``javascript:`` link; a report named cohort.md keeps its own page.
- ``POST /api/analyse`` and ``POST /analyse`` (``create_app`` under FastAPI's TestClient, in a
  child process): never a 5xx, each answer within the time and memory limits.

Modules: :mod:`.mutant` (the Mutant record, the seed reports, writing mutants out),
:mod:`.zipdocx` and :mod:`.docx_mutants` (.docx), :mod:`.pdf_mutants` (.pdf),
:mod:`.byte_mutants` (format-blind), :mod:`.names` (hostile file names), :mod:`.structured`
(hypothesis strategies), :mod:`.catalogue` (the quick and full sets), :mod:`.runner` (a child
process under the fuzzer's time and memory watch), :mod:`.checks` (the rules), :mod:`.cli`,
:mod:`.batch`, :mod:`.app` with :mod:`.app_probe`, and :mod:`.serve_load` (the entry points),
:mod:`.bugs` (what the fuzzer found), :mod:`.report` (the figures).
Mutants are generated in temporary folders only; none is committed.
"""
