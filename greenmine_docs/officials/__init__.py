"""Tools for officials (county, city, province) who receive many submissions:

- :mod:`.mine_list` reads the directory of listed green mines (名录) from Excel/CSV;
- :mod:`.sampling` draws the reproducible verification sample (实地核查名单);
- :mod:`.sample_output` writes the sample as a workbook with an audit sheet, and as a DOCX table;
- :mod:`.docx_structure` reads headings from any Word plan (styles, hand numbering, auto numbering:
  :mod:`.docx_styles`), :mod:`.pdf_structure` from a PDF; both give a :mod:`.structure` whose
  headings are recognised and levelled the same way; :mod:`.numbering` is how Chinese headings
  are numbered;
- :mod:`.outline` loads the writing outline (编写提纲) the plan is checked against;
- :mod:`.check` checks a submitted plan's structure, placeholders and key facts;
- :mod:`.docx_package` opens a Word package and streams its main part (bounded memory);
- :mod:`.diff` compares two versions of a plan chapter by chapter.
"""
