"""The self-check record table (绿色矿山自查记录表): checks of the input's ``self_check``
section (:mod:`.checks`), its scoring (:func:`.core.score_section`), the XLSX and DOCX tables
(:mod:`.xlsx`, :mod:`.docx_table`), reading a filled table back (:mod:`.reader`), the summary of
many tables (:mod:`.summary`) and the spec (:mod:`.document`).
"""
