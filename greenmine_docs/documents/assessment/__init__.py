"""The third-party assessment (第三方评估): checks of the ``assessment`` section, the assessor's
score sheet (write and read back), and the assessment report (DOCX, optionally PDF).

* :mod:`.checks` — findings about the team, dates, rulings, scores, photos (``greenmine validate``);
* :mod:`.data` — the effective rulings and scores (inline or from a filled sheet) and the one
  scoring-engine result every number in the documents comes from (the scoring stage's part);
* :mod:`.scoresheet` / :mod:`.scoresheet_read` — the score sheet XLSX;
* :mod:`.compose` — the report body; :mod:`.document` — the specs of the report and of the
  score sheet, and their renderers.
"""
