"""``xlsx.read.is_date_format``: which number formats of a user's workbook show dates — the
same answer as openpyxl's (which the reader no longer imports), in time linear in the code."""
from __future__ import annotations

import random
import time

import pytest
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.styles.numbers import is_date_format as openpyxl_says

from greenmine_docs.xlsx.read import is_date_format

TRICKY = ['[Red]0.00', '"day"0', '_d0', '\\d0', '[h]:mm:ss', '[hh]', '[H]', '[mm]ss', '[s]',
          '[sss]', '[$-804]yyyy"年"m"月"d"日"', '0;[Red]d', '"unterminated d', '[unterminated d',
          'General', '@', 'yyyy/mm/dd', '0.00E+00', '#,##0"万吨"', '[>=100]0;d', '"a"_d',
          '"x\ny"d', '"x\ny"0', '_"x"d', '\\"d"', '', ';d']


def test_the_same_answer_as_openpyxl_on_built_in_tricky_and_random_codes():
    rng = random.Random(7)
    alphabet = '"[]_\\;dmyhsDMHYS0#.,\n xH@'
    random_codes = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
                    for _ in range(5000)]
    codes = [*BUILTIN_FORMATS.values(), *TRICKY, *random_codes]
    assert [is_date_format(c) for c in codes] == [bool(openpyxl_says(c)) for c in codes]
    assert is_date_format("yyyy-mm-dd") and is_date_format("[h]:mm")
    assert not is_date_format('0.0"吨"') and not is_date_format("[Red]#,##0")


@pytest.mark.parametrize("code", ["[" * 50_000, '"' * 50_000, "[a" * 25_000, '"\n' * 25_000,
                                  "_" * 50_000 + "0"])
def test_linear_in_the_length_of_the_code(code):
    start = time.perf_counter()
    assert is_date_format(code) is False
    assert time.perf_counter() - start < 0.5
