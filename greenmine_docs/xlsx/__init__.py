"""Workbooks (.xlsx), one way each: :mod:`.read` reads every workbook we are given, :mod:`.write`
writes every workbook we generate; :mod:`.cells` holds what both share (column letters, cell
references, cell text). Behind the writer: :mod:`.book` (the plain openpyxl way and the target
interface builders write through), :mod:`.fill` (its fast path: a cached skeleton filled with
values) and :mod:`.package` (saving: clock, data kept as data, shared strings)."""
